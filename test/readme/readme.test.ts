// The shell blocks of the README and of docs/*.md, run as written, each in a fresh shell of its own, against
// `npm start` (the built start script) on ports other than the defaults, as a reader who set PORT and
// EMULATOR_PORT would. Their relative links must lead somewhere.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { projectFolder, runScript, waitUntilServing, type ScriptRun } from '../../harness/scripts';
import { ROOT, freePort } from '../../harness/stack';

/** The README and every page of docs/, by path from the project's root. */
const pages = new Map(
  [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => `docs/${f}`),
  ].map((file) => [file, readFileSync(join(ROOT, file), 'utf8')]),
);
const readme = pages.get('README.md')!;

/** Every bash block, with its file and the title of the `##` or `###` section it is in (or the page's `#`), in page order. */
const blocks = [...pages].flatMap(([file, text]) =>
  text.split(/\n(?=##+ )/).flatMap((section) =>
    [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => ({
      file,
      section: section.split('\n')[0].replace(/^#+ /, ''),
      script: m[1],
    })),
  ),
);

/** A section's text, from its `##` or `###` heading to the next heading of its level or above. */
function section(file: string, title: string): string {
  const lines = pages.get(file)!.split('\n');
  let fenced = false;
  /** Whether each line is a heading, not a comment in a code block. */
  const heading = lines.map((l) => {
    if (l.startsWith('```')) fenced = !fenced;
    return !fenced && /^#+ /.test(l);
  });
  const at = lines.findIndex((l, i) => heading[i] && /^##+ /.test(l) && l.replace(/^#+ /, '') === title);
  if (at < 0) throw new Error(`${file} has no section "${title}"`);
  const level = lines[at].indexOf(' ');
  const end = lines.findIndex((l, i) => i > at && heading[i] && l.indexOf(' ') <= level);
  return lines.slice(at, end < 0 ? undefined : end).join('\n');
}

/** Blocks that install, deploy or start the toolkit itself, by file and section: checked as text, not run here. */
const NOT_RUN: Record<string, Record<string, string[]>> = {
  'README.md': {
    'Set up': ['npm ci && npm start', 'npm ci && npm test'],
    Deploy: [
      'npm run deploy',
      'npm install -g twilio-cli && twilio plugins:install @twilio-labs/plugin-serverless\nnpm run build && twilio serverless:deploy',
    ],
  },
  // Twenty minutes of mutation testing: not a block to run in a test.
  'docs/mutation.md': {
    'Mutation testing': [
      [
        "npm run mutate             # lib/model, then lib/controls; prints each scope's survivors and both scores",
        'npm run mutate -- model    # one scope',
        'STRYKER_SCOPE=controls npx stryker run --mutate lib/controls/pause-lock.ts   # one file of a scope',
      ].join('\n'),
    ],
    Scores: [
      'STRYKER_SCOPE=controls STRYKER_CONCURRENCY=1 npx stryker run --mutate lib/controls/pause-lock.ts,lib/controls/ownership.ts',
    ],
  },
  'docs/flex-plugin.md': {
    'Deploy it to a Flex account': [
      [
        'twilio plugins:install @twilio-labs/plugin-flex',
        'cd plugin-recording-controls',
        'npm ci',
        'echo "FLEX_APP_RECORDING_FUNCTIONS_URL=https://recording-controls-1234-dev.twil.io" > .env',
        'twilio flex:plugins:deploy --changelog "Recording controls"',
        'twilio flex:plugins:release --plugin plugin-recording-controls@0.1.0 --name "Recording controls" --description "Pause button and Recordings view"',
      ].join('\n'),
    ],
  },
};
const runnable = blocks.filter((b) => !NOT_RUN[b.file]?.[b.section]);
/** The runnable blocks of one section, as written. */
const scripts = (file: string, title: string) =>
  runnable.filter((b) => b.file === file && b.section === title).map((b) => b.script);

let start: ScriptRun;
let env: Record<string, string>;
beforeAll(async () => {
  env = {
    PATH: process.env.PATH!,
    HOME: process.env.HOME ?? '/tmp',
    PORT: String(await freePort()),
    EMULATOR_PORT: String(await freePort()),
  };
  start = runScript('start', projectFolder(), { PORT: env.PORT, EMULATOR_PORT: env.EMULATOR_PORT });
  await waitUntilServing(start, [
    `http://localhost:${env.PORT}/recording/status`,
    `http://127.0.0.1:${env.EMULATOR_PORT}/__emulator/counters`,
  ]);
});
afterAll(() => start?.stop());

/** A fresh shell that knows only PATH, HOME and the two ports. */
const run = (script: string) =>
  execFileSync('bash', ['-euo', 'pipefail', '-c', script], {
    encoding: 'utf8',
    timeout: 30_000,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

test('the blocks not run here are the install, start, test, deploy and mutation commands, as written', () => {
  for (const [file, sections] of Object.entries(NOT_RUN)) {
    for (const [title, expected] of Object.entries(sections)) {
      expect(blocks.filter((b) => b.file === file && b.section === title).map((b) => b.script.trim())).toEqual(
        expected,
      );
    }
  }
});

test('the README is an entry page: short, with the reference in docs/', () => {
  expect(Buffer.byteLength(readme)).toBeLessThan(15_000);
  expect(readme.split('\n').length).toBeLessThanOrEqual(210);
  const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  expect(headings.slice(0, 6)).toEqual(['Set up', 'The Functions', 'Studio and TwiML', 'Evidence', 'Deploy', 'Layout']);
  for (const file of pages.keys()) if (file !== 'README.md') expect(readme).toContain(`](${file})`);
});

test('every other block names the ports through PORT and EMULATOR_PORT, never the defaults alone', () => {
  expect(runnable.length).toBeGreaterThanOrEqual(3);
  expect(new Set(runnable.map((b) => b.file)).size).toBeGreaterThanOrEqual(2);
  for (const { script } of runnable)
    expect(script.replace(/\$\{(EMULATOR_)?PORT:-\d+\}/g, '')).not.toMatch(/:(3000|3010)\b/);
});

test("the Functions' blocks work as written, each on its own: a call's recording, then a conference's", () => {
  const [calls, conference] = scripts('docs/functions.md', 'Try them on the emulator');
  const out = run(calls);
  expect(out).toContain('"created":true');
  expect(out).toMatch(/"recordingSid":"RE[0-9a-f]{32}","status":"paused"/);
  expect(out).toContain('"status":"paused","recording":false,"paused":true,"known":true');
  expect(out).toContain('<Redirect method="POST">/after-resume</Redirect>');
  expect(out).toContain('"status":"stopped"');
  expect(out).toContain('"code":"NO_ACTIVE_RECORDING"');
  for (let i = 0; i < 2; i++) {
    const conf = run(conference);
    expect(conf).toMatch(/"conferenceSid":"CF[0-9a-f]{32}","recordingSid":"RE[0-9a-f]{32}","status":"paused"/);
    expect(conf).toContain('"status":"paused","recording":false,"paused":true,"known":true');
    expect(conf).toMatch(/"conferenceSid":"CF[0-9a-f]{32}","recordingSid":"RE[0-9a-f]{32}","status":"in-progress"/);
  }
});

test("the emulator's control-surface block works as written", () => {
  const [control] = scripts('docs/emulator.md', 'The control surface');
  const out = run(control);
  expect(out).toContain('"routes"');
  expect(out).toMatch(
    /"step":"Pay","result":"success","attempts":\["success"\],"callStatus":"in-progress","recordings":\["paused"\]/,
  );
  expect(out).toContain('"kind":"429"');
  expect(out).toContain('"callbacks"');
  run(`curl -s -X DELETE http://127.0.0.1:${env.EMULATOR_PORT}/__emulator/faults`);
});

test('every block runs on its own', () => {
  for (const { script } of runnable) {
    expect(() => run(script)).not.toThrow();
    // The control surface's block leaves a fault for whatever comes next: not for the next block.
    run(`curl -s -X DELETE http://127.0.0.1:${env.EMULATOR_PORT}/__emulator/faults`);
  }
});

test('the examples that print answers end each with a newline', () => {
  for (const { script } of runnable) {
    for (const line of script.split('\n').filter((l) => /^curl /.test(l) && !/>\s*\/dev\/null|\\$/.test(l)))
      expect(line).toContain(`-w '\\n'`);
  }
});

/** GitHub's anchor for a heading: lower case, punctuation but `-` and `_` dropped, spaces as `-`; repeats get `-1`, `-2`, … */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of text.replace(/```[\s\S]*?```/g, '').matchAll(/^#+ (.+)$/gm)) {
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

test('every relative link in the README and docs/ leads to a file, and to a heading when it names one', () => {
  let checked = 0;
  for (const [file, text] of pages) {
    for (const [, target] of text.replace(/```[\s\S]*?```/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [path, anchor] = target.split('#');
      const resolved = path ? relative(ROOT, join(ROOT, dirname(file), path)) : file;
      expect([file, target, existsSync(join(ROOT, resolved))]).toEqual([file, target, true]);
      if (anchor !== undefined) {
        const headings = anchors(pages.get(resolved) ?? readFileSync(join(ROOT, resolved), 'utf8'));
        expect([file, target, headings.has(anchor)]).toEqual([file, target, true]);
      }
      checked++;
    }
  }
  expect(checked).toBeGreaterThanOrEqual(20);
});

test(".env.example gives every variable Twilio's template metadata, and the settings table (docs/settings.md) names each", () => {
  const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
  const settings = section('docs/settings.md', 'Settings');
  const variables = [...example.matchAll(/^(\w+)=/gm)].map((m) => m[1]);
  expect(variables.length).toBeGreaterThanOrEqual(5);
  for (const name of variables) {
    const comments = example
      .split(new RegExp(`^${name}=`, 'm'))[0]
      .split('\n\n')
      .pop()!;
    expect(comments).toMatch(/^# description: .+$/m);
    expect(comments).toMatch(/^# format: (sid|secret|text|number|url)$/m);
    expect(comments).toMatch(/^# required: (true|false)$/m);
    expect(settings).toContain(`| \`${name}\` |`);
  }
  for (const name of ['PORT', 'EMULATOR_PORT', 'HOST', 'DEPLOY_EXAMPLES', 'TWILIO_API_BASE_URL'])
    expect(settings).toContain(`| \`${name}\` |`);
});
