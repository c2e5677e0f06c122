import type { Request, Response, Router } from 'express';

/**
 * Where, within a request's latency, Twilio applies the change it asks for. Twilio may apply an update at
 * any moment between receiving the request and answering it: `start` applies at once and holds the
 * answer, `end` waits and then applies (and answers at once), `random` applies somewhere in between.
 */
export type ApplyAt = 'start' | 'end' | 'random';
export const APPLY_AT: ApplyAt[] = ['start', 'end', 'random'];

/** A request's latency split around the moment its change is applied. */
export interface Delay {
  /** Waited before the request is applied. */
  beforeMs: number;
  /** Held after it is applied, before the answer is sent. */
  afterMs: number;
}

export const NO_DELAY: Delay = { beforeMs: 0, afterMs: 0 };

/** Numbers in [0, 1): Math.random, or a generator replayed from a seed. */
export type Random = () => number;

/** mulberry32: a small generator whose whole sequence follows from its 32-bit seed. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Splits `ms` around the moment of applying, as `apply` says. */
export function split(ms: number, apply: ApplyAt, random: Random = Math.random): Delay {
  const beforeMs = apply === 'end' ? ms : apply === 'start' ? 0 : random() * ms;
  return { beforeMs, afterMs: ms - beforeMs };
}

export const add = (a: Delay, b: Delay): Delay => ({
  beforeMs: a.beforeMs + b.beforeMs,
  afterMs: a.afterMs + b.afterMs,
});

/**
 * Holds the answer until `until` (ms since the epoch, precise): the handler runs (and applies its change)
 * now, the answer goes out later. Everything an answer goes through (`json`, `send`, `status().end()`)
 * ends in `res.end`, so holding that holds them all.
 */
export function holdAnswer(res: Response, until: number, now: () => number): void {
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    atOrAfter(until, now, () => end(...args));
    return res;
  }) as Response['end'];
}

/**
 * Runs `run` once `now()` reads `until` or later. A timer fires by the event loop's clock, whole
 * milliseconds read once a turn, up to a millisecond before the precise one: a 3.9 s latency was answered
 * in 3,899.9 ms. Waking early, it waits again for the rest.
 */
export function atOrAfter(until: number, now: () => number, run: () => void): void {
  const wait = until - now();
  if (wait <= 0) run();
  else setTimeout(() => atOrAfter(until, now, run), Math.ceil(wait));
}

/** A range a request's added latency is drawn from, uniformly. */
export interface LatencyRange {
  minMs: number;
  maxMs: number;
}

/** Jitter: every Twilio request of a product waits a random latency in its range, on top of any fault. */
export interface Jitter {
  /** Paths under /2010-04-01/. */
  voice: LatencyRange | null;
  /** Paths under /v1/Services. */
  sync: LatencyRange | null;
  apply: ApplyAt;
  /** Draws the latencies and the moments of applying from this seed (and random `latency` faults too), so a test's seed replays them. */
  seed?: number;
}

export const NO_JITTER: Jitter = { voice: null, sync: null, apply: 'end' };

/** The product a Twilio path belongs to, for jitter; Flex (and anything else) has none. */
function productOf(path: string): 'voice' | 'sync' | undefined {
  if (path.startsWith('/2010-04-01/')) return 'voice';
  if (path.startsWith('/v1/Services')) return 'sync';
  return undefined;
}

/** The jitter this request gets, split around the moment it is applied. */
export function jitterFor(jitter: Jitter, req: Request, random: Random = Math.random): Delay {
  const product = productOf(req.path);
  const range = product && jitter[product];
  if (!range) return NO_DELAY;
  return split(range.minMs + random() * (range.maxMs - range.minMs), jitter.apply, random);
}

function parseRange(key: string, value: unknown): LatencyRange | null | string {
  if (value === null) return null;
  const { minMs, maxMs, ...rest } = (value ?? {}) as Record<string, unknown>;
  if (typeof value !== 'object' || Object.keys(rest).length > 0) return `${key} must be {"minMs", "maxMs"} or null`;
  if (typeof minMs !== 'number' || typeof maxMs !== 'number' || !(minMs >= 0) || !(maxMs >= minMs))
    return `${key}.minMs and ${key}.maxMs must be numbers with 0 <= minMs <= maxMs`;
  return { minMs, maxMs };
}

/** Reads a POST /latency body, or says what is wrong with it. */
export function parseJitter(body: unknown): Jitter | string {
  const { voice, sync, apply, seed, ...rest } = (body ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) return `${unknown.join(', ')}: not one of voice, sync, apply, seed`;
  if (apply !== undefined && !APPLY_AT.includes(apply as ApplyAt)) return "apply must be 'start', 'end' or 'random'";
  if (seed !== undefined && !(Number.isInteger(seed) && (seed as number) >= 0 && (seed as number) < 2 ** 32))
    return 'seed must be a whole number from 0 to 2^32 - 1';
  const v = parseRange('voice', voice ?? null);
  if (typeof v === 'string') return v;
  const s = parseRange('sync', sync ?? null);
  if (typeof s === 'string') return s;
  return {
    voice: v,
    sync: s,
    apply: (apply as ApplyAt | undefined) ?? 'end',
    ...(seed === undefined ? {} : { seed: seed as number }),
  };
}

/** POST, GET and DELETE /latency: jitter, a setting that stays until cleared (or reset), not a counted fault. */
export function latencyRoutes(control: Router, jitter: Jitter, reseed: (seed?: number) => void): void {
  control.post('/latency', (req, res) => {
    const parsed = parseJitter(req.body);
    if (typeof parsed === 'string') {
      res.status(400).json({ error: { code: 'INVALID_LATENCY', message: parsed } });
      return;
    }
    delete jitter.seed;
    Object.assign(jitter, parsed);
    reseed(parsed.seed);
    res.json(jitter);
  });
  control.get('/latency', (_req, res) => {
    res.json(jitter);
  });
  control.delete('/latency', (_req, res) => {
    delete jitter.seed;
    Object.assign(jitter, NO_JITTER);
    reseed(undefined);
    res.status(204).end();
  });
}
