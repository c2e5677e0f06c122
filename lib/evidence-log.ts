import { randomUUID } from 'node:crypto';
import type twilio from 'twilio';
import { fromTwilioError } from './errors';
import type { TwilioAnswer } from './recording-document';
import type { SyncOptions } from './twilio';

/**
 * The evidence of one call or conference: every recording change, kept apart from the small state
 * document in an append-only Sync List. Items are only ever created, so concurrent Functions never
 * conflict, and the list lives as long as the document (same TTL, refreshed by each append).
 */
export interface EvidenceEntry {
  /** Tells a retried append (Twilio may have stored the first attempt) from a new change. */
  id: string;
  /** UTC, ISO 8601: when Twilio answered the control, or when the callback came. */
  at: string;
  /** A control's: when its request to Twilio was sent. The change took effect between `sentAt` and `at`. */
  sentAt?: string;
  recordingSid: string;
  /** What the recording became: in-progress, paused, stopped, or from Twilio's callbacks completed, absent, failed. */
  status: string;
  /** What was asked for, e.g. start, paused (skip); absent for callbacks. */
  action?: string;
  pauseBehavior?: 'skip' | 'silence';
  /** Who asked: studio:FW…/FN…, twiml, http, agent:<identity>, console:<user>, or twilio for callbacks. */
  by: string;
  source: 'control' | 'callback';
}

export type NewEvidence = Omit<EvidenceEntry, 'id'>;

/** The evidence of one of Twilio's answers to a control: what it made of the recording, and when. */
export function evidenceOf(answer: TwilioAnswer, by: string, asked: { action: string; pauseBehavior?: 'skip' | 'silence' }): NewEvidence {
  const [sent, answered] = answer.window;
  return {
    at: new Date(answered).toISOString(),
    sentAt: new Date(sent).toISOString(),
    recordingSid: answer.recordingSid,
    status: answer.status,
    ...asked,
    by,
    source: 'control',
  };
}

export const evidenceListName = (sid: string) => `recording-controls-log-${sid}`;

/** Sync's largest page of List Items. */
const PAGE_SIZE = 100;

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
            if ((err as { status?: number }).status !== 409) throw fromTwilioError(err, `the evidence log of ${ownerSid}`);
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
    const add = (entry: NewEvidence) => items().create({ data: { id: randomUUID(), ...entry }, collectionTtl: this.options.ttlSeconds });
    await Promise.all(
      entries.map(async (entry) => {
        try {
          await add(entry);
        } catch (err) {
          if ((err as { status?: number }).status !== 404) throw fromTwilioError(err, `the evidence log of ${ownerSid}`);
          await this.createList(ownerSid);
          await add(entry).catch((again) => {
            throw fromTwilioError(again, `the evidence log of ${ownerSid}`);
          });
        }
      }),
    );
  }

  /** Every entry in the order they were appended, a retried append counted once; none when there is no log. */
  async readAll(ownerSid: string): Promise<EvidenceEntry[]> {
    try {
      const items = await this.service().syncLists(evidenceListName(ownerSid)).syncListItems.list({ order: 'asc', pageSize: PAGE_SIZE });
      const seen = new Set<string>();
      return items
        .map((item) => item.data as EvidenceEntry)
        .filter((entry) => !seen.has(entry.id) && Boolean(seen.add(entry.id)));
    } catch (err) {
      if ((err as { status?: number }).status === 404) return [];
      throw fromTwilioError(err, `the evidence log of ${ownerSid}`);
    }
  }
}

/**
 * Appends without ever failing the control that Twilio already carried out: a lost entry is logged
 * and reported to the caller as `evidenceLogged: false`.
 */
export async function appendEvidence(log: EvidenceLog | undefined, ownerSid: string, entries: NewEvidence[]): Promise<{ evidenceLogged?: false }> {
  if (!log || entries.length === 0) return {};
  try {
    await log.append(ownerSid, entries);
    return {};
  } catch (err) {
    console.error(`recording-controls: evidence of ${ownerSid} not logged:`, (err as Error)?.message ?? err);
    return { evidenceLogged: false };
  }
}

export type SegmentState = 'recorded' | 'paused' | 'stopped';

