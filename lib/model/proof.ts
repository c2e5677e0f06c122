import type { EvidenceEntry } from './evidence';
import { CLOCK_SKEW_MARGIN_MS, LATEST_EFFECT_MS } from './statuses';

/**
 * The one rule of proof, for auditors: a stretch of time is proven unrecorded only if every recording of
 * the call or conference was paused, ended or not yet started throughout it, and at least one of them was
 * paused throughout it. The rest of this module applies that rule to the evidence log and, when given, to
 * Twilio's own list of the call's recordings:
 *
 * - A pause counts from its confirmed answer (or a read-back of Twilio that saw the recording paused),
 *   and only if nothing that may lift it (a resume or a start) was in flight while it was sent, and
 *   Twilio was not read back recording after it before anything logged could have lifted it.
 * - Whatever may lift a pause is logged before it is sent (an intent, with its send time), so the pause
 *   ends, for the proof, at the earliest moment it may have been lifted, even when the instance that sent
 *   it died. A lift whose outcome is unknown may take effect until LATEST_EFFECT_MS after it was sent.
 * - A recording ends for good when Twilio said it ended: a stop's answer, a final callback, a read-back,
 *   or the list read for the proof (never its start time plus duration: a skip pause leaves its paused
 *   time out of the duration). Before Twilio created it, it did not record. A recording the evidence
 *   never heard of is known only from Twilio's list; without that list, a start whose recording is
 *   unknown leaves everything after it unproven.
 * - The times of the log are read on the clocks of the Function instances, each within
 *   CLOCK_SKEW_MARGIN_MS of Twilio's: every edge of a proven stretch is moved inwards by it, so the
 *   stretch holds on Twilio's clock (the auditor's), whichever instances wrote its two ends.
 *
 * What it cannot see: a recording resumed by someone else through Twilio's API directly (Twilio sends no
 * callback for a resume), and clocks further from Twilio's than CLOCK_SKEW_MARGIN_MS.
 */

/** A recording as Twilio lists it when the proof is checked. */
export interface ListedRecording {
  recordingSid: string;
  status: string;
  /** ISO 8601, second precision, as Twilio gives it. */
  startTime?: string;
  /** ISO 8601: when Twilio answered the list, on the reading instance's clock. An ended recording had ended by then. */
  listedAt: string;
}

/** A stretch [from, to) in ms since the epoch; `to` Infinity: open. */
export type Interval = [from: number, to: number];

const ENDED = ['stopped', 'completed', 'absent', 'failed'];
const ms = (iso: string) => Date.parse(iso);
/**
 * An instance's reading of a moment, on Twilio's clock: no earlier than `early`, no later than `late`.
 * Twilio's own times (a recording's start time) need neither.
 */
const early = (iso: string) => ms(iso) - CLOCK_SKEW_MARGIN_MS;
const late = (iso: string) => ms(iso) + CLOCK_SKEW_MARGIN_MS;
const sentOf = (e: EvidenceEntry) => e.sentAt ?? e.at;

/** A request that may have lifted a pause: in flight from `sent` until `end`. */
interface Lift {
  sent: number;
  end: number;
  /** The recording it may lift, or every recording (Twilio.CURRENT, All). */
  recordingSid: string | '*';
}

const isReadBack = (e: EvidenceEntry) =>
  e.source === 'read-back' || (e.source === 'control' && e.by === 'twilio' && e.action === 'checked');

/** Every lift in the log: intents with their outcome's time, and resumes logged before intents existed. */
function liftsOf(entries: EvidenceEntry[]): Lift[] {
  const outcomes = new Map(entries.filter((e) => e.control && e.source !== 'intent').map((e) => [e.control, e]));
  const lifts: Lift[] = [];
  for (const e of entries) {
    // A start lifts no pause: it adopts an active recording or makes a new one, known by its creation.
    if (e.source === 'intent' && e.action !== 'start') {
      const outcome = outcomes.get(e.control);
      const answered = outcome && outcome.status !== 'unknown';
      const target = e.recordingSid.startsWith('RE') ? e.recordingSid : '*';
      lifts.push({
        sent: early(sentOf(e)),
        end: answered ? late(outcome.at) : late(sentOf(e)) + LATEST_EFFECT_MS,
        recordingSid: target,
      });
    } else if (e.source === 'control' && !e.control && !isReadBack(e) && e.status === 'in-progress') {
      lifts.push({ sent: early(sentOf(e)), end: late(e.at), recordingSid: e.recordingSid });
    }
  }
  return lifts;
}

/**
 * Starts whose recording is unknown: without Twilio's list, a recording may have existed from their send
 * on, recording, that the evidence never names.
 */
function unknownStarts(entries: EvidenceEntry[]): number[] {
  const named = new Set(
    entries.filter((e) => e.control && e.source !== 'intent' && e.status !== 'unknown').map((e) => e.control),
  );
  return entries
    .filter((e) => e.source === 'intent' && e.action === 'start' && !named.has(e.control))
    .map((e) => early(sentOf(e)));
}

