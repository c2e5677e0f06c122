import { randomUUID } from 'node:crypto';
import type twilio from 'twilio';
import type { SyncOptions } from '../env';
import { fromTwilioError, statusOf } from '../errors';
import { CLOCK } from '../twilio/deadline';
import type { EvidenceEntry, NewEvidence } from '../model/evidence';
import type { TwilioAnswer } from '../model/recording-state';
import { CLOCK_SKEW_MARGIN_MS, type PauseBehavior } from '../model/statuses';
import { CallMap } from './call-map';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * What an answer says of a recording: its status, somewhere between the request's send and its answer;
 * with the clock that read the window, when it says (twilio/voice).
 */
const observed = ({ window: [sent, answered, clock], recordingSid, status }: TwilioAnswer) => ({
  at: iso(answered),
  sentAt: iso(sent),
  recordingSid,
  status,
  ...(clock ? { clock } : {}),
});

/** The evidence of one of Twilio's answers to a control: what it made of the recording, and when. */
export function evidenceOf(
  answer: TwilioAnswer,
  by: string,
  asked: { action: string; pauseBehavior?: PauseBehavior; control?: string; reason?: string },
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
    clock: CLOCK,
  };
}

/**
 * The evidence log of one call or conference: every recording change, kept apart from its small state
 * as items of the call's Map (sync/call-map), each under its own key, so concurrent Functions never
 * conflict and a retried append finds its own item (54208) instead of adding a second. Keys begin with
 * the append time, so the Map lists them in the order they were appended.
 */

const LOG_PREFIX = 'log-';
/** Sorts after every log key (`.` follows `-`): a descending page from here starts at the newest entry. */
const AFTER_LOG = 'log.';
const logKey = (id: string, at = Date.now()) => `${LOG_PREFIX}${String(at).padStart(13, '0')}-${id}`;

/** Sync's largest page of Map Items. */
const PAGE_SIZE = 100;
/** The newest entries a retry's fence reads: a retry comes within seconds of its first attempt. */
const LIFT_WINDOW = 20;

const entriesOf = (items: Array<{ key: string; data: unknown }>) =>
  items.filter((item) => item.key.startsWith(LOG_PREFIX)).map((item) => item.data as EvidenceEntry);

export class EvidenceLog {
  constructor(
    private readonly client: twilio.Twilio,
    private readonly options: SyncOptions,
  ) {}

  private map(ownerSid: string) {
    return new CallMap(this.client, this.options, ownerSid);
  }

  /**
   * Appends the entries, creating the Map on first use. An entry whose append failed in a way that may
   * have stored it (5xx, no answer) is sent once more under its key: 409 then says it is stored.
   */
  async append(ownerSid: string, entries: NewEvidence[]): Promise<void> {
    const map = this.map(ownerSid);
    await Promise.all(
      entries.map(async (entry) => {
        const id = randomUUID();
        const key = logKey(id);
        const add = () => map.create(key, { id, ...entry });
        try {
          await add().catch((err) =>
            fromTwilioError(err, 'the evidence log').status >= 500 ? add() : Promise.reject(err),
          );
        } catch (err) {
          if (statusOf(err) !== 409) throw fromTwilioError(err, `the evidence log of ${ownerSid}`);
        }
      }),
    );
  }

  /**
   * Whether anything that may lift a pause (an intent) was logged for the call since `since` (ms), by
   * another control than `control`: a retry of an earlier pause must not undo it. Unknown: yes.
   */
  liftedSince(ownerSid: string, since: number, control?: string): Promise<boolean> {
    return this.loggedSince(ownerSid, since, control, (e) => e.source === 'intent');
  }

  /**
   * Whether a pause by another control than `control` was logged for the call since `since` (ms), tried or
   * answered: a retry of an earlier resume must not lift it. Unknown: yes.
   */
  pausedSince(ownerSid: string, since: number, control?: string): Promise<boolean> {
    return this.loggedSince(ownerSid, since, control, (e) => e.source === 'control' && e.action === 'paused');
  }

  /** Whether an entry `which` picks, of another control than `control`, was sent since `since` (ms). */
  private async loggedSince(
    ownerSid: string,
    since: number,
    control: string | undefined,
    which: (e: EvidenceEntry) => boolean,
  ): Promise<boolean> {
    try {
      const page = await this.map(ownerSid).items.page({
        order: 'desc',
        from: AFTER_LOG,
        bounds: 'exclusive',
        pageSize: LIFT_WINDOW,
      });
      const recent = entriesOf(page.instances);
      // A page full of newer entries may hide an older one: then assume one.
      if (recent.length === LIFT_WINDOW && recent.every((e) => Date.parse(e.at) >= since)) return true;
      return recent.some(
        (e) =>
          which(e) &&
          e.control !== control &&
          // Read on this machine's clock, the times compare as they are.
          Date.parse(e.sentAt ?? e.at) >= since - (e.clock === CLOCK ? 0 : CLOCK_SKEW_MARGIN_MS),
      );
    } catch (err) {
      return statusOf(err) !== 404;
    }
  }

  /** Every entry in the order they were appended; none when there is no log. */
  async readAll(ownerSid: string): Promise<EvidenceEntry[]> {
    try {
      const items = await this.map(ownerSid).items.list({
        order: 'asc',
        from: LOG_PREFIX,
        pageSize: PAGE_SIZE,
      });
      return entriesOf(items);
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
