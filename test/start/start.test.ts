// `npm start` as a newcomer meets it: the ports it is given, on loopback only, a taken port refused in
// one line without a prompt or anything left running, and a real account's missing public address said.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ROOT, freePort } from '../../harness/stack';
import {
  listeningAddresses,
  processGroup,
  projectFolder,
  runNpmStart,
  runScript,
  waitUntilServing,
  type ScriptRun,
} from '../../harness/scripts';
import { tempFolder } from '../../harness/temp';

const REAL = { ACCOUNT_SID: 'AC' + 'a'.repeat(32), AUTH_TOKEN: 'b'.repeat(32), SYNC_SERVICE_SID: 'default' };

const running: ScriptRun[] = [];
const start = (vars: Record<string, string>, env?: Record<string, string>) => {
  const run = runScript('start', projectFolder(env), vars);
  running.push(run);
  return run;
};
afterEach(async () => {
  await Promise.all(running.splice(0).map((run) => run.stop()));
});

/** What it printed, less the note that it created .env (each run here has a fresh project folder). */
const printed = (run: ScriptRun) => run.output().replace('Created .env from .env.example\n', '').trim();

/** Exits within `ms`, else fails (the old start waited at a prompt forever). */
async function exitCode(run: ScriptRun, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((ok) => (timer = setTimeout(() => ok('timeout'), ms)));
  const code = await Promise.race([run.exited, timeout]);
  clearTimeout(timer);
  if (code === 'timeout') throw new Error(`still running after ${ms} ms:\n${run.output()}`);
  return code;
}

test('the Functions and the emulator listen on loopback only, on the ports given, and it says so', async () => {
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const run = start({ PORT: String(port), EMULATOR_PORT: String(emulatorPort) });
  await waitUntilServing(run, [`http://127.0.0.1:${port}/`, `http://127.0.0.1:${emulatorPort}/__emulator/counters`]);
  expect(listeningAddresses(run.process.pid!).sort()).toEqual(
    [`127.0.0.1:${emulatorPort}`, `127.0.0.1:${port}`].sort(),
  );
  expect(run.output()).toContain(`Functions on http://localhost:${port}, listening on 127.0.0.1 only`);
  expect(run.output()).toContain(`Twilio API emulator on http://127.0.0.1:${emulatorPort}`);
});

test('HOST moves the Functions, not the emulator', async () => {
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const run = start({ PORT: String(port), EMULATOR_PORT: String(emulatorPort), HOST: '::1' });
  await waitUntilServing(run, [`http://[::1]:${port}/`, `http://127.0.0.1:${emulatorPort}/__emulator/counters`]);
  expect(listeningAddresses(run.process.pid!).sort()).toEqual([`127.0.0.1:${emulatorPort}`, `[::1]:${port}`].sort());
});

test('a second npm start on taken ports stops within seconds, names each port and its variable, and leaves nothing running', async () => {
  const [port, emulatorPort, otherPort] = [await freePort(), await freePort(), await freePort()];
  const first = start({ PORT: String(port), EMULATOR_PORT: String(emulatorPort) });
  await waitUntilServing(first, [`http://127.0.0.1:${port}/`, `http://127.0.0.1:${emulatorPort}/__emulator/counters`]);

  const both = start({ PORT: String(port), EMULATOR_PORT: String(emulatorPort) });
  expect(await exitCode(both, 10_000)).not.toBe(0);
  expect(both.output()).toContain(`Port ${port} (the Functions) is already in use: set PORT to a free port`);
  expect(both.output()).toContain(
    `Port ${emulatorPort} (the Twilio API emulator) is already in use: set EMULATOR_PORT to a free port`,
  );
  expect(printed(both).split('\n')).toHaveLength(2);
  expect(processGroup(both.process.pid!)).toEqual([]);

  // The emulator's port alone: nothing starts on the free one either.
  const emulatorOnly = start({ PORT: String(otherPort), EMULATOR_PORT: String(emulatorPort) });
  expect(await exitCode(emulatorOnly, 10_000)).not.toBe(0);
  expect(printed(emulatorOnly)).toBe(
    `Port ${emulatorPort} (the Twilio API emulator) is already in use: set EMULATOR_PORT to a free port, e.g. EMULATOR_PORT=${emulatorPort + 1} npm start`,
  );
  expect(processGroup(emulatorOnly.process.pid!)).toEqual([]);

  // The first one is untouched.
  expect((await fetch(`http://127.0.0.1:${emulatorPort}/__emulator/counters`)).status).toBe(200);
});

