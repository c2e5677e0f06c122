// The README's curls, run as written against `npm start` (the built start script, on ports 3000 and 3010).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, stopProcess } from '../helpers/stack';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const bashBlocks = (section: string) => {
  const text = readme.split(section)[1].split('\n## ')[0];
  return [...text.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]);
};

let start: ChildProcess;
let output = '';
beforeAll(async () => {
  // A project folder of its own, so that a developer's .env (maybe with real credentials) is not used.
  const dir = mkdtempSync(join(tmpdir(), 'rc-readme-'));
  for (const file of ['.env.example', '.twilioserverlessrc', 'package.json']) copyFileSync(join(ROOT, file), join(dir, file));
  for (const link of ['node_modules', 'dist']) symlinkSync(join(ROOT, link), join(dir, link));
  start = spawn(process.execPath, [join(ROOT, 'dist/scripts/start.js')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  start.stdout!.on('data', (d) => (output += d));
  start.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (start.exitCode !== null) throw new Error(`npm start's script exited (are ports 3000 and 3010 free?):\n${output}`);
    try {
      await fetch('http://localhost:3000/recording/status');
      await fetch('http://127.0.0.1:3010/__emulator/counters');
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});
afterAll(() => start && stopProcess(start));

const run = (script: string) => execFileSync('bash', ['-euo', 'pipefail', '-c', script], { encoding: 'utf8', timeout: 30_000 });

test('the set-up names the two commands', () => {
  expect(bashBlocks('## Set up').map((b) => b.trim())).toEqual(['npm ci && npm start', 'npm ci && npm test']);
});

test("the Functions' curls work as written: a call's recording, then a conference's", () => {
  const [calls, conference] = bashBlocks('### Try them on the emulator');
  const out = run(calls + conference);
  expect(out).toContain('"created":true');
  expect(out).toMatch(/"recordingSid":"RE[0-9a-f]{32}","status":"paused"/);
  expect(out).toContain('"status":"paused","recording":false,"paused":true');
  expect(out).toContain('<Redirect method="POST">/after-resume</Redirect>');
  expect(out).toContain('"status":"stopped"');
  expect(out).toContain('"code":"NO_ACTIVE_RECORDING"');
  expect(out).toMatch(/"conferenceSid":"CF[0-9a-f]{32}","recordingSid":"RE[0-9a-f]{32}","status":"paused"/);
  expect(out).toMatch(/"conferenceSid":"CF[0-9a-f]{32}","recordingSid":"RE[0-9a-f]{32}","status":"in-progress"/);
});

test("the emulator's control-surface curls work as written", () => {
  const [control] = bashBlocks('## The emulator');
  const out = run(control);
  expect(out).toContain('"routes"');
  expect(out).toContain('"kind":"429"');
  expect(out).toContain('"callbacks"');
  run('curl -s -X DELETE http://127.0.0.1:3010/__emulator/faults');
});
