// What every part of the benchmark measures with: timings, percentiles, and the Functions called as
// Studio and Twilio call them.
import { Agent, request } from 'node:http';
import twilio from 'twilio';
import { AUTH_TOKEN, type RunningFunctions } from '../harness/stack';

export type Params = Record<string, string>;

/** Every Function answers within Twilio's 10 s; the bench waits a little longer, then fails. */
export const ANSWER_DEADLINE_MS = 15_000;

export const round = (ms: number) => Math.round(ms * 100) / 100;

export function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return { p50: round(at(50)), p95: round(at(95)), p99: round(at(99)), n: sorted.length };
}

export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * Keep-alive connections, as a flow's HTTP client keeps them; Node's own HTTP client, as under the twilio
 * library's raw requests (axios over node:http), so that both sides of a ratio pay the same client.
 */
const agent = new Agent({ keepAlive: true });

export function post(
  fx: RunningFunctions,
  path: string,
  params: Params,
  headers: Record<string, string> = {},
): Promise<number> {
  const body = new URLSearchParams(params).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      fx.url + path,
      {
        method: 'POST',
        agent,
        timeout: ANSWER_DEADLINE_MS,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.on('error', reject);
        res.on('end', () => (status >= 300 ? reject(new Error(`${path} answered ${status}`)) : resolve(status)));
        res.resume();
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${path}: no answer within ${ANSWER_DEADLINE_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** A recording status callback signed as Twilio signs it. */
export function callback(fx: RunningFunctions, params: Params) {
  const url = `http://localhost:${new URL(fx.url).port}/callbacks/recording-status`;
  return post(fx, '/callbacks/recording-status', params, {
    'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params),
  });
}

/** A made-up recording SID; `i` in its first 12 hex digits, which a state's tombstone keeps (model/recording-state). */
export const recordingSid = (i: number) => 'RE' + i.toString(16).padStart(12, '0') + '0'.repeat(20);

export interface Latency {
  voice: number;
  sync: number;
}

/** `--latency voice=150,sync=80`: what each Twilio request waits in the emulator, as on Twilio. */
export function latencyOption(argv: string[]): Latency | undefined {
  const i = argv.indexOf('--latency');
  if (i < 0) return undefined;
  const pairs = Object.fromEntries((argv[i + 1] ?? '').split(',').map((p) => p.split('=')));
  const latency = { voice: Number(pairs.voice ?? 0), sync: Number(pairs.sync ?? 0) };
  if (!Number.isFinite(latency.voice) || !Number.isFinite(latency.sync) || latency.voice < 0 || latency.sync < 0) {
    throw new Error('--latency takes voice=MS,sync=MS, e.g. --latency voice=150,sync=80');
  }
  return latency;
}
