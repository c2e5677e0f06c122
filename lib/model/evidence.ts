import type { PauseBehavior } from './statuses';

/**
 * The evidence of one call or conference, and the pure rules that read it: every recording change in
 * the order it was logged (sync/evidence-log keeps them), turned into segments of time, and the
 * auditor's check of a window against them.
 */

/** One change of one recording, as the evidence log keeps it. */
export interface EvidenceEntry {
  /** Tells a retried append (Twilio may have stored the first attempt) from a new change. */
  id: string;
  /** UTC, ISO 8601: when Twilio answered the control, or when the callback came. */
  at: string;
  /** A control's: when its request to Twilio was sent. The change took effect between `sentAt` and `at`. */
  sentAt?: string;
  recordingSid: string;
  /**
   * What the recording became: in-progress, paused, stopped, or from Twilio's callbacks completed, absent, failed;
   * `refused` and `override` for a person's attempt to lift a pause that was refused, or allowed with a reason.
   */
  status: string;
  /** What was asked for, e.g. start, paused (skip); absent for callbacks. */
  action?: string;
  pauseBehavior?: PauseBehavior;
  /** Who asked: studio:FW…/FN…, twiml, http, agent:<identity>, console:<user>, or twilio for callbacks. */
  by: string;
  source: 'control' | 'callback';
  /** An override's or a refusal's: the reason given, and who had paused. */
  reason?: string;
  pausedBy?: string;
}

export type NewEvidence = Omit<EvidenceEntry, 'id'>;

export type SegmentState = 'recorded' | 'paused' | 'stopped';

/** A stretch of wall-clock time during which one recording was in one state; `to` null: still so. */
export interface Segment {
  recordingSid: string;
  state: SegmentState;
  from: string;
  to: string | null;
  pauseBehavior?: PauseBehavior;
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
  status === 'in-progress'
    ? 'recorded'
    : status === 'paused'
      ? 'paused'
      : ['stopped', 'completed', 'absent', 'failed'].includes(status)
        ? 'stopped'
        : undefined;

const sentOf = (e: EvidenceEntry) => e.sentAt ?? e.at;
/** Two controls of one recording whose requests to Twilio overlapped: their order on Twilio is unknown. */
const concurrent = (a: EvidenceEntry, b: EvidenceEntry) =>
  a.source === 'control' && b.source === 'control' && sentOf(a) <= b.at && sentOf(b) <= a.at;

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
    const segment: Segment = {
      recordingSid: e.recordingSid,
      state,
      from: boundary,
      to: state === 'stopped' ? boundary : null,
      by: e.by,
      source: e.source,
    };
    if (behavior) segment.pauseBehavior = behavior;
    if (
      state === 'paused' &&
      entries.some((o) => o.recordingSid === e.recordingSid && stateOf(o.status) !== 'paused' && concurrent(o, e))
    )
      segment.uncertain = true;
    segments.push(segment);
    open.set(e.recordingSid, segment);
  }
  return segments;
}

/**
 * The auditor's check: whether the window [from, to] lies inside a pause, i.e. no recording of the call
 * was recording at any moment of it, and one recording's pause covered all of it.
 */
export function windowInsidePause(
  segments: Segment[],
  from: Date,
  to: Date,
): { insidePause: boolean; segments: Segment[] } {
  const start = from.getTime();
  const end = to.getTime();
  const until = (s: Segment) => (s.to === null ? Infinity : Date.parse(s.to));
  const overlapping = segments.filter((s) => s.state !== 'stopped' && Date.parse(s.from) < end && until(s) > start);
  const recorded = overlapping.some((s) => s.state === 'recorded');
  const covered = overlapping.some(
    (s) => s.state === 'paused' && !s.uncertain && Date.parse(s.from) <= start && until(s) >= end,
  );
  return { insidePause: !recorded && covered, segments: overlapping };
}
