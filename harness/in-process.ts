import { join } from 'node:path';
import twilio from 'twilio';
import type { FunctionContext } from '../lib/env';
import type { Person } from '../lib/model/people';
import { ACCOUNT_SID, AUTH_TOKEN, ROOT, startEmulator, type RunningEmulator } from './stack';

/**
 * The fast layer (test/unit): the emulator's app in the jest process on a loopback port, and lib/ run
 * in the same process against it over real HTTP with the real twilio library. Each "instance" is lib/
 * loaded anew (jest.isolateModulesAsync), so what a Function process keeps in module scope (the Sync
 * write queues, the Map creations) is its own, as in two twilio-run processes.
 */

/** A Function's context as twilio-run gives it locally, pointed at the emulator. */
export function contextFor(em: RunningEmulator, env: Partial<FunctionContext> = {}): FunctionContext {
  return {
    ACCOUNT_SID,
    AUTH_TOKEN,
    DOMAIN_NAME: '127.0.0.1:3000',
    PATH: '/',
    SERVICE_SID: undefined,
    ENVIRONMENT_SID: undefined,
    TWILIO_API_BASE_URL: em.url,
    getTwilioClient: ((options: object) => twilio(ACCOUNT_SID, AUTH_TOKEN, options)) as never,
    ...env,
  } as FunctionContext;
}

/** The parts of lib/ one Function process runs, loaded for that process alone. */
export async function loadInstance() {
  let loaded:
    | {
        wiring: typeof import('../lib/runtime/wiring');
        setStatus: typeof import('../lib/controls/set-status');
        start: typeof import('../lib/controls/start');
        pauseLock: typeof import('../lib/controls/pause-lock');
        voice: typeof import('../lib/twilio/voice');
      }
    | undefined;
  await jest.isolateModulesAsync(async () => {
    loaded = {
      wiring: await import('../lib/runtime/wiring'),
      setStatus: await import('../lib/controls/set-status'),
      start: await import('../lib/controls/start'),
      pauseLock: await import('../lib/controls/pause-lock'),
      voice: await import('../lib/twilio/voice'),
    };
  });
  return loaded!;
}

export type Instance = Awaited<ReturnType<typeof loadInstance>>;

/** One Function instance on `em`: a request's Deps as a control Function builds them (runtime/wiring). */
export async function instanceOn(em: RunningEmulator, env: Partial<FunctionContext> = {}) {
  const lib = await loadInstance();
  const context = contextFor(em, env);
  const deps = (caller: string, person?: Person, arrival = Date.now()) =>
    lib.wiring.controlDeps(context, arrival, caller, person);
  return { lib, context, deps };
}

/**
 * The emulator in this jest process, reset after each test, closed after the file. Its callees answer at
 * once: what these tests order is requests, not rings (the end-to-end suites keep Twilio's delays).
 */
export function useInProcessEmulator(): { readonly em: RunningEmulator } {
  const holder: { em?: RunningEmulator } = {};
  beforeAll(async () => {
    holder.em = await startEmulator();
  });
  beforeEach(() => {
    holder.em!.emulator.context.settings.answerDelayMs = 0;
  });
  afterEach(() => holder.em?.emulator.reset());
  afterAll(() => holder.em?.close());
  return {
    get em() {
      return holder.em!;
    },
  };
}

/** Runs `fn` with Date.now() fixed at `at`: one instance's clock, read at one moment, in a deterministic test. */
export async function atTime<T>(at: number, fn: () => Promise<T>): Promise<T> {
  const spy = jest.spyOn(Date, 'now').mockReturnValue(at);
  try {
    return await fn();
  } finally {
    spy.mockRestore();
  }
}

/** A Function's answer as the callback gets it: a Twilio.Response, or TwiML. */
export type FunctionAnswer = {
  statusCode?: number;
  body?: unknown;
  headers?: Record<string, unknown>;
  toString(): string;
};

/** What @twilio/runtime-handler (twilio-run) puts in global scope for every Function; its package exports no path to it. */
async function installTwilioGlobal(): Promise<void> {
  const { Response } = await import(
    join(ROOT, 'node_modules/@twilio/runtime-handler/dist/dev-runtime/internal/response.js')
  );
  (globalThis as Record<string, unknown>).Twilio = { ...twilio, Response };
}

type Handler = (context: unknown, event: unknown, callback: (err: unknown, answer: FunctionAnswer) => void) => unknown;

/**
 * Runs a Function's handler in this process as twilio-run runs it: its context (PATH the Function's
 * path), the global Twilio, and the event `{request, ...params}`; the module loaded anew, as by a fresh instance.
 */
export async function runFunction(
  em: RunningEmulator,
  path: string,
  params: Record<string, unknown>,
  options: { env?: Partial<FunctionContext>; headers?: Record<string, string> } = {},
): Promise<FunctionAnswer> {
  await installTwilioGlobal();
  let handler!: Handler;
  const file = join(ROOT, 'functions', FUNCTION_FILES[path] ?? path);
  await jest.isolateModulesAsync(async () => {
    handler = (await import(file)).handler as Handler;
  });
  const context = contextFor(em, { PATH: path, ...options.env });
  return new Promise((resolve, reject) => {
    // The parameters came as a JSON body, its length declared, as a browser's fetch sends them.
    const headers = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(JSON.stringify(params))),
      ...options.headers,
    };
    void handler(context, { request: { headers, cookies: {} }, ...params }, (err, answer) =>
      err ? reject(err) : resolve(answer),
    );
  });
}

/** The files of the Functions whose path hides their visibility. */
const FUNCTION_FILES: Record<string, string> = {
  '/recording/set-status': 'recording/set-status.protected.ts',
  '/recording/start': 'recording/start.protected.ts',
  '/recording/status': 'recording/status.protected.ts',
  '/callbacks/recording-status': 'callbacks/recording-status.protected.ts',
  '/console/calls': 'console/calls.ts',
  '/console/control': 'console/control.ts',
  '/console/evidence': 'console/evidence.ts',
};

/** A JSON error answer's code. */
export const errorCodeOf = (answer: FunctionAnswer) => (answer.body as { error?: { code?: string } }).error?.code;