test('real credentials: no emulator, and a warning that Twilio cannot reach the callbacks without PUBLIC_BASE_URL', async () => {
  const port = await freePort();
  const run = start({ PORT: String(port) }, REAL);
  // Only a path that is no Function: nothing here calls Twilio.
  await waitUntilServing(run, [`http://127.0.0.1:${port}/`]);
  expect(run.output()).toContain('Real credentials in .env: the Functions call Twilio.');
  expect(run.output()).toContain(`Twilio cannot reach http://localhost:${port}`);
  expect(run.output()).toContain('Set PUBLIC_BASE_URL in .env');
  expect(listeningAddresses(run.process.pid!)).toEqual([`127.0.0.1:${port}`]);

  const otherPort = await freePort();
  // A quoted value over several lines is a setting too (dotenv's syntax, which twilio-run reads).
  const withUrl = start(
    { PORT: String(otherPort) },
    { ...REAL, PUBLIC_BASE_URL: 'https://rc-test.example.com/', NOTE: '"two\nlines" # a comment' },
  );
  await waitUntilServing(withUrl, [`http://127.0.0.1:${otherPort}/`]);
  expect(withUrl.output()).toContain(
    'Recording status callbacks go to https://rc-test.example.com/callbacks/recording-status',
  );
  expect(withUrl.output()).not.toContain('Twilio cannot reach');
});

test('settings that cannot work stop it at once, saying what to change', async () => {
  const cases: [Record<string, string>, Record<string, string> | undefined, string][] = [
    [{ PORT: 'abc' }, undefined, 'PORT=abc is not a port number'],
    [
      {},
      { ...REAL, AUTH_TOKEN: 'emulator-auth-token-placeholder0' },
      "One of ACCOUNT_SID and AUTH_TOKEN in .env is still the emulator's placeholder",
    ],
    [
      { PORT: String(await freePort()) },
      { ...REAL, PUBLIC_BASE_URL: 'http://localhost:3000' },
      'PUBLIC_BASE_URL=http://localhost:3000 is an address of this machine: Twilio must reach it',
    ],
    [
      { PORT: String(await freePort()) },
      { ...REAL, PUBLIC_BASE_URL: 'http://0.0.0.0:3000' },
      'PUBLIC_BASE_URL=http://0.0.0.0:3000 is an address of this machine: Twilio must reach it',
    ],
    [{}, { ...REAL, ADMIN_PASSWORD: 'elevenchars' }, 'ADMIN_PASSWORD has 11 characters, fewer than 12'],
    [
      { PORT: String(await freePort()) },
      { ...REAL, PUBLIC_BASE_URL: 'ngrok.app' },
      'PUBLIC_BASE_URL=ngrok.app is not an absolute http(s) URL',
    ],
  ];
  for (const [vars, env, message] of cases) {
    const run = start(vars, env);
    expect(await exitCode(run, 10_000)).not.toBe(0);
    expect(run.output()).toContain(message);
  }
});

test('an .env that is not settings, or has no credentials, stops it at once in one line naming the file', async () => {
  const cases: [string | Buffer, string][] = [
    [
      Buffer.from([0x41, 0x3d, 0xff, 0xfe, 0x00, 0x81, 0x0a]),
      '.env cannot be read as settings: it is not text (UTF-8)',
    ],
    ['this is not an env file\n', '.env cannot be read as settings: line 1 is not a setting (NAME=value'],
    [
      `ACCOUNT_SID=${REAL.ACCOUNT_SID}\n# a comment\n\nAUTH_TOKEN=${REAL.AUTH_TOKEN}\nSYNC_SERVICE_SID default\n`,
      '.env cannot be read as settings: line 5 is not a setting',
    ],
    ['SYNC_SERVICE_SID=default\n', '.env has no account credentials: put your Account SID and Auth Token'],
  ];
  for (const [content, message] of cases) {
    const dir = projectFolder();
    writeFileSync(join(dir, '.env'), content);
    const run = runScript('start', dir, { PORT: String(await freePort()) });
    running.push(run);
    expect(await exitCode(run, 10_000)).not.toBe(0);
    expect(printed(run)).toContain(message);
    expect(printed(run).split('\n')).toHaveLength(1);
    expect(processGroup(run.process.pid!)).toEqual([]);
  }
});

