import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';
import { DeadlineExceeded } from '../errors';
import { sleep, type Deadline } from './deadline';

/**
 * Where Twilio's hosts are answered instead: one base URL for all of them (the emulator serves
 * Voice and Sync side by side), or one per host name prefix such as `api` or `sync`.
 */
export type BaseUrls = string | Record<string, string>;

export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

/**
 * The deadline is what bounds a Function's retries; `maxAttempts` only stops a client without one from
 * looping. Under an account's cap of requests in flight, 8 attempts ran out in 5 s of a 7.5 s deadline
 * (2 of 100 pauses of the bench's burst refused 20429 with time left): hence 20.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 100, maxDelayMs: 2000, maxAttempts: 20 };

/** 16114: "resource not in a state to accept recording action request", which Twilio says to retry. */
const TRANSIENT_TWILIO_CODES = new Set([16114]);

/**
 * Whether a request may be sent again after this outcome, and after how long at the least.
 * 429 and 16114 mean Twilio did nothing, so any request may be retried, but a change of a recording's
 * status only past its control's fence (`fenced`): sent later, it must not undo a control sent since.
 * A 5xx or a lost connection may come after Twilio did the work, so only requests that are safe to
 * repeat are retried: reads, deletes and updates of a Sync resource, never a POST that creates (its
 * caller must check first) nor a change of a recording's status (its control reads Twilio instead).
 */
export function retryDecision(
  method: string,
  uri: string,
  outcome: { status: number; body?: unknown; retryAfter?: string } | 'network-error',
): { retry: false } | { retry: true; minDelayMs: number; fenced: boolean } {
  const post = method.toUpperCase() === 'POST';
  const fenced = post && changesRecording(uri);
  const repeatable = !post || (!isCollection(uri) && !fenced);
  if (outcome === 'network-error') return repeatable ? { retry: true, minDelayMs: 0, fenced } : { retry: false };
  const code = (outcome.body as { code?: number } | undefined)?.code;
  if (outcome.status === 429 || (code !== undefined && TRANSIENT_TWILIO_CODES.has(code))) {
    const seconds = Number(outcome.retryAfter);
    return { retry: true, minDelayMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0, fenced };
  }
  if (outcome.status >= 500 && repeatable) return { retry: true, minDelayMs: 0, fenced };
  return { retry: false };
}

/** A POST to a list (`.../Recordings.json`, `.../Documents`, `.../Maps/x/Items`) creates; one to a resource updates it. */
function isCollection(uri: string): boolean {
  const last =
    new URL(uri).pathname
      .replace(/\.json$/, '')
      .split('/')
      .pop() ?? '';
  return /^(Calls|Recordings|Conferences|Participants|Services|Documents|Lists|Maps|Items)$/.test(last);
}

/** A POST to one recording (`.../Recordings/RE….json`) pauses, resumes or stops it. */
const changesRecording = (uri: string) => /\/Recordings\/[^/]+\.json$/.test(new URL(uri).pathname);

/**
 * Whether a control's change of a recording may be sent again: nothing that may undo it has been sent
 * since its first attempt (controls/set-status sets it; without one, such a change is never retried).
 */
export interface RetryFence {
  mayRetry(): Promise<boolean>;
}

/** The least time worth sending a retry with: a few of Twilio's round trips. */
const RETRY_FLOOR_MS = 500;

/** The twilio library's own default; only clients without a Function's deadline (tests, the bench) reach it. */
const LONGEST_REQUEST_MS = 30_000;

/**
 * Twilio's own request client with two additions, so every Twilio request of a Function run gets them:
 * retries with exponential backoff and full jitter, and a deadline that no attempt, wait or answer
 * outlives (see twilio/deadline); for the local emulator, another base URL. Subclassing keeps the
 * library's wire format exactly (auth, form encoding, arrays as repeated keys, If-Match).
 */
export class TwilioHttpClient extends twilio.RequestClient {
  constructor(
    private readonly deadline: Deadline,
    private readonly baseUrls?: BaseUrls,
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    private readonly fence?: RetryFence,
  ) {
    super();
  }

  override async request<T>(opts: RequestClient.RequestOptions<T>): Promise<Response<T>> {
    const uri = this.baseUrls ? rewriteUri(opts.uri, this.baseUrls) : opts.uri;
    for (let attempt = 0; ; attempt++) {
      const remaining = this.deadline.remaining();
      if (remaining <= 0) throw new DeadlineExceeded(opts.method);
      let outcome: Response<T> | 'network-error';
      let failure: unknown;
      try {
        // Twilio is waited for as long as the deadline allows: a shorter cut-off would only turn a slow
        // answer into an unknown outcome.
        outcome = await super.request<T>({ ...opts, uri, timeout: Math.min(remaining, LONGEST_REQUEST_MS) });
      } catch (err) {
        // A timer may fire a millisecond early: an answer missing at the deadline is a timeout.
        if (this.deadline.remaining() <= 5) throw new DeadlineExceeded(opts.method);
        outcome = 'network-error';
        failure = err;
      }
      const decision = retryDecision(
        opts.method,
        uri,
        outcome === 'network-error'
          ? outcome
          : { status: outcome.statusCode, body: outcome.body, retryAfter: outcome.headers?.['retry-after'] },
      );
      const backoff = Math.random() * Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** attempt);
      // Jitter on top of Retry-After too: callers refused at once must not all come back at once.
      const delay = decision.retry ? decision.minDelayMs + backoff : 0;
      // A retry with less than RETRY_FLOOR_MS left would likely end unanswered, an unknown outcome: the
      // refusal in hand (e.g. 429, where Twilio did nothing) is the clearer answer.
      if (
        !decision.retry ||
        attempt + 1 >= this.policy.maxAttempts ||
        delay + RETRY_FLOOR_MS >= this.deadline.remaining() ||
        (decision.fenced && !this.fence)
      ) {
        if (outcome === 'network-error') throw failure;
        return outcome;
      }
      await sleep(delay);
      // Read just before the retry goes: a control sent during the wait must stand.
      if (decision.fenced && outcome !== 'network-error' && !(await this.fence!.mayRetry())) return outcome;
    }
  }
}

export function rewriteUri(uri: string, baseUrls: BaseUrls): string {
  const url = new URL(uri);
  const prefix = url.hostname.split('.')[0];
  const base = typeof baseUrls === 'string' ? baseUrls : baseUrls[prefix];
  if (!base) throw new Error(`No base URL for ${url.hostname}`);
  return base.replace(/\/$/, '') + url.pathname + url.search;
}
