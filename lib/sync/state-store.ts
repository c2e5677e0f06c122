import type twilio from 'twilio';
import type { SyncOptions } from '../env';
import { ControlError, fromTwilioError, statusOf } from '../errors';
import { compact, emptyDocument, type RecordingDocument } from '../model/recording-state';
import { sleep, type Deadline } from '../twilio/deadline';
import { CallMap, STATE_KEY } from './call-map';
import { indexCall } from './console-index';

export type Change = (doc: RecordingDocument) => RecordingDocument;
export type Snapshot = { doc: RecordingDocument; revision?: string };

interface Waiter {
  change: Change;
  known?: Promise<Snapshot>;
  deadline: Deadline;
  store: RecordingStore;
  settled: boolean;
  resolve(doc: RecordingDocument): void;
  reject(err: unknown): void;
}
interface Queue {
  waiting: Waiter[];
  running: boolean;
}
/** Per document, the changes waiting in this process (module scope: shared by the requests a warm Function serves). */
const queues = new Map<string, Queue>();

/**
 * The Sync side: the state of a call or conference, one item of its Map (sync/call-map), written with
 * If-Match on its revision so that concurrent Functions never lose each other's changes (a 412 reads
 * again and reapplies them). Every store belongs to one request and carries its deadline and its Twilio
 * client.
 */
export class RecordingStore {
  constructor(
    private readonly client: twilio.Twilio,
    private readonly options: SyncOptions,
    readonly deadline: Deadline,
  ) {}

  map(sid: string): CallMap {
    return new CallMap(this.client, this.options, sid);
  }

  async read(sid: string): Promise<Snapshot> {
    try {
      const found = await this.map(sid).items(STATE_KEY).fetch();
      return { doc: found.data as RecordingDocument, revision: found.revision };
    } catch (err) {
      if (statusOf(err) === 404) return { doc: emptyDocument(sid) };
      throw fromTwilioError(err, `the Sync document of ${sid}`);
    }
  }

  /**
   * Applies `change` to the latest document and saves it, before this request's deadline or not at all
   * (503 SYNC_TIMEOUT, whatever became of the batch). Changes to one document made at once in this
   * process are written together, one batch after the other (group commit), so a burst of callbacks
   * costs one write per batch instead of a storm of 412s; each batch is written with the client and
   * the time of the request in it whose deadline is latest. `known` saves the first read when it is
   * already under way.
   */
  update(sid: string, change: Change, known?: Promise<Snapshot>): Promise<RecordingDocument> {
    const key = `${this.options.serviceSid}/${sid}`;
    return new Promise((resolve, reject) => {
      const queue = queues.get(key) ?? { waiting: [], running: false };
      queues.set(key, queue);
      const timer = setTimeout(
        () => {
          waiter.reject(
            new ControlError(
              503,
              'SYNC_TIMEOUT',
              `The Sync document of ${sid} could not be written before the deadline`,
            ),
          );
        },
        Math.max(0, this.deadline.remaining()),
      );
      const settle =
        <T>(fn: (value: T) => void) =>
        (value: T) => {
          if (waiter.settled) return;
          waiter.settled = true;
          clearTimeout(timer);
          fn(value);
        };
      const waiter: Waiter = {
        change,
        known,
        deadline: this.deadline,
        store: this,
        settled: false,
        resolve: settle(resolve),
        reject: settle(reject),
      };
      queue.waiting.push(waiter);
      if (!queue.running) void drain(key, sid, queue);
    });
  }

  /**
   * Read, change, write with If-Match; on a conflict with another process, read again and reapply.
   * Each change is applied alone, so one refused change (e.g. TOO_MANY_RECORDINGS) fails only its caller.
   */
  async write(
    sid: string,
    changes: Change[],
    known?: Promise<Snapshot>,
  ): Promise<{ doc: RecordingDocument; failures: unknown[] }> {
    let state = known ? await known : await this.read(sid);
    for (let conflicts = 0; ; conflicts++) {
      const failures: unknown[] = [];
      let doc = state.doc;
      changes.forEach((change, i) => {
        try {
          doc = change(doc);
        } catch (err) {
          failures[i] = err;
        }
      });
      if (failures.filter(Boolean).length === changes.length) return { doc: state.doc, failures };
      const data = compact(doc);
      try {
        // The console's index beside the write, not after it: no round trip added. A write refused here
        // (412) is followed by another, whose index entry replaces this one.
        const indexed = indexCall(this.client, this.options, sid, data, state.revision === undefined);
        if (state.revision === undefined) {
          await this.map(sid).create(STATE_KEY, data);
        } else {
          await this.map(sid)
            .items(STATE_KEY)
            .update({ data, ifMatch: state.revision, collectionTtl: this.options.ttlSeconds });
        }
        await indexed;
        return { doc: data, failures };
      } catch (err) {
        // 412: someone wrote since we read; 409 (54208): someone created it first; 404 on an update: it
        // expired meanwhile. Either way, read again.
        const conflict = statusOf(err) === 412 || statusOf(err) === 409;
        if (!conflict && !(statusOf(err) === 404 && state.revision !== undefined))
          throw fromTwilioError(err, `the Sync document of ${sid}`);
        // Full jitter, growing: concurrent writers spread out instead of colliding again.
        const pause = Math.random() * Math.min(500, 10 * 2 ** conflicts);
        if (pause >= this.deadline.remaining()) {
          throw new ControlError(
            503,
            'SYNC_BUSY',
            `The Sync document of ${sid} kept changing under the write until the deadline`,
            54103,
          );
        }
        await sleep(pause);
        state = await this.read(sid);
      }
    }
  }
}

async function drain(key: string, sid: string, queue: Queue): Promise<void> {
  queue.running = true;
  while (queue.waiting.length > 0) {
    const batch = queue.waiting.splice(0).filter((w) => !w.settled);
    if (batch.length === 0) continue;
    const lead = batch.reduce((a, b) => (b.deadline.at > a.deadline.at ? b : a));
    try {
      const { doc, failures } = await lead.store.write(
        sid,
        batch.map((w) => w.change),
        batch.length === 1 ? batch[0].known : undefined,
      );
      batch.forEach((w, i) => (failures[i] ? w.reject(failures[i]) : w.resolve(doc)));
    } catch (err) {
      batch.forEach((w) => w.reject(err));
    }
  }
  queue.running = false;
  queues.delete(key);
}