/** Sorts and joins overlapping or touching intervals. */
export function union(intervals: Interval[]): Interval[] {
  const sorted = intervals.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Interval[] = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export const intersect = (a: Interval[], b: Interval[]): Interval[] =>
  union(a.flatMap(([a0, a1]) => b.map(([b0, b1]) => [Math.max(a0, b0), Math.min(a1, b1)] as Interval)));

/** Why a pause the evidence logged counts for nothing. */
export type UncountedPause = 'lift-in-flight' | 'resumed-unseen';

/** Per recording: when it surely did not record, when it was surely paused, and the pauses not counted, with why. */
export interface RecordingProof {
  recordingSid: string;
  notRecording: Interval[];
  paused: Interval[];
  uncounted: Array<{ span: Interval; why: UncountedPause }>;
}

/** The proof for each recording the evidence or Twilio's list names. */
export function recordingProofs(entries: EvidenceEntry[], listed?: ListedRecording[]): RecordingProof[] {
  const lifts = liftsOf(entries);
  const intents = new Map(entries.filter((e) => e.source === 'intent').map((e) => [e.control, e]));
  const sids = new Set([
    ...entries.filter((e) => e.recordingSid.startsWith('RE')).map((e) => e.recordingSid),
    ...(listed ?? []).map((r) => r.recordingSid),
  ]);
  return [...sids].map((sid) => {
    const own = entries.filter((e) => e.recordingSid === sid);
    const liftsOfThis = lifts.filter((l) => l.recordingSid === sid || l.recordingSid === '*');
    const seenRecording = own.filter((e) => isReadBack(e) && e.status === 'in-progress');
    const paused: Interval[] = [];
    const uncounted: RecordingProof['uncounted'] = [];
    for (const o of own.filter((e) => e.status === 'paused' && (e.source === 'control' || isReadBack(e)))) {
      const [o0, o1] = [early(sentOf(o)), late(o.at)];
      const next = Math.min(...liftsOfThis.filter((l) => l.sent >= o1).map((l) => l.sent));
      // A lift in flight while the pause was sent may have been applied after it.
      if (liftsOfThis.some((l) => l.sent < o1 && l.end > o0))
        uncounted.push({ span: [o0, next], why: 'lift-in-flight' });
      // Twilio read back recording after the pause held and before anything logged could lift it: it was
      // resumed unseen (through Twilio's API directly), at a moment since the pause that no one knows.
      else if (seenRecording.some((r) => early(sentOf(r)) >= o1 && late(r.at) <= next))
        uncounted.push({ span: [o0, next], why: 'resumed-unseen' });
      else paused.push([o1, next]);
    }
    const twilio = listed?.find((r) => r.recordingSid === sid);
    const endings = own.filter((e) => ENDED.includes(e.status)).map((e) => late(e.at));
    if (twilio && ENDED.includes(twilio.status)) endings.push(late(twilio.listedAt));
    const ended = Math.min(...endings);
    const notRecording: Interval[] = [...paused];
    if (ended < Infinity) notRecording.push([ended, Infinity]);
    const created = createdAfter(own, intents, twilio);
    if (created > -Infinity) notRecording.push([-Infinity, created]);
    return { recordingSid: sid, notRecording: union(notRecording), paused: union(paused), uncounted };
  });
}

/** The earliest moment the recording may have existed: its start's intent, or Twilio's start time. */
function createdAfter(
  own: EvidenceEntry[],
  intents: Map<string | undefined, EvidenceEntry>,
  listed?: ListedRecording,
): number {
  const bounds: number[] = [];
  const startedBy = own.find((e) => e.control && e.source !== 'intent' && intents.get(e.control)?.action === 'start');
  if (startedBy) bounds.push(early(sentOf(intents.get(startedBy.control)!)));
  for (const time of [listed?.startTime, ...own.map((e) => e.startTime)]) if (time) bounds.push(ms(time));
  // The evidence's first word of it is a bound only together with one of those: before it, another
  // instance may have started it unseen.
  return bounds.length ? Math.min(...bounds, ...own.map((e) => early(sentOf(e)))) : -Infinity;
}

/**
 * The stretches proven unrecorded for the whole call or conference: every recording paused, ended or not
 * yet started throughout. Without `listed`, every start whose recording the evidence does not name ends them.
 */
export function quietStretches(
  entries: EvidenceEntry[],
  listed?: ListedRecording[],
  proofs = recordingProofs(entries, listed),
): Interval[] {
  let quiet: Interval[] = [[-Infinity, Infinity]];
  for (const p of proofs) quiet = intersect(quiet, p.notRecording);
  if (!listed) {
    const first = Math.min(...unknownStarts(entries));
    quiet = intersect(quiet, [[-Infinity, first]]);
  }
  return quiet;
}

/** The stretches proven unrecorded for the whole call or conference, with at least one recording paused throughout. */
export function provenPauses(entries: EvidenceEntry[], listed?: ListedRecording[]): Interval[] {
  const proofs = recordingProofs(entries, listed);
  if (proofs.length === 0) return [];
  return intersect(quietStretches(entries, listed, proofs), union(proofs.flatMap((p) => p.paused)));
}

/** Whether [from, to] lies inside one proven pause. */
export function proven(pauses: Interval[], from: number, to: number): boolean {
  return pauses.some(([a, b]) => a <= from && to <= b);
}
