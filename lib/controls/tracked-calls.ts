import type twilio from 'twilio';
import type { SyncOptions } from '../env';
import { fromTwilioError, statusOf } from '../errors';
import { isActive, type RecordingDocument } from '../model/recording-document';
import { pausedSince } from '../model/pause-alert';
import { listCallMaps, mapName, STATE_KEY } from '../sync/call-map';

/** One call or conference as the console lists it: the state at a glance and its recordings. */
export interface TrackedCall {
  sid: string;
  kind: 'call' | 'conference';
  /** A recording is in progress or paused. */
  live: boolean;
  state: 'recording' | 'paused' | 'not-recording';
  recordings: Array<{ recordingSid: string; status: string; pauseBehavior?: string }>;
  /** The last change the document keeps, with who asked for it. */
  lastChange?: { at: string; action: string; recordingSid: string; by: string };
  /** Who acted in the changes the state keeps (its last few), in order, each once. */
  actors: string[];
  /** While paused (nothing recorded): since when (model/pause-alert). */
  pausedSince?: string;
  /** Changes whenever the state does: the page redraws a row, and fetches its timeline, only then. */
  revision: string;
  updatedAt: string;
  /** When Sync first heard of it (its Map's creation): the list's order, which a change never moves. */
  createdAt: string;
}

/** State items read at once: hundreds of calls in a few round trips, without a storm of requests. */
const READS_AT_ONCE = 16;

function summarize(doc: RecordingDocument, revision: string, updatedAt: string, createdAt: string): TrackedCall {
  const recordings = Object.entries(doc.recordings ?? {}).map(([recordingSid, r]) => ({
    recordingSid,
    status: r.status,
    ...(r.status === 'paused' && r.pauseBehavior ? { pauseBehavior: r.pauseBehavior } : {}),
  }));
  const active = Object.values(doc.recordings ?? {}).filter(isActive);
  const state = active.some((r) => r.status === 'in-progress')
    ? 'recording'
    : active.length > 0
      ? 'paused'
      : 'not-recording';
  const lastChange = doc.history?.at(-1);
  return {
    sid: doc.sid,
    kind: doc.sid.startsWith('CF') ? 'conference' : 'call',
    live: active.length > 0,
    state,
    recordings,
    ...(lastChange ? { lastChange } : {}),
    actors: [...new Set((doc.history ?? []).map((h) => h.by))],
    ...(state === 'paused' ? { pausedSince: pausedSince(doc) } : {}),
    revision,
    updatedAt,
    createdAt,
  };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields summarize reads, of the types it reads them as. */
function wellFormed(data: unknown): boolean {
  if (!isObject(data) || !isObject(data.recordings)) return false;
  if (!Object.values(data.recordings).every((r) => isObject(r) && typeof r.status === 'string')) return false;
  if (data.history === undefined) return true;
  return (
    Array.isArray(data.history) &&
    data.history.every(
      (h) => isObject(h) && ['at', 'action', 'recordingSid', 'by'].every((k) => typeof h[k] === 'string'),
    )
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

/**
 * The calls and conferences whose Maps Sync still holds (within their TTL), newest first by when Sync
 * first heard of them: a row being read never moves when it changes. One list of the service's Maps (a page per 100), then one read of each call's
 * state item: each call's Map is read once per list, far below Sync's 20 reads/s per object however
 * many calls there are (docs/costs.md: consoles and the read limit).
 */
export async function listTrackedCalls(client: twilio.Twilio, options: SyncOptions): Promise<TrackedCall[]> {
  const service = client.sync.v1.services(options.serviceSid);
  const tracked = await listCallMaps(client, options);
  const states = await inBatches(tracked, READS_AT_ONCE, async (m) => {
    try {
      return await service.syncMaps(m.mapSid).syncMapItems(STATE_KEY).fetch();
    } catch (err) {
      if (statusOf(err) === 404) return undefined; // a call whose start has not written its state yet
      throw fromTwilioError(err, `the Sync Map of ${m.sid}`);
    }
  });
  return tracked
    .flatMap((m, i) => {
      const d = states[i];
      if (!d) return [];
      // One state that is not the toolkit's shape (written by hand, by another tool) is left out, not a 500 for all.
      try {
        if (!wellFormed(d.data)) throw new Error('not a recording document');
        return [
          summarize(
            { ...(d.data as RecordingDocument), sid: m.sid },
            d.revision,
            d.dateUpdated.toISOString(),
            m.createdAt.toISOString(),
          ),
        ];
      } catch (err) {
        console.warn(
          `recording-controls: skipped the malformed Sync state of ${mapName(m.sid)} in the console's list: ${(err as Error)?.message ?? err}`,
        );
        return [];
      }
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.sid.localeCompare(b.sid));
}
