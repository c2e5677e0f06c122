import { createHash } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Twilio stops a Function 10 s after it starts, whatever it is doing, and many instances run at once:
 * every wait (a retry, a queue, a claim held by another instance) is measured against the deadline of
 * the request that waits, counted from its arrival.
 */
export const FUNCTION_LIMIT_MS = 10_000;
/** Kept back from the limit to answer: building the body, the runtime's own hop to the caller. */
export const ANSWER_MARGIN_MS = 1_000;
/** Kept back from the Voice work of a control so that what Twilio did can still be written to Sync. */
export const SYNC_RESERVE_MS = 1_500;

export class Deadline {
  constructor(readonly at: number) {}

  /** The deadline of a request that arrived at `arrival` (ms since the epoch). */
  static fromArrival(arrival: number): Deadline {
    return new Deadline(arrival + FUNCTION_LIMIT_MS - ANSWER_MARGIN_MS);
  }

  remaining(now = Date.now()): number {
    return this.at - now;
  }

  /** An earlier deadline, keeping `ms` for what must follow. */
  before(ms: number): Deadline {
    return new Deadline(this.at - ms);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The clock that read the windows: the machine's, shared by every Function bundle in its processes.
 * Windows read on one clock are compared without the margin for skew between machines.
 */
export const CLOCK = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
