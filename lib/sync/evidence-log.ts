import { randomUUID } from 'node:crypto';
import type twilio from 'twilio';
import type { SyncOptions } from '../env';
import { fromTwilioError, statusOf } from '../errors';
import { CLOCK } from '../twilio/deadline';
import type { EvidenceEntry, NewEvidence } from '../model/evidence';
import { CLOCK_SKEW_MARGIN_MS, type TwilioAnswer } from '../model/recording-document';
import type { PauseBehavior } from '../model/statuses';

const iso = (ms: number) => new Date(ms).toISOString();

/** What an answer says of a recording: its status, somewhere between the request's send and its answer. */
const observed = ({ window: [sent, answered], recordingSid, status }: TwilioAnswer) => ({
  at: iso(answered),
  sentAt: iso(sent),
  recordingSid,
  status,
});

/** The evidence of one of Twilio's answers to a control: what it made of the recording, and when. */
export function evidenceOf(
  answer: TwilioAnswer,
  by: string,
  asked: { action: string; pauseBehavior?: PauseBehavior; control?: string },
): NewEvidence {
  return { ...observed(answer), ...asked, by, source: 'control' };
}

/** What Twilio said when read again: the state at some moment of the window, and no pause behaviour. */
export function readBackOf(answer: TwilioAnswer): NewEvidence {
  return { ...observed(answer), by: 'twilio', source: 'read-back' };
}

/** Logged before a request that may lift a pause is sent (model/proof): its send time, whatever follows. */
export function intentOf(
  control: string,
  action: string,
  recordingSid: string,
  by: string,
  sent = Date.now(),
): NewEvidence {
  return {
    at: iso(sent),
    sentAt: iso(sent),
    recordingSid,
    status: action,
    action,
    by,
    source: 'intent',
    control,
    clock: CLOCK,
  };
}

/**
 * A control's request that did not change the recording as asked: `refused` (Twilio answered and did
 * nothing), `error` (Twilio answered 5xx: it may have), `unknown` (no answer: it may still).
 */
export function failureOf(
  control: string,
  recordingSid: string,
  result: 'refused' | 'error' | 'unknown',
  window: [sent: number, ended: number],
  by: string,
  action: string,
): NewEvidence {
  return {
    at: iso(window[1]),
    sentAt: iso(window[0]),
    recordingSid,
    status: result,
    action,
    by,
    source: 'control',
    control,
  };
}

/**
 * The evidence log of one call or conference: every recording change, kept apart from the small state
 * document in an append-only Sync List. Items are only ever created, so concurrent Functions never
 * conflict, and the list lives as long as the document (same TTL, refreshed by each append).
 */

export const evidenceListName = (sid: string) => `recording-controls-log-${sid}`;

/** Sync's largest page of List Items. */
const PAGE_SIZE = 100;
/** The newest entries a retry's fence reads: a retry comes within seconds of its first attempt. */
const LIFT_WINDOW = 20;

/** Lists being created in this process: concurrent first appends to one call share one creation. */
const creations = new Map<string, Promise<void>>();

export class EvidenceLog {
  constructor(
    private readonly client: twilio.Twilio,
    private readonly options: SyncOptions,
  ) {}

  private service() {
    return this.client.sync.v1.services(this.options.serviceSid);
  }

  private key(ownerSid: string) {
    return `${this.options.serviceSid}/${evidenceListName(ownerSid)}`;
  }

  /** Creates the list unless this process is already doing so; another process may create it first (409). */
  private createList(ownerSid: string): Promise<void> {
    const name = evidenceListName(ownerSid);
    const key = this.key(ownerSid);
    let creation = creations.get(key);
    if (!creation) {
      creation = this.service()
        .syncLists.create({ uniqueName: name, ttl: this.options.ttlSeconds })
        .then(
          () => undefined,
          (err) => {
            if (statusOf(err) !== 409) throw fromTwilioError(err, `the evidence log of ${ownerSid}`);
          },
        )
        .finally(() => creations.delete(key));
      creations.set(key, creation);
    }
    return creation;
  }

  /**
   * Creates the list ahead of an append, when it may well not exist yet (a start): the append then waits
   * for the creation instead of failing, creating and trying again.
   */
  prepare(ownerSid: string): void {
    this.createList(ownerSid).catch(() => undefined); // the append reports a failure
  }

  /** Appends the entries, creating the list on first use. */
  async append(ownerSid: string, entries: NewEvidence[]): Promise<void> {
    await creations.get(this.key(ownerSid))?.catch(() => undefined);
    const items = () => this.service().syncLists(evidenceListName(ownerSid)).syncListItems;
    const add = (entry: NewEvidence) =>
      items().create({ data: { id: randomUUID(), ...entry }, collectionTtl: this.options.ttlSeconds });
    await Promise.all(
      entries.map(async (entry) => {
        try {
          await add(entry);
        } catch (err) {
          if (statusOf(err) !== 404) throw fromTwilioError(err, `the evidence log of ${ownerSid}`);
          await this.createList(ownerSid);
          await add(entry).catch((again) => {
            throw fromTwilioError(again, `the evidence log of ${ownerSid}`);
          });
        }
      }),
    );
  }

  /**
   * Whether anything that may lift a pause (an intent) was logged for the call since `since` (ms), by
   * another control than `control`: a retry of an earlier control must not undo it. Unknown: yes.
   */
  async liftedSince(ownerSid: string, since: number, control?: string): Promise<boolean> {
    try {
      const items = await this.service()
        .syncLists(evidenceListName(ownerSid))
        .syncListItems.page({ order: 'desc', pageSize: LIFT_WINDOW });
      const recent = items.instances.map((item) => item.data as EvidenceEntry);
      // A page full of newer entries may hide an older intent: then assume one.
      if (recent.length === LIFT_WINDOW && recent.every((e) => Date.parse(e.at) >= since)) return true;
      return recent.some(
        (e) =>
          e.source === 'intent' &&
          e.control !== control &&
          // Read on this machine's clock, the times compare as they are.
          Date.parse(e.sentAt ?? e.at) >= since - (e.clock === CLOCK ? 0 : CLOCK_SKEW_MARGIN_MS),
      );
    } catch (err) {
      return statusOf(err) !== 404;
    }
  }

  /** Every entry in the order they were appended, a retried append counted once; none when there is no log. */
  async readAll(ownerSid: string): Promise<EvidenceEntry[]> {
    try {
      const items = await this.service()
        .syncLists(evidenceListName(ownerSid))
        .syncListItems.list({ order: 'asc', pageSize: PAGE_SIZE });
      const seen = new Set<string>();
      return items
        .map((item) => item.data as EvidenceEntry)
        .filter((entry) => !seen.has(entry.id) && Boolean(seen.add(entry.id)));
    } catch (err) {
      if (statusOf(err) === 404) return [];
      throw fromTwilioError(err, `the evidence log of ${ownerSid}`);
    }
  }
}

/**
 * Appends without ever failing the control that Twilio already carried out: a lost entry is logged
 * and reported to the caller as `evidenceLogged: false`.
 */
export async function appendEvidence(
  log: EvidenceLog | undefined,
  ownerSid: string,
  entries: NewEvidence[],
): Promise<{ evidenceLogged?: false }> {
  if (!log || entries.length === 0) return {};
  try {
    await log.append(ownerSid, entries);
    return {};
  } catch (err) {
    console.error(`recording-controls: evidence of ${ownerSid} not logged:`, (err as Error)?.message ?? err);
    return { evidenceLogged: false };
  }
}
