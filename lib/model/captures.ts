import type { EvidenceEntry } from './evidence';
import { provenPauses, quietStretches, recordingProofs, type Interval, type ListedRecording } from './proof';
import { whyNotProven } from './segments';

/**
 * Card captures, from Twilio's own reports of them (a <Pay> statusCallback per stage, <Pay>'s result; a
 * Studio Capture Payments step), and each one's verdict by the one rule of proof (model/proof): was
 * every recording of the call paused, ended or not yet started throughout it? The evidence keeps a
 * capture's times, stages, result and SIDs only: never card data.
 */

/** The capture entries' recordingSid: they belong to the call, not to one of its recordings. */
export const CAPTURE = 'capture';

export interface Capture {
  /** The id of its first entry. */
  id: string;
  /** Who reported it: `twilio` for <Pay>'s callbacks, `studio:FW…/FN…` for a flow's step. */
  by: string;
  /** When its first stage was reported, and its result (or, without one, its last stage). */
  from: string;
  to: string;
  /** <Pay>'s Result (success, too-many-failed-attempts, caller-hung-up, …); absent while none was reported. */
  result?: string;
  /** The stages reported (`For`: payment-card-number, expiration-date, …), in order, with attempts. */
  stages: Array<{ for: string; attempt?: number; errorType?: string; at: string }>;
}

export type VerdictWord = 'inside-proven-pause' | 'not-recorded' | 'exception' | 'unknown';

export interface Verdict {
  verdict: VerdictWord;
  /** In words: what covered it, or what went wrong. */
  why: string;
}

/**
 * The captures in the log, in time order: stages open a capture, its result closes it; a result with
 * no stage before it is a capture of its own (a caller who hung up at once).
 */
export function capturesOf(entries: EvidenceEntry[]): Capture[] {
  const captures: Capture[] = [];
  let open: Capture | undefined;
  const ordered = entries.filter((e) => e.source === 'capture').sort((a, b) => a.at.localeCompare(b.at));
  for (const e of ordered) {
    if (!open) {
      open = { id: e.id, by: e.by, from: e.at, to: e.at, stages: [] };
      captures.push(open);
    }
    open.to = e.at;
    if (e.action === 'result') {
      open.result = e.status;
      open = undefined;
    } else {
      open.stages.push({
        for: e.action ?? 'stage',
        at: e.at,
        ...(e.attempt !== undefined ? { attempt: e.attempt } : {}),
        ...(e.errorType ? { errorType: e.errorType } : {}),
      });
    }
  }
  return captures;
}

const covers = (intervals: Interval[], [a, b]: Interval) => intervals.some(([x, y]) => x <= a && b <= y);

/**
 * A capture's verdict by the rule of proof, never a second rule: inside a proven pause; not recorded
 * (no recording recorded, none was paused: fine, and said); an exception, with why; or unknown where
 * Twilio's list of the call's recordings could not be read, or the capture has no result yet.
 */
export function verdictOf(capture: Capture, entries: EvidenceEntry[], listed?: ListedRecording[]): Verdict {
  if (!listed)
    return {
      verdict: 'unknown',
      why: "Twilio's list of the call's recordings could not be read: a recording made elsewhere cannot be ruled out",
    };
  const window: Interval = [Date.parse(capture.from), Date.parse(capture.to)];
  const noResult = capture.result === undefined ? '; no result was reported, so it was judged to its last stage' : '';
  const proofs = recordingProofs(entries, listed);
  if (covers(provenPauses(entries, listed), window))
    return { verdict: 'inside-proven-pause', why: `every recording was paused or not recording throughout${noResult}` };
  if (covers(quietStretches(entries, listed, proofs), window))
    return { verdict: 'not-recorded', why: `no recording of the call was recording, and none was paused${noResult}` };
  return { verdict: 'exception', why: whyNotProven(proofs, entries, listed, window) };
}

/** A Studio Capture Payments widget's run, as its execution's steps tell it (twilio/studio). */
export interface StudioStep {
  by: string;
  widget: string;
  entered: string;
  left?: string;
  event?: string;
}

/** Studio times its steps to the second, cut down: a step was made within the second it names. */
const SECOND = 1000;
const ms = (iso: string) => Date.parse(iso);
const isLift = (e: EvidenceEntry) => ['in-progress', 'stopped', 'start'].includes(e.action ?? '');

/**
 * Studio's captures, their times made exact by the order of one execution's widgets: the capture began
 * after its step in (within that second) and after the answer of every pause its flow made before it,
 * and ended before its step out's second was over and before its flow sent anything that may lift the
 * pause. Without a step out, it lasts until such a send, or `now`.
 */
export function studioCaptures(steps: StudioStep[], entries: EvidenceEntry[], now: number): Capture[] {
  return steps.map((step) => {
    const own = entries.filter((e) => e.by === step.by && (e.source === 'control' || e.source === 'intent'));
    const entered = ms(step.entered);
    const before = own.filter((e) => e.source === 'control' && !isLift(e) && ms(e.at) < entered + SECOND);
    const from = Math.max(entered, ...before.map((e) => ms(e.at)));
    const liftsAfter = own.filter((e) => isLift(e) && ms(e.sentAt ?? e.at) >= from).map((e) => ms(e.sentAt ?? e.at));
    const to = Math.max(from, Math.min(step.left ? ms(step.left) + SECOND : now, ...liftsAfter));
    return {
      id: `${step.by}/${step.widget}/${step.entered}`,
      by: step.by,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      ...(step.event ? { result: step.event } : {}),
      stages: [{ for: step.widget, at: step.entered }],
    };
  });
}

export type JudgedCapture = Capture & Verdict;

/** Every capture of the log, and of Studio's steps when given, with its verdict, in time order. */
export const judgedCaptures = (
  entries: EvidenceEntry[],
  listed?: ListedRecording[],
  studio: StudioStep[] = [],
  now = Date.now(),
): JudgedCapture[] =>
  [...capturesOf(entries), ...studioCaptures(studio, entries, now)]
    .sort((a, b) => a.from.localeCompare(b.from))
    .map((c) => ({ ...c, ...verdictOf(c, entries, listed) }));
