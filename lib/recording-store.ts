import type twilio from 'twilio';
import { ControlError, fromTwilioError } from './errors';

/**
 * What the toolkit knows of the recordings of one call or conference, kept in one Sync document so
 * that a flow can control "the recording of this call" without knowing its SID.
 */
export type RecordingStatus = 'in-progress' | 'paused' | 'stopped' | 'completed' | 'absent' | 'failed';

export interface TrackedRecording {
  status: RecordingStatus;
  /** ISO time each status was last entered: when each change happened. */
  at: Partial<Record<RecordingStatus, string>>;
  /** Time of the control or callback that set `status`, in ms, so an older answer never overwrites a newer one. */
  seen: number;
  channels?: number;
  source?: string;
  track?: string;
  startTime?: string;
  duration?: number;
  url?: string;
  pauseBehavior?: string;
}

export interface ControlAction {
  at: string;
  action: string;
  recordingSid: string;
  /** Who asked: a Studio flow (FW… / FN…), a TwiML action URL, or a plain HTTP caller. */
  by: string;
}

export interface RecordingDocument {
  /** CA… or CF… */
  sid: string;
  recordings: Record<string, TrackedRecording>;
  history: ControlAction[];
}

export const ACTIVE: RecordingStatus[] = ['in-progress', 'paused'];
/** Once here a recording never changes status again, whatever arrives later; `stopped` may still become completed. */
const FINAL: RecordingStatus[] = ['completed', 'absent', 'failed'];
export const isActive = (r: TrackedRecording) => ACTIVE.includes(r.status);

export const HISTORY_LIMIT = 20;
/** Sync refuses Data over 16 KiB and slows writes as a document grows; prune well before. */
export const SIZE_BUDGET_BYTES = 12 * 1024;

export interface RecordingEvent {
  recordingSid: string;
  status: RecordingStatus;
  /** A control reports what Twilio answered; a callback what Twilio says happened. */
  origin: 'control' | 'callback';
  seen: number;
  details?: Omit<Partial<TrackedRecording>, 'status' | 'at' | 'seen'>;
}

/**
 * The one rule for merging what we learn into the document, whatever its order: a final status
 * stays final (stopped may only move on to a final one), a callback's `in-progress` adds what it
 * knows but never overrides a pause, and of two controls the later one wins.
 */
export function applyEvent(doc: RecordingDocument, event: RecordingEvent): RecordingDocument {
  const current = doc.recordings[event.recordingSid];
  const details = Object.fromEntries(Object.entries(event.details ?? {}).filter(([, v]) => v !== undefined && v !== ''));
  const iso = new Date(event.seen).toISOString();
  if (!current) {
    const created: TrackedRecording = { ...details, status: event.status, at: { [event.status]: iso }, seen: event.seen };
    return { ...doc, recordings: { ...doc.recordings, [event.recordingSid]: created } };
  }
  const takes =
    !FINAL.includes(current.status) &&
    current.status !== event.status &&
    (FINAL.includes(event.status) ||
      (current.status !== 'stopped' &&
        (event.status === 'stopped' || (event.origin === 'control' && event.seen >= current.seen))));
  // What a superseded event knows only fills gaps: a late `in-progress` must not zero a final duration.
  const next: TrackedRecording = takes
    ? { ...current, ...details, status: event.status, at: { ...current.at, [event.status]: iso }, seen: event.seen }
    : { ...details, ...current };
  return { ...doc, recordings: { ...doc.recordings, [event.recordingSid]: next } };
}

export function addHistory(doc: RecordingDocument, action: ControlAction): RecordingDocument {
  return { ...doc, history: [...doc.history, action].slice(-HISTORY_LIMIT) };
}

/** Drops the oldest finished recordings until the document fits its budget; active ones are always kept. */
export function prune(doc: RecordingDocument): RecordingDocument {
  let result = doc;
  const finished = Object.entries(doc.recordings)
    .filter(([, r]) => !isActive(r))
    .sort(([, a], [, b]) => a.seen - b.seen)
    .map(([sid]) => sid);
  while (Buffer.byteLength(JSON.stringify(result)) > SIZE_BUDGET_BYTES && finished.length > 0) {
    const { [finished.shift()!]: _dropped, ...rest } = result.recordings;
    result = { ...result, recordings: rest };
  }
  return result;
}

