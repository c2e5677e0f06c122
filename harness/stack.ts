import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import twilio from 'twilio';
import { createTwilioEmulator, type Emulator } from '../emulator';
import { Deadline } from '../lib/twilio/deadline';
import { DEFAULT_RETRY_POLICY, TwilioHttpClient } from '../lib/twilio/http-client';
import { tempFolder } from './temp';

/** The project's folder: the harness runs from harness/ under jest and bundled from dist/bench/ in the bench. */
export const ROOT = [resolve(__dirname, '..'), resolve(__dirname, '../..')].find((dir) =>
  existsSync(join(dir, 'package.json')),
)!;
export const ACCOUNT_SID = 'AC00000000000000000000000000000000';
export const AUTH_TOKEN = 'emulator-auth-token-placeholder0';
/**
 * How long a process of the emulator or the Functions may take to serve: under 30 s in every run seen,
 * until a machine at a load of 16 on its 2 cores took longer; a test hook's own limit is jest's 60 s.
 */
const STARTUP_MS = 50_000;

/** An emulator reached over HTTP only: its API and its control surface, wherever it runs. */
export type EmulatorEndpoint = Omit<RunningEmulator, 'emulator'>;

export interface RunningEmulator {
  url: string;
  emulator: Emulator;
  /** The official twilio library, pointed at this emulator. */
  client: twilio.Twilio;
  /** Calls the control surface (/__emulator/...); a refusal throws, so a set-up that did not take fails loudly. */
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Calls the control surface expecting it to refuse (4xx), for the tests of its refusals: the refusal's body. */
  refusal<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** The official library against `baseUrl`, sending each request once: tests see every answer as it is. */
export function clientFor(baseUrl: string, accountSid = ACCOUNT_SID, authToken = AUTH_TOKEN): twilio.Twilio {
  return twilio(accountSid, authToken, {
    httpClient: new TwilioHttpClient(new Deadline(Number.MAX_SAFE_INTEGER), baseUrl, {
      ...DEFAULT_RETRY_POLICY,
      maxAttempts: 1,
    }),
  });
}

/** Starts an emulator of its own on a free loopback port, so a test's faults and counters are its own. */
export async function startEmulator(): Promise<RunningEmulator> {
  const emulator = createTwilioEmulator({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  const server: Server = await new Promise((ok) => {
    const s = emulator.app.listen(0, '127.0.0.1', () => ok(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...endpoint(url, () => {
      server.closeAllConnections();
      return new Promise<void>((ok) => server.close(() => ok()));
    }),
    emulator,
  };
}

/** A Node process of the project's, in its folder, with what it prints (stdout and stderr) kept. */
function nodeProcess(args: string[], env?: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(env ? { env } : {}),
  });
  let printed = '';
  child.stdout?.on('data', (d) => (printed += d));
  child.stderr?.on('data', (d) => (printed += d));
  return { child, output: () => printed };
}

/**
 * Starts the built emulator (dist/emulator/main.js, as `npm run emulator`) in a process of its own: the
 * bench's measure of the Functions then shares no event loop with Twilio's side, as on Twilio.
 */
export async function startEmulatorProcess(): Promise<EmulatorEndpoint> {
  const port = await freePort();
  const { child, output } = nodeProcess([join(ROOT, 'dist/emulator/main.js')], {
    ...process.env,
    EMULATOR_PORT: String(port),
    ACCOUNT_SID,
    AUTH_TOKEN,
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + STARTUP_MS;
  while (!output().includes('listening')) {
    if (child.exitCode !== null) throw new Error(`the emulator exited:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`the emulator did not start:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return endpoint(url, () => stopProcess(child));
}

function endpoint(url: string, close: () => Promise<void>): EmulatorEndpoint {
  const controlAnswer = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/__emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  return {
    url,
    client: clientFor(url),
    async control<T>(method: string, path: string, body?: unknown): Promise<T> {
      const answer = await controlAnswer<T>(method, path, body);
      if (answer.status >= 400)
        throw new Error(`the emulator refused ${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    },
    async refusal<T>(method: string, path: string, body?: unknown): Promise<T> {
      const answer = await controlAnswer<T>(method, path, body);
      if (answer.status < 400 || answer.status >= 500)
        throw new Error(
          `the emulator did not refuse ${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`,
        );
      return answer.body;
    },
    close,
  };
}

/**
 * Ports handed to child processes come from below the kernel's ephemeral range (32768 and up on Linux):
 * a port the kernel picked for port 0 and that was then released could be picked again, or become the
 * local end of an outgoing connection, before the child binds it (under load, `npm start` once found
 * its emulator's port taken). Each jest worker has a slice of its own, handed out in
 * turn from a random point, so neither two workers nor two test runs side by side meet often.
 */
const PORTS = { first: 10_000, slice: 1_400 };
const worker = Number(process.env.JEST_WORKER_ID ?? 0) % 16;
let nextPort = Math.floor(Math.random() * PORTS.slice);

export async function freePort(): Promise<number> {
  for (let tried = 0; tried < PORTS.slice; tried++) {
    const port = PORTS.first + worker * PORTS.slice + (nextPort++ % PORTS.slice);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port in jest worker ${worker}'s slice`);
}

function bindable(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((ok) => {
    server.once('error', () => ok(false));
    server.listen(port, '127.0.0.1', () => server.close(() => ok(true)));
  });
}

/** Ends a child process and waits until it is gone. */
export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise<void>((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) return ok();
    child.once('exit', () => ok());
    child.kill('SIGTERM');
  });
}

/**
 * The built Functions in twilio-run's development server, in this process's Node, as `npm start` serves
 * them (scripts/functions-server: its JSON answers to bodies that cannot be parsed included).
 */
export const functionsServerArgs = (envFile: string, port: number) => [
  join(ROOT, 'dist/scripts/serve-functions.js'),
  '--env',
  envFile,
  '--port',
  String(port),
];

export interface RunningFunctions {
  url: string;
  process: ChildProcess;
  /** What twilio-run printed, for failure messages and log checks. */
  output(): string;
  /**
   * What twilio-run printed, once a request sent now shows in its log: whatever was logged before it has
   * arrived, so a check that a line is absent (or present) does not run ahead of the line.
   */
  settledOutput(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Node's argument that sets the process's clock `offsetMs` apart from this one's, before anything runs:
 * Date (now, and `new Date()`) reads it, as a Function instance's clock may be apart from Twilio's.
 */
export function clockOffsetArgs(offsetMs: number): string[] {
  if (offsetMs === 0) return [];
  const code =
    `const real = Date; const offset = ${offsetMs};` +
    'class OffsetDate extends real { constructor(...a) { if (a.length) super(...a); else super(real.now() + offset); }' +
    ' static now() { return real.now() + offset; } }' +
    'globalThis.Date = OffsetDate;';
  return ['--import', `data:text/javascript,${encodeURIComponent(code)}`];
}

/**
 * Runs the built Functions (dist/functions) in twilio-run, as `npm start` does, with an env file of
 * their own: the emulator's credentials and address plus `env`; `clockOffsetMs` sets its clock apart
 * from the emulator's (Twilio's).
 */
export async function startFunctions(
  emulatorUrl: string,
  env: Record<string, string> = {},
  { clockOffsetMs = 0 } = {},
): Promise<RunningFunctions> {
  const port = await freePort();
  const envFile = join(tempFolder('env'), '.env');
  const vars = {
    ACCOUNT_SID,
    AUTH_TOKEN,
    SYNC_SERVICE_SID: 'default',
    SYNC_DOCUMENT_TTL: '86400',
    TWILIO_API_BASE_URL: emulatorUrl,
    ...env,
  };
  writeFileSync(
    envFile,
    Object.entries(vars)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  const { child, output } = nodeProcess([...clockOffsetArgs(clockOffsetMs), ...functionsServerArgs(envFile, port)]);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + STARTUP_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`twilio-run exited:\n${output()}`);
    try {
      await fetch(`${url}/`);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`twilio-run did not start:\n${output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  let settles = 0;
  return {
    url,
    process: child,
    output,
    async settledOutput() {
      const marker = `/__settle-${++settles}`;
      await fetch(url + marker);
      const until = Date.now() + 10_000;
      while (!output().includes(`GET ${marker}`)) {
        if (Date.now() > until) throw new Error(`twilio-run did not log ${marker} within 10 s:\n${output()}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return output();
    },
    stop: () => stopProcess(child),
  };
}

/**
 * An emulator and the Functions in twilio-run for one test file, started before its tests and
 * stopped after them; read `em` and `fx` inside tests.
 */
export function useStack(env: Record<string, string> = {}): { em: RunningEmulator; fx: RunningFunctions } {
  const stack = {} as { em: RunningEmulator; fx: RunningFunctions };
  beforeAll(async () => {
    stack.em = await startEmulator();
    stack.fx = await startFunctions(stack.em.url, env);
  });
  afterAll(async () => {
    await stack.fx?.stop();
    await stack.em?.close();
  });
  return stack;
}

/**
 * One emulator and `count` twilio-run processes on it, as Twilio runs many instances of each Function:
 * a guarantee must hold whichever instance each request reaches.
 */
export function useCluster(
  count: number,
  env: Record<string, string> = {},
): { em: RunningEmulator; fxs: RunningFunctions[] } {
  const cluster = { fxs: [] as RunningFunctions[] } as { em: RunningEmulator; fxs: RunningFunctions[] };
  beforeAll(async () => {
    cluster.em = await startEmulator();
    cluster.fxs = await Promise.all(Array.from({ length: count }, () => startFunctions(cluster.em.url, env)));
  });
  afterAll(async () => {
    await Promise.all(cluster.fxs.map((fx) => fx.stop()));
    await cluster.em?.close();
  });
  return cluster;
}
