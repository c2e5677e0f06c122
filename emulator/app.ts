import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { errors, sendError, TwilioApiError } from './errors';
import {
  add,
  APPLY_AT,
  atOrAfter,
  holdAnswer,
  jitterFor,
  latencyRoutes,
  NO_DELAY,
  NO_JITTER,
  seededRandom,
  split,
  type ApplyAt,
  type Jitter,
  type Random,
} from './latency';
import { DEFAULT_SETTINGS, settingsRoutes, type Settings } from './settings';

/** What the emulator needs to know to answer like one Twilio account. */
export interface EmulatorOptions {
  accountSid: string;
  authToken: string;
}

/** A fault the control surface asked for: the next `count` matching Twilio requests get it. */
export interface Fault {
  /**
   * `500-after` lets the request do its work and then answers 500: the ambiguous failure clients must
   * not blindly retry. `16114` is Twilio's transient "recording not in a state to accept the action".
   * `hold` keeps the request unapplied until the control surface releases it: a test orders requests by events.
   */
  kind: '429' | '500' | '500-after' | '16114' | 'latency' | 'hold';
  count: number;
  /** Retry-After for 429, in seconds. */
  retryAfter?: number;
  /** Added delay for 'latency', in milliseconds. */
  ms?: number;
  /** For 'latency': where within `ms` the request is applied (default `end`: wait, then apply and answer). */
  apply?: ApplyAt;
  /** Only requests whose path contains this string. */
  match?: string;
  /** Only requests with this method. */
  method?: string;
  /** Only requests with a form field whose value contains this (e.g. `log-`: a Map item's Key). */
  field?: string;
}

/**
 * Shared by the API modules (voice, sync, callbacks): the account, a clock the tests can move,
 * a way to clear their state on reset, and the control router to add their own inspection routes to.
 */
export interface EmulatorContext extends EmulatorOptions {
  now(): number;
  onReset(fn: () => void): void;
  control: Router;
  /** Changed on the control surface, read by the modules when they answer. */
  settings: Settings;
}

/** One served Twilio API request, timed precisely enough to see two requests overlap. */
export interface ServedRequest {
  method: string;
  route: string;
  path: string;
  startedAt: number;
  endedAt: number;
  status: number;
}

/** Milliseconds since the epoch with sub-millisecond precision: the request log's and the truth log's clock. */
export const preciseNow = () => performance.timeOrigin + performance.now();

export interface Emulator {
  app: express.Express;
  context: EmulatorContext;
  reset(): void;
}

type ModuleFactory = (ctx: EmulatorContext) => Router;

/**
 * Names a served request by method and route template, e.g.
 * `POST /2010-04-01/Accounts/:AccountSid/Calls/:CallSid/Recordings.json`; modules declare full templates.
 */
function routeKey(req: Request): string {
  return `${req.method} ${routeTemplate(req)}`;
}

