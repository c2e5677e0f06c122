// The project's commands as a newcomer runs them: `npm start` and `npm run deploy` are the build, then
// dist/scripts/start.js or deploy.js; tests run those (the build is npm test's) in a project folder of
// their own, and read what the processes left and listen on from /proc, sending no traffic.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './stack';
import { tempFolder } from './temp';

/**
 * A project folder of its own, so that a developer's .env (maybe with real credentials) is not used:
 * the project's settings files, its sources, node_modules and dist linked, and `env` as .env when given.
 */
export function projectFolder(env?: Record<string, string>): string {
  const dir = tempFolder('project');
  for (const file of ['.env.example', '.twilioserverlessrc.js', 'package.json'])
    copyFileSync(join(ROOT, file), join(dir, file));
  // The sources too: a deploy checks that dist/ was built from them (scripts/build-record.cjs).
  for (const link of [
    'node_modules',
    'dist',
    'functions',
    'lib',
    'assets',
    'scripts',
    'tsconfig.json',
    'package-lock.json',
  ])
    symlinkSync(join(ROOT, link), join(dir, link));
  if (env)
    writeFileSync(
      join(dir, '.env'),
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
  return dir;
}

export interface ScriptRun {
  process: ChildProcess;
  /** What it printed, stdout and stderr together. */
  output(): string;
  /** Its exit code, once it exits. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Runs dist/scripts/<script>.js in `dir` with `args` and `vars` added to the environment, in a process group of its own. */
export function runScript(
  script: 'start' | 'deploy',
  dir: string,
  vars: Record<string, string> = {},
  args: string[] = [],
): ScriptRun {
  return runCommand(process.execPath, [join(ROOT, 'dist/scripts', `${script}.js`), ...args], dir, vars);
}

/**
 * `npm start` as a user or a process manager runs it: npm, its shell, then node. Its build is already
 * done (the linked dist/), so the project folder's copy of package.json builds nothing; its start
 * script is the project's own.
 */
export function runNpmStart(dir: string, vars: Record<string, string> = {}): ScriptRun {
  const packageFile = join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(packageFile, 'utf8')) as { scripts: Record<string, string> };
  pkg.scripts.build = 'node -e ""';
  writeFileSync(packageFile, JSON.stringify(pkg));
  return runCommand('npm', ['start'], dir, vars);
}

/** Runs `command` in `dir` with `vars` added to the environment, in a process group of its own. */
export function runCommand(command: string, args: string[], dir: string, vars: Record<string, string>): ScriptRun {
  const child = spawn(command, args, {
    cwd: dir,
    env: { ...process.env, ...vars },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  return {
    process: child,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      // Whatever it left in its group (an orphan holds the test's pipes open) goes too.
      if (processGroup(child.pid!).length > 0) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    },
  };
}

/** Waits until every URL answers (whatever the status), or fails with what the script printed. */
export async function waitUntilServing(run: ScriptRun, urls: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const url of urls) {
    for (;;) {
      if (run.process.exitCode !== null)
        throw new Error(`the script exited (${run.process.exitCode}):\n${run.output()}`);
      try {
        await fetch(url);
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`${url} did not answer:\n${run.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}

/** The live processes of a process group (the group's leader is the script itself). */
export function processGroup(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(group) === pgid && state !== 'Z';
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

const ipv4 = (hex: string) =>
  hex
    .match(/../g)!
    .reverse()
    .map((byte) => parseInt(byte, 16))
    .join('.');
/** /proc/net/tcp6 writes each 32-bit word of the address in host (little-endian) order. */
const ipv6 = (hex: string) => {
  const bytes = hex.match(/.{8}/g)!.flatMap((word) => word.match(/../g)!.reverse());
  const groups = bytes.join('').match(/.{4}/g)!.join(':');
  return new URL(`http://[${groups}]/`).hostname;
};

/** The addresses `pid` listens on for TCP, e.g. "127.0.0.1:3000" or "[::1]:3000", from /proc. */
export function listeningAddresses(pid: number): string[] {
  const sockets = new Set(
    readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        return [/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1]];
      } catch {
        return [];
      }
    }),
  );
  return (['tcp', 'tcp6'] as const).flatMap((family) =>
    readFileSync(`/proc/net/${family}`, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f[3] === '0A' && sockets.has(f[9])) // 0A: LISTEN
      .map((f) => {
        const [address, port] = f[1].split(':');
        return `${family === 'tcp' ? ipv4(address) : ipv6(address)}:${parseInt(port, 16)}`;
      }),
  );
}
