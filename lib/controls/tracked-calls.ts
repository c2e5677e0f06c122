import type twilio from 'twilio';
import type { SyncOptions } from '../env';
import { isSummary, type CallSummary } from '../model/call-summary';
import { listIndex } from '../sync/console-index';
import { sharedRead } from '../twilio/pages';

/** One call or conference as the console lists it: the state at a glance and its recordings. */
export type TrackedCall = CallSummary & {
  sid: string;
  kind: 'call' | 'conference';
  /** Changes whenever the state does: the page redraws a row, and fetches its timeline, only then. */
  revision: string;
  updatedAt: string;
  /** When Sync first heard of it (its first state write): the list's order, which a change never moves. */
  createdAt: string;
};

const SID = /^(CA|CF)[0-9a-f]{32}$/;

/**
 * The calls and conferences the console's index holds (within their TTL), newest first by when Sync
 * first heard of them: a row being read never moves when it changes. The index's shards listed side by
 * side, never the calls' states one by one (docs/costs.md: the console at scale).
 */
export function listTrackedCalls(client: twilio.Twilio, options: SyncOptions): Promise<TrackedCall[]> {
  return sharedRead(`index:${options.serviceSid}`, SHARED_MS, async () => readIndex(client, options));
}

/**
 * Consoles polling side by side from one process share one reading of the index for the page's poll
 * interval, 2 s (twilio/pages): a change shows at most one interval later, and a refresh's cursor looks
 * back further than that (console-calls SINCE_OVERLAP_MS).
 */
const SHARED_MS = 2000;

/** Per service, each call's row as the last listing built it: a listing rebuilds only the rows whose entry changed. */
const built = new Map<string, Map<string, TrackedCall>>();

async function readIndex(client: twilio.Twilio, options: SyncOptions): Promise<TrackedCall[]> {
  const indexed = await listIndex(client, options);
  const before = built.get(options.serviceSid);
  const rows = new Map<string, TrackedCall>();
  for (const item of indexed) {
    const was = before?.get(item.sid);
    if (was && was.revision === item.revision && was.updatedAt === item.updatedAt) {
      rows.set(item.sid, was);
      continue;
    }
    // One entry that is not the toolkit's shape (written by hand, by another tool) is left out, not a 500 for all.
    if (!SID.test(item.sid) || !isSummary(item.data)) {
      console.warn(`recording-controls: skipped the malformed console index entry ${item.sid}`);
      continue;
    }
    rows.set(item.sid, {
      ...item.data,
      sid: item.sid,
      kind: item.sid.startsWith('CF') ? 'conference' : 'call',
      revision: item.revision,
      updatedAt: item.updatedAt,
      createdAt: item.createdAt,
    });
  }
  built.set(options.serviceSid, rows);
  return [...rows.values()].sort((a, b) =>
    a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? 1 : -1) : a.sid < b.sid ? -1 : 1,
  );
}

/** Runs `work` on every item, `width` at a time, answering in the items' order. */
export async function inBatches<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]);
      }
    }),
  );
  return results;
}