export const emptyDocument = (sid: string): RecordingDocument => ({ sid, recordings: {}, history: [] });
export const documentName = (sid: string) => `recording-controls-${sid}`;

type Change = (doc: RecordingDocument) => RecordingDocument;
type Snapshot = { doc: RecordingDocument; revision?: string };
interface Queue {
  waiting: Array<{ change: Change; known?: Snapshot; resolve(doc: RecordingDocument): void; reject(err: unknown): void }>;
  running: boolean;
}
/** Per document, the changes waiting in this process (module scope: shared by the requests a warm Function serves). */
const queues = new Map<string, Queue>();

type Documents = ReturnType<ReturnType<twilio.Twilio['sync']['v1']['services']>['documents']['get']>;

export interface StoreOptions {
  serviceSid: string;
  ttlSeconds: number;
  /** Bounded: after this many 412s, or this long, a write gives up rather than spinning. */
  maxConflicts?: number;
  conflictBudgetMs?: number;
}

/**
 * The Sync side: one document per call or conference, written with If-Match on its revision so
 * that concurrent Functions never lose each other's updates, and retried on 412 (Sync's 54103).
 */
export class RecordingStore {
  constructor(
    private readonly client: twilio.Twilio,
    private readonly options: StoreOptions,
  ) {}

  private document(sid: string): Documents {
    return this.client.sync.v1.services(this.options.serviceSid).documents(documentName(sid));
  }

  async read(sid: string): Promise<Snapshot> {
    try {
      const found = await this.document(sid).fetch();
      return { doc: found.data as RecordingDocument, revision: found.revision };
    } catch (err) {
      if ((err as { status?: number }).status === 404) return { doc: emptyDocument(sid) };
      throw fromTwilioError(err, `the Sync document of ${sid}`);
    }
  }

  /**
   * Applies `change` to the latest document and saves it. Changes to one document made at once in this
   * process are written together, one batch after the other (group commit): concurrent callbacks and
   * controls then cost one write per batch instead of a storm of 412s. `known` saves the first read
   * when the caller has just read the document.
   */
  update(sid: string, change: Change, known?: Snapshot): Promise<RecordingDocument> {
    const key = `${this.options.serviceSid}/${sid}`;
    return new Promise((resolve, reject) => {
      const queue = queues.get(key) ?? { waiting: [], running: false };
      queues.set(key, queue);
      queue.waiting.push({ change, known, resolve, reject });
      if (!queue.running) void this.drain(key, sid, queue);
    });
  }

  private async drain(key: string, sid: string, queue: Queue): Promise<void> {
    queue.running = true;
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0);
      try {
        const doc = await this.write(
          sid,
          (current) => batch.reduce((d, w) => w.change(d), current),
          batch.length === 1 ? batch[0].known : undefined,
        );
        batch.forEach((w) => w.resolve(doc));
      } catch (err) {
        batch.forEach((w) => w.reject(err));
      }
    }
    queues.delete(key);
  }

  /** Read, change, write with If-Match; on a conflict with another process, read again and retry, within bounds. */
  private async write(sid: string, change: Change, known?: Snapshot): Promise<RecordingDocument> {
    const maxConflicts = this.options.maxConflicts ?? 100;
    const deadline = Date.now() + (this.options.conflictBudgetMs ?? 5000);
    let state = known ?? (await this.read(sid));
    for (let conflicts = 0; ; ) {
      const data = prune(change(state.doc));
      try {
        if (state.revision === undefined) {
          await this.client.sync.v1
            .services(this.options.serviceSid)
            .documents.create({ uniqueName: documentName(sid), data, ttl: this.options.ttlSeconds });
        } else {
          await this.document(sid).update({ data, ifMatch: state.revision, ttl: this.options.ttlSeconds });
        }
        return data;
      } catch (err) {
        const status = (err as { status?: number }).status;
        // 412: someone wrote since we read; 409 (54301): someone created it first. Either way, read again.
        if (status !== 412 && status !== 409) throw fromTwilioError(err, `the Sync document of ${sid}`);
        if (++conflicts > maxConflicts || Date.now() > deadline) {
          throw new ControlError(503, 'SYNC_BUSY', `Too many concurrent writes to the Sync document of ${sid}; its last change is not recorded`, 54103);
        }
        // Full jitter, growing: concurrent writers spread out instead of colliding again.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(500, 10 * 2 ** conflicts)));
        state = await this.read(sid);
      }
    }
  }
}