/** A stretch of wall-clock time during which one recording was in one state; `to` null: still so. */
export interface Segment {
  recordingSid: string;
  state: SegmentState;
  from: string;
  to: string | null;
  pauseBehavior?: 'skip' | 'silence';
  /** Who caused the change that began this segment, and whether a control or Twilio's callback reported it. */
  by: string;
  source: 'control' | 'callback';
  /**
   * A pause whose control overlapped a control of another kind on the same recording: which one Twilio
   * applied last is unknown, so the pause proves nothing.
   */
  uncertain?: true;
}

const stateOf = (status: string): SegmentState | undefined =>
  status === 'in-progress' ? 'recorded' : status === 'paused' ? 'paused' : ['stopped', 'completed', 'absent', 'failed'].includes(status) ? 'stopped' : undefined;

const sentOf = (e: EvidenceEntry) => e.sentAt ?? e.at;
/** Two controls of one recording whose requests to Twilio overlapped: their order on Twilio is unknown. */
const concurrent = (a: EvidenceEntry, b: EvidenceEntry) => a.source === 'control' && b.source === 'control' && sentOf(a) <= b.at && sentOf(b) <= a.at;

/**
 * Each recording's segments over wall-clock time, from its entries in time order. The same rule as
 * the state document: a callback's in-progress only opens a recording (it never ends a pause), and
 * once stopped a recording stays stopped. A change took effect at some moment between its control's
 * `sentAt` and `at`; segments take the moment that leaves the most recorded time, so a pause is never
 * drawn, or proved, longer than it surely was.
 */
export function toSegments(entries: EvidenceEntry[]): Segment[] {
  const ordered = entries.map((e, i) => ({ e, i })).sort((a, b) => a.e.at.localeCompare(b.e.at) || a.i - b.i);
  const open = new Map<string, Segment>();
  const segments: Segment[] = [];
  for (const { e } of ordered) {
    const state = stateOf(e.status);
    const current = open.get(e.recordingSid);
    if (!state || current?.state === 'stopped') continue;
    if (current && e.source === 'callback' && state === 'recorded') continue;
    const behavior = state === 'paused' ? (e.pauseBehavior ?? 'silence') : undefined;
    if (current && current.state === state && current.pauseBehavior === behavior) continue;
    const boundary = state === 'recorded' ? sentOf(e) : e.at;
    if (current) current.to = boundary < current.from ? current.from : boundary;
    const segment: Segment = { recordingSid: e.recordingSid, state, from: boundary, to: state === 'stopped' ? boundary : null, by: e.by, source: e.source };
    if (behavior) segment.pauseBehavior = behavior;
    if (state === 'paused' && entries.some((o) => o.recordingSid === e.recordingSid && stateOf(o.status) !== 'paused' && concurrent(o, e))) segment.uncertain = true;
    segments.push(segment);
    open.set(e.recordingSid, segment);
  }
  return segments;
}

/**
 * The auditor's check: whether the window [from, to] lies inside a pause, i.e. no recording of the call
 * was recording at any moment of it, and one recording's pause covered all of it.
 */
export function windowInsidePause(segments: Segment[], from: Date, to: Date): { insidePause: boolean; segments: Segment[] } {
  const start = from.getTime();
  const end = to.getTime();
  const until = (s: Segment) => (s.to === null ? Infinity : Date.parse(s.to));
  const overlapping = segments.filter((s) => s.state !== 'stopped' && Date.parse(s.from) < end && until(s) > start);
  const recorded = overlapping.some((s) => s.state === 'recorded');
  const covered = overlapping.some((s) => s.state === 'paused' && !s.uncertain && Date.parse(s.from) <= start && until(s) >= end);
  return { insidePause: !recorded && covered, segments: overlapping };
}

const CSV_COLUMNS = ['recording_sid', 'state', 'from', 'to', 'pause_behavior', 'by', 'source', 'order_uncertain'] as const;

/** One row per segment, RFC 4180 quoting; a cell that a spreadsheet would run as a formula is prefixed with '. */
export function toCsv(segments: Segment[]): string {
  const cell = (value: string | undefined | null) => {
    const text = value ?? '';
    const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const rows = segments.map((s) => [s.recordingSid, s.state, s.from, s.to, s.pauseBehavior, s.by, s.source, s.uncertain ? 'true' : ''].map(cell).join(','));
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
