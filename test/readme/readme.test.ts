// The README's shell blocks, run as written, each in a fresh shell of its own, against `npm start` (the
// built start script) on ports other than the defaults, as a reader who set PORT and EMULATOR_PORT would.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectFolder, runScript, waitUntilServing, type ScriptRun } from '../../harness/scripts';
import { ROOT, freePort } from '../../harness/stack';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
/** Every bash block, with the title of the `##` or `###` section it is in, in README order. */
const blocks = readme
  .split(/\n(?=##+ )/)
  .flatMap((section) => [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => ({ section: section.split('\n')[0].replace(/^#+ /, ''), script: m[1] })));

/** Blocks that install, deploy or start the toolkit itself: checked as text, not run here. */
const NOT_RUN: Record<string, string[]> = {
  'Set up': ['npm ci && npm start', 'npm ci && npm test'],
  'A real account': ['npm run deploy', 'npm run build && twilio serverless:deploy'],
};
const runnable = blocks.filter((b) => !NOT_RUN[b.section]);

let start: ScriptRun;
let env: Record<string, string>;
beforeAll(async () => {
  env = { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', PORT: String(await freePort()), EMULATOR_PORT: String(await freePort()) };
  start = runScript('start', projectFolder(), { PORT: env.PORT, EMULATOR_PORT: env.EMULATOR_PORT });
  await waitUntilServing(start, [`http://localhost:${env.PORT}/recording/status`, `http://127.0.0.1:${env.EMULATOR_PORT}/__emulator/counters`]);
});
afterAll(() => start?.stop());

/** A fresh shell that knows only PATH, HOME and the two ports. */
const run = (script: string) => execFileSync('bash', ['-euo', 'pipefail', '-c', script], { encoding: 'utf8', timeout: 30_000, env, stdio: ['ignore', 'pipe', 'pipe'] });

test('the blocks not run here are the install, start, test and deploy commands, as written', () => {
  for (const [section, expected] of Object.entries(NOT_RUN)) {
    expect(blocks.filter((b) => b.section === section).map((b) => b.script.trim())).toEqual(expected);
  }
});

test('every other block names the ports through PORT and EMULATOR_PORT, never the defaults alone', () => {
  expect(runnable.length).toBeGreaterThanOrEqual(3);
  for (const { script } of runnable) expect(script.replace(/\$\{(EMULATOR_)?PORT:-\d+\}/g, '')).not.toMatch(/:(3000|3010)\b/);
});

test("the Functions' blocks work as written, each on its own: a call's recording, then a conference's", () => {
  const [calls, conference] = runnable.filter((b) => b.section === 'Try them on the emulator').map((b) => b.script);
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
  const [control] = runnable.filter((b) => b.section === 'The emulator').map((b) => b.script);
  const out = run(control);
  expect(out).toContain('"routes"');
  expect(out).toMatch(/"step":"Pay","result":"success","attempts":\["success"\],"callStatus":"in-progress","recordings":\["paused"\]/);
  expect(out).toContain('"kind":"429"');
  expect(out).toContain('"callbacks"');
  run(`curl -s -X DELETE http://127.0.0.1:${env.EMULATOR_PORT}/__emulator/faults`);
});

test('every block runs on its own', () => {
  for (const { script } of runnable) expect(() => run(script)).not.toThrow();
});

test(".env.example gives every variable Twilio's template metadata, and the README's settings table names each", () => {
  const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
  const settings = readme.split('## Settings')[1].split('\n## ')[0];
  const variables = [...example.matchAll(/^(\w+)=/gm)].map((m) => m[1]);
  expect(variables.length).toBeGreaterThanOrEqual(5);
  for (const name of variables) {
    const comments = example.split(new RegExp(`^${name}=`, 'm'))[0].split('\n\n').pop()!;
    expect(comments).toMatch(/^# description: .+$/m);
    expect(comments).toMatch(/^# format: (sid|secret|text|number|url)$/m);
    expect(comments).toMatch(/^# required: (true|false)$/m);
    expect(settings).toContain(`| \`${name}\` |`);
  }
  for (const name of ['PORT', 'EMULATOR_PORT', 'HOST', 'DEPLOY_EXAMPLES', 'TWILIO_API_BASE_URL']) expect(settings).toContain(`| \`${name}\` |`);
});