const routeTemplate = (req: Request) => (req.route?.path as string | undefined) ?? '(no route)';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createEmulator(options: EmulatorOptions, modules: ModuleFactory[]): Emulator {
  let clockOffsetMs = 0;
  let faults: Fault[] = [];
  const counters = new Map<string, number>();
  let served: ServedRequest[] = [];
  let inFlight = 0;
  /** Requests a `hold` fault keeps, oldest first, each with what applies it. */
  let held: Array<{ method: string; path: string; release: () => void }> = [];
  const releaseHeld = () => {
    const released = held;
    held = [];
    released.forEach((h) => h.release());
    return released.length;
  };
  const jitter: Jitter = { ...NO_JITTER };
  /** Jitter's and random latency faults' numbers: replayed from POST /latency's seed when it gives one. */
  let random: Random = Math.random;
  const reseed = (seed?: number) => (random = seed === undefined ? Math.random : seededRandom(seed));
  const resetHooks: Array<() => void> = [];
  const control = express.Router();
  const context: EmulatorContext = {
    ...options,
    now: () => Date.now() + clockOffsetMs,
    onReset: (fn) => resetHooks.push(fn),
    control,
    settings: { ...DEFAULT_SETTINGS },
  };
  const reset = () => {
    clockOffsetMs = 0;
    faults = [];
    releaseHeld();
    counters.clear();
    served = [];
    delete jitter.seed;
    Object.assign(jitter, NO_JITTER);
    reseed(undefined);
    Object.assign(context.settings, DEFAULT_SETTINGS);
    resetHooks.forEach((fn) => fn());
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // A request's latency counts from its arrival, before this one event loop reads its body: Twilio works
  // on requests sent together side by side, not each after the previous one's parsing here.
  const arrivals = new WeakMap<Request, number>();
  app.use((req: Request, _res: Response, next: NextFunction) => {
    arrivals.set(req, preciseNow());
    next();
  });
  // Twilio's libraries send form bodies; repeated keys arrive as arrays.
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.use(express.json({ limit: '1mb' }));

  control.post('/reset', (_req, res) => {
    reset();
    res.status(204).end();
  });
  control.get('/counters', (_req, res) => {
    res.json({ total: [...counters.values()].reduce((a, b) => a + b, 0), routes: Object.fromEntries(counters) });
  });
  control.get('/requests', (_req, res) => {
    res.json({ requests: served });
  });
  settingsRoutes(control, context.settings);
  control.post('/faults', (req, res) => {
    const fault = (req.body ?? {}) as Partial<Fault>;
    if (!fault.kind || !['429', '500', '500-after', '16114', 'latency', 'hold'].includes(fault.kind)) {
      res.status(400).json({ message: "kind must be '429', '500', '500-after', '16114', 'latency' or 'hold'" });
      return;
    }
    if (fault.apply !== undefined && !APPLY_AT.includes(fault.apply)) {
      res.status(400).json({ message: "apply must be 'start', 'end' or 'random'" });
      return;
    }
    faults.push({
      kind: fault.kind,
      count: Number(fault.count ?? 1),
      retryAfter: fault.retryAfter === undefined ? 1 : Number(fault.retryAfter),
      ms: fault.ms === undefined ? 0 : Number(fault.ms),
      match: fault.match,
      method: fault.method?.toUpperCase(),
      field: fault.field,
      ...(fault.kind === 'latency' ? { apply: fault.apply ?? 'end' } : {}),
    });
    res.status(201).json({ faults });
  });
  control.delete('/faults', (_req, res) => {
    faults = [];
    releaseHeld();
    res.status(204).end();
  });
  control.get('/held', (_req, res) => {
    res.json({ held: held.map(({ method, path }) => ({ method, path })) });
  });
  control.post('/held/release', (_req, res) => {
    res.json({ released: releaseHeld() });
  });
  latencyRoutes(control, jitter, reseed);
  control.post('/clock', (req, res) => {
    clockOffsetMs += Number((req.body as { advanceMs?: unknown } | undefined)?.advanceMs ?? 0);
    res.json({ now: new Date(context.now()).toISOString() });
  });
  app.use('/__emulator', control);

  // Everything below is Twilio's API: authenticated like Twilio, counted, and subject to faults.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const [user, pass] = Buffer.from(header.replace(/^Basic /, ''), 'base64')
      .toString()
      .split(':');
    if (
      !header.startsWith('Basic ') ||
      !sameSecret(user ?? '', options.accountSid) ||
      !sameSecret(pass ?? '', options.authToken)
    ) {
      sendError(res, errors.authenticate());
      return;
    }
    const startedAt = arrivals.get(req) ?? preciseNow();
    res.on('finish', () => {
      const key = routeKey(req);
      counters.set(key, (counters.get(key) ?? 0) + 1);
      served.push({
        method: req.method,
        route: routeTemplate(req),
        path: req.path,
        startedAt,
        endedAt: preciseNow(),
        status: res.statusCode,
      });
    });
    // Twilio caps the requests an account has in flight at once; the one over the cap is refused at once,
    // with no Retry-After: the 20429 page asks for "a short period" and exponential backoff, and names none.
    const cap = context.settings.concurrentRequests;
    if (cap > 0 && inFlight >= cap) {
      sendError(res, errors.tooManyRequests());
      return;
    }
    inFlight += 1;
    res.on('close', () => (inFlight -= 1));
    const fields = Object.values((req.body ?? {}) as Record<string, unknown>).map(String);
    const fault = faults.find(
      (f) =>
        f.count > 0 &&
        (!f.match || req.path.includes(f.match)) &&
        (!f.method || f.method === req.method) &&
        (!f.field || fields.some((v) => v.includes(f.field!))),
    );
    if (fault) {
      fault.count -= 1;
      faults = faults.filter((f) => f.count > 0);
    }
    // Jitter, then a latency fault's delay on top: waited before the request is applied, or held after.
    const delay = add(
      jitterFor(jitter, req, random),
      fault?.kind === 'latency' ? split(fault.ms ?? 0, fault.apply ?? 'end', random) : NO_DELAY,
    );
    const apply = () => {
      if (delay.afterMs > 0) holdAnswer(res, preciseNow() + delay.afterMs, preciseNow);
      if (!fault || fault.kind === 'latency') next();
      else if (fault.kind === 'hold') held.push({ method: req.method, path: req.path, release: next });
      else if (fault.kind === '429') sendError(res, errors.tooManyRequests(fault.retryAfter ?? 1));
      else if (fault.kind === '500') sendError(res, errors.internal());
      else if (fault.kind === '16114') sendError(res, errors.recordingNotActionable());
      else {
        // 500-after
        const answer = res.json.bind(res);
        res.json = () => {
          res.status(500);
          return answer(errors.internal().toBody());
        };
        next();
      }
    };
    atOrAfter(startedAt + delay.beforeMs, preciseNow, apply);
  });
  for (const module of modules) app.use(module(context));

  app.use((req: Request, res: Response) => sendError(res, errors.notFound(req.path)));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof TwilioApiError) sendError(res, err);
    else {
      const status = (err as { status?: number }).status;
      // Malformed bodies are the client's fault, as on Twilio.
      if (status && status < 500) sendError(res, new TwilioApiError(400, 20001, 'Invalid request body'));
      else sendError(res, errors.internal());
    }
  });
  return { app, context, reset };
}
