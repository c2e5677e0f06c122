import twilio from 'twilio';
import type { FunctionContext } from '../lib/env';
import type { Person } from '../lib/model/people';
import { ACCOUNT_SID, AUTH_TOKEN, startEmulator, type RunningEmulator } from './stack';

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
        pauseRules: typeof import('../lib/controls/pause-rules');
        voice: typeof import('../lib/twilio/voice');
      }
    | undefined;
  await jest.isolateModulesAsync(async () => {
    loaded = {
      wiring: await import('../lib/runtime/wiring'),
      setStatus: await import('../lib/controls/set-status'),
      start: await import('../lib/controls/start'),
      pauseRules: await import('../lib/controls/pause-rules'),
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