test('npm start ends everything it started on SIGTERM or SIGINT, sent to npm alone or to its process group', async () => {
  for (const [signal, to] of [
    ['SIGTERM', 'npm'],
    ['SIGTERM', 'group'],
    ['SIGINT', 'npm'],
    ['SIGINT', 'group'],
  ] as const) {
    const [port, emulatorPort] = [await freePort(), await freePort()];
    const run = runNpmStart(projectFolder(), { PORT: String(port), EMULATOR_PORT: String(emulatorPort) });
    running.push(run);
    await waitUntilServing(run, [`http://127.0.0.1:${port}/`, `http://127.0.0.1:${emulatorPort}/__emulator/counters`]);
    const npm = run.process.pid!;
    process.kill(to === 'group' ? -npm : npm, signal);
    // An orphan keeps its process group: an empty group is nothing left running, on no port.
    const deadline = Date.now() + 5_000;
    while (processGroup(npm).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect({ signal, to, left: processGroup(npm) }).toEqual({ signal, to, left: [] });
  }
});

test('a malformed or oversized body gets a JSON 400 or 413, not an HTML stack trace', async () => {
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const run = start({ PORT: String(port), EMULATOR_PORT: String(emulatorPort) });
  await waitUntilServing(run, [`http://127.0.0.1:${port}/`]);
  const post = (type: string, body: string) =>
    fetch(`http://127.0.0.1:${port}/recording/status`, { method: 'POST', headers: { 'content-type': type }, body });
  const malformed = await post('application/json', '{"CallSid": ');
  expect(malformed.status).toBe(400);
  expect(malformed.headers.get('content-type')).toContain('application/json');
  expect(await malformed.json()).toMatchObject({ error: { code: 'INVALID_PARAMETER' } });
  const oversized = await post('application/x-www-form-urlencoded', 'CallSid=' + 'x'.repeat(7 * 1024 * 1024));
  expect(oversized.status).toBe(413);
  const text = await oversized.text();
  expect(JSON.parse(text)).toMatchObject({ error: { code: 'BODY_TOO_LARGE' } });
  expect(text).not.toContain(ROOT);
});

test("a Node outside package.json's engines stops every command that builds, in one line; a newer one is warned about", () => {
  const check = (engines: string) => {
    const dir = tempFolder('engines');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ engines: { node: engines } }));
    return spawnSync(process.execPath, [join(ROOT, 'scripts/check-node.mjs')], { cwd: dir, encoding: 'utf8' });
  };
  const [major, minor] = process.versions.node.split('.').map(Number);
  const older = check(`^${major + 1}.0.0 || ^${major + 3}.2.0`);
  expect(older.status).toBe(1);
  expect(older.stderr.trim()).toBe(
    `Node.js ${process.versions.node} is not supported: this project needs Node.js ${major + 1}.0 or a later ${major + 1}.x, or ${major + 3}.2 or a later ${major + 3}.x (package.json engines). Install one, e.g. \`nvm install 22\`.`,
  );
  const newer = check(`^${major - 2}.0.0`);
  expect(newer.status).toBe(0);
  expect(newer.stderr).toContain(`Warning: Node.js ${process.versions.node} is newer than this project supports`);
  const supported = check(`^${major}.${minor}.0`);
  expect(supported).toMatchObject({ status: 0, stdout: '', stderr: '' });
});

test('npm run emulator on a taken port stops at once with one line naming EMULATOR_PORT', async () => {
  const blocker = createServer();
  await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
  const port = (blocker.address() as AddressInfo).port;
  try {
    const child = spawn(process.execPath, [join(ROOT, 'dist/emulator/main.js')], {
      cwd: ROOT,
      env: { ...process.env, EMULATOR_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((ok) => child.once('exit', ok));
    expect(code).toBe(1);
    expect(output.trim()).toBe(
      `Port ${port} (the emulator) is already in use: set EMULATOR_PORT to a free port, e.g. EMULATOR_PORT=${port + 1} npm run emulator`,
    );
  } finally {
    await new Promise((ok) => blocker.close(ok));
  }
});
