import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';

/**
 * Where Twilio's hosts are answered instead: one base URL for all of them (the emulator serves
 * Voice and Sync side by side), or one per host name prefix such as `api` or `sync`.
 */
export type BaseUrls = string | Record<string, string>;

export interface RetryPolicy {
  /** All attempts and waits of one Function run end within this; Twilio stops a Function at 10 s. */
  budgetMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest a single request may take before it counts as a connection failure. */
  requestTimeoutMs: number;
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { budgetMs: 7000, baseDelayMs: 100, maxDelayMs: 2000, requestTimeoutMs: 4000, maxAttempts: 8 };


/** 16114: "resource not in a state to accept recording action request", which Twilio says to retry. */
const TRANSIENT_TWILIO_CODES = new Set([16114]);

/**
 * Whether a request may be sent again after this outcome, and after how long at the least.
 * 429 and 16114 mean Twilio did nothing, so any request may be retried. A 5xx or a lost connection
 * may come after Twilio did the work, so only requests that are safe to repeat are retried: reads,
 * deletes and updates of one resource, never a POST that creates (its caller must check first).
 */
export function retryDecision(
  method: string,
  uri: string,
  outcome: { status: number; body?: unknown; retryAfter?: string } | 'network-error',
): { retry: false } | { retry: true; minDelayMs: number } {
  const repeatable = method.toUpperCase() !== 'POST' || !isCollection(uri);
  if (outcome === 'network-error') return repeatable ? { retry: true, minDelayMs: 0 } : { retry: false };
  const code = (outcome.body as { code?: number } | undefined)?.code;
  if (outcome.status === 429 || (code !== undefined && TRANSIENT_TWILIO_CODES.has(code))) {
    const seconds = Number(outcome.retryAfter);
    return { retry: true, minDelayMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0 };
  }
  if (outcome.status >= 500 && repeatable) return { retry: true, minDelayMs: 0 };
  return { retry: false };
}

/** A POST to a list (`.../Recordings.json`, `.../Documents`) creates; one to a resource updates it. */
function isCollection(uri: string): boolean {
  const last = new URL(uri).pathname.replace(/\.json$/, '').split('/').pop() ?? '';
  return /^(Calls|Recordings|Conferences|Participants|Services|Documents)$/.test(last);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Twilio's own request client with two additions, so every Twilio request of a Function run gets them:
 * retries with exponential backoff and full jitter inside one time budget (see retryDecision), and,
 * for the local emulator, another base URL. Subclassing keeps the library's wire format exactly
 * (auth, form encoding, arrays as repeated keys, If-Match).
 */
export class TwilioHttpClient extends twilio.RequestClient {
  private readonly deadline: number;

  constructor(
    private readonly baseUrls?: BaseUrls,
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {
    super({ timeout: policy.requestTimeoutMs });
    this.deadline = Date.now() + policy.budgetMs;
  }

  override async request<T>(opts: RequestClient.RequestOptions<T>): Promise<Response<T>> {
    const uri = this.baseUrls ? rewriteUri(opts.uri, this.baseUrls) : opts.uri;
    for (let attempt = 0; ; attempt++) {
      const remaining = this.deadline - Date.now();
      let outcome: Response<T> | 'network-error';
      let failure: unknown;
      try {
        outcome = await super.request<T>({ ...opts, uri, timeout: Math.min(this.policy.requestTimeoutMs, Math.max(remaining, 250)) });
      } catch (err) {
        outcome = 'network-error';
        failure = err;
      }
      const decision = retryDecision(
        opts.method,
        uri,
        outcome === 'network-error' ? outcome : { status: outcome.statusCode, body: outcome.body, retryAfter: outcome.headers?.['retry-after'] },
      );
      const backoff = Math.random() * Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** attempt);
      const delay = decision.retry ? Math.max(decision.minDelayMs, backoff) : 0;
      if (!decision.retry || attempt + 1 >= this.policy.maxAttempts || Date.now() + delay >= this.deadline) {
        if (outcome === 'network-error') throw failure;
        return outcome;
      }
      await sleep(delay);
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
