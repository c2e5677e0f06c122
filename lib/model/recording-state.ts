import { ControlError } from '../errors';
import { LATEST_EFFECT_MS, type PauseBehavior, type RecordingStatus } from './statuses';

/**
 * The Sync document of one call or conference, and the pure rules for merging into it what the
 * toolkit learns, in whatever order it arrives from however many Function instances.
 */

/**
 * When one of Twilio's answers was true: the local times (ms) its request was sent and answered, and
 * which instance's clock read them. Twilio made the change, or read the state, at some instant between.
 */
export type Window = [sent: number, answered: number, clock?: string];

export interface TrackedRecording {
  status: RecordingStatus;
  /** The window of the Twilio answer that set `status`; absent when only a callback told it. */
  ev?: Window;
  pauseBehavior?: PauseBehavior;
  /** ISO time each status was last entered. This and the fields below are shed first when the document grows. */
  at?: Partial<Record<RecordingStatus, string>>;
  channels?: number;
  source?: string;
  track?: string;
  startTime?: string;
  duration?: number;
  url?: string;
}

export type RecordingDetails = Pick<
  TrackedRecording,
  'channels' | 'source' | 'track' | 'startTime' | 'duration' | 'url'
>;

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
  /**
   * Finished recordings dropped to keep the document small, so that a late callback cannot bring one
   * back: the first 12 hexadecimal digits of each SID, space separated, oldest first.
   */
  ended?: string;
  /** Some tombstones were forgotten: a recording the document does not know may be one of them. */
  forgot?: true;
  history: ControlAction[];
  /**
   * A control's outcome is unknown since then (Twilio gave no answer): the statuses above may be stale
   * until Twilio's list of the recordings is read again (controls/describe settles it).
   */
  unsettled?: { asked: string; since: string };
}

export const ACTIVE: readonly RecordingStatus[] = ['in-progress', 'paused'];
/** Once here a recording never changes status again; `stopped` may still become one of these. */
const FINAL: readonly RecordingStatus[] = ['completed', 'absent', 'failed'];
export const isActive = (r: TrackedRecording) => ACTIVE.includes(r.status);

export const HISTORY_LIMIT = 10;
/** Active recordings one document tracks; more are refused (TOO_MANY_RECORDINGS) rather than outgrowing Sync. */
export const MAX_ACTIVE_RECORDINGS = 40;
/** Ended recordings remembered; older ones are `forgot`, and a late callback for one is checked with Twilio. */
export const TOMBSTONE_LIMIT = 50;
/**
 * Sync refuses Data over 16 KiB (54006) and slows writes as they grow past 1 KiB, to 2/s from 10 KiB:
 * the state stays below that, whatever the call's length.
 */
export const SIZE_BUDGET_BYTES = 9 * 1024;
/** Finished recordings kept with their details; older ones become tombstones at once, keeping the state small. */
export const FINISHED_KEPT = 2;
/**
 * How far apart the clocks of two Function instances may be. Two answers whose windows are closer
 * than this are taken as concurrent: their order on Twilio is unknown.
 */
export const CLOCK_SKEW_MARGIN_MS = 50;

export const emptyDocument = (sid: string): RecordingDocument => ({ sid, recordings: {}, history: [] });

/** Twilio's recording statuses as the document keeps them: `processing` is a stopped recording not yet completed. */
export function fromTwilioStatus(status: string): RecordingStatus {
  if (status === 'processing') return 'stopped';
  if (status === 'deleted') return 'completed';
  return status as RecordingStatus;
}

const tombstone = (sid: string) => sid.slice(2, 14);
export const isTombstoned = (doc: RecordingDocument, sid: string) =>
  ` ${doc.ended ?? ''} `.includes(` ${tombstone(sid)} `);

/** What Twilio answered one of our requests: an update, a create, a fetch or a list. */
export interface TwilioAnswer {
  recordingSid: string;
  status: RecordingStatus;
  window: Window;
  pauseBehavior?: PauseBehavior;
  details?: RecordingDetails;
  /** A read of the recording sent after the answer with this window was stored: it is later, whatever the clocks say. */
  after?: Window;
}

/** What a recording status callback says. It carries no window: only its final statuses are news. */
export interface CallbackReport {
  recordingSid: string;
  status: RecordingStatus;
  at: number;
  details?: RecordingDetails;
}

/**
 * What became of an answer: `taken`; `older` (Twilio made a later change, already known); `concurrent`
 * (its request overlapped the one that set the known status, so which came last on Twilio is unknown:
 * the writer must read the recording from Twilio and merge that); `final` or `ended` (nothing changes
 * a finished recording).
 */
export type Outcome = 'taken' | 'older' | 'concurrent' | 'final' | 'ended';

/** Whether `a` ended before `b` began; read on two instances' clocks, only with the margin between them. */
const before = (a: Window, b: Window, margin: number) =>
  a[1] + (a[2] !== undefined && a[2] === b[2] ? 0 : margin) < b[0];
const defined = <T extends object>(o: T | undefined) =>
  Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;

function put(doc: RecordingDocument, sid: string, next: TrackedRecording): RecordingDocument {
  const adding = !doc.recordings[sid] && isActive(next);
  if (adding && Object.values(doc.recordings).filter(isActive).length >= MAX_ACTIVE_RECORDINGS) {
    throw new ControlError(
      409,
      'TOO_MANY_RECORDINGS',
      `${doc.sid} already has ${MAX_ACTIVE_RECORDINGS} active recordings in its Sync document; ${sid} is not tracked`,
    );
  }
  return { ...doc, recordings: { ...doc.recordings, [sid]: next } };
}

function entered(current: TrackedRecording | undefined, status: RecordingStatus, time: number): TrackedRecording['at'] {
  return current?.status === status && current.at
    ? current.at
    : { ...current?.at, [status]: new Date(time).toISOString() };
}

/**
 * Merges one of Twilio's answers. Statuses that end a recording always win (a stop is never undone);
 * between pauses and resumes, the answer whose request came later wins, and two overlapping requests
 * are settled by asking Twilio again (see Outcome). The clocks compared are those of the instances
 * that sent the requests, so CLOCK_SKEW_MARGIN_MS widens every window.
 */
export function applyAnswer(
  doc: RecordingDocument,
  answer: TwilioAnswer,
  marginMs = CLOCK_SKEW_MARGIN_MS,
): { doc: RecordingDocument; outcome: Outcome; known?: Window } {
  const sid = answer.recordingSid;
  if (isTombstoned(doc, sid)) return { doc, outcome: 'ended' };
  const current = doc.recordings[sid];
  const details = defined(answer.details);
  const take = (ev: Window): { doc: RecordingDocument; outcome: Outcome } => {
    const pauseBehavior =
      answer.status === 'paused' ? (answer.pauseBehavior ?? current?.pauseBehavior) : current?.pauseBehavior;
    const next: TrackedRecording = {
      ...current,
      ...details,
      status: answer.status,
      ev,
      at: entered(current, answer.status, answer.window[1]),
    };
    if (pauseBehavior) next.pauseBehavior = pauseBehavior;
    return { doc: put(doc, sid, next), outcome: 'taken' };
  };
  const fill = (outcome: Outcome) =>
    current ? { doc: put(doc, sid, { ...details, ...current }), outcome } : { doc, outcome };

  if (!current) return take(answer.window);
  if (FINAL.includes(current.status)) {
    // A stop answered after the callback that completed it: the status stays, the time of the stop is kept.
    const late = answer.status === 'stopped' && !current.at?.stopped;
    return late
      ? {
          doc: put(doc, sid, {
            ...details,
            ...current,
            at: { ...current.at, stopped: new Date(answer.window[1]).toISOString() },
          }),
          outcome: 'final',
        }
      : fill('final');
  }
  if (FINAL.includes(answer.status) || (answer.status === 'stopped' && current.status !== 'stopped'))
    return take(answer.window);
  if (current.status === 'stopped') return fill('final');
  const readAfter =
    answer.after && current.ev && current.ev[0] === answer.after[0] && current.ev[1] === answer.after[1];
  if (!current.ev || readAfter || before(current.ev, answer.window, marginMs)) return take(answer.window);
  if (before(answer.window, current.ev, marginMs)) return fill('older');
  const sameState =
    current.status === answer.status &&
    (answer.status !== 'paused' || !answer.pauseBehavior || answer.pauseBehavior === current.pauseBehavior);
  // Both orders end in the same state: keep it, with a window covering both, so later answers are still ordered safely.
  if (sameState) {
    const clock = current.ev[2] === answer.window[2] ? current.ev[2] : undefined;
    const [sent, answered] = [Math.min(current.ev[0], answer.window[0]), Math.max(current.ev[1], answer.window[1])];
    return take(clock === undefined ? [sent, answered] : [sent, answered, clock]);
  }
  return { ...fill('concurrent'), known: current.ev };
}

/**
 * Merges a recording status callback. Twilio sends `in-progress` when a recording starts and a final
 * status when it ends: a late `in-progress` only fills in details and never undoes a pause.
 */
export function applyCallback(doc: RecordingDocument, report: CallbackReport): RecordingDocument {
  const sid = report.recordingSid;
  if (isTombstoned(doc, sid)) return doc;
  const current = doc.recordings[sid];
  const details = defined(report.details);
  const ends = FINAL.includes(report.status) || report.status === 'stopped';
  if (
    !current ||
    (ends && !FINAL.includes(current.status) && !(current.status === 'stopped' && report.status === 'stopped'))
  ) {
    const next: TrackedRecording = {
      ...current,
      ...details,
      status: report.status,
      at: entered(current, report.status, report.at),
    };
    return put(doc, sid, next);
  }
  // What a superseded report knows only fills gaps: a late `in-progress` must not zero a final duration.
  return put(doc, sid, { ...details, ...current });
}

/** Marks the document as not knowing the outcome of a control sent at `since` (ISO). */
export function markUnsettled(doc: RecordingDocument, asked: string, since: string): RecordingDocument {
  const earliest = doc.unsettled && doc.unsettled.since < since ? doc.unsettled : { asked, since };
  return { ...doc, unsettled: earliest };
}

/**
 * Twilio's list read in `window` settles an unknown outcome once that outcome can no longer take effect
 * (LATEST_EFFECT_MS after it was sent); before then each read is true only for its moment.
 */
export function settleUnsettled(doc: RecordingDocument, window: Window): RecordingDocument {
  if (!doc.unsettled || Date.parse(doc.unsettled.since) + LATEST_EFFECT_MS >= window[0]) return doc;
  const { unsettled: _unsettled, ...rest } = doc;
  return rest;
}

/** Whether `sid` may be a recording this document dropped and forgot: only Twilio can say. */
export const mayBeForgotten = (doc: RecordingDocument, sid: string) =>
  Boolean(doc.forgot) && !doc.recordings[sid] && !isTombstoned(doc, sid);

export function addHistory(doc: RecordingDocument, action: ControlAction): RecordingDocument {
  return { ...doc, history: [...doc.history, action].slice(-HISTORY_LIMIT) };
}

const size = (doc: RecordingDocument) => Buffer.byteLength(JSON.stringify(doc));
const lastChange = (r: TrackedRecording) =>
  Math.max(r.ev?.[1] ?? 0, ...Object.values(r.at ?? {}).map((t) => Date.parse(t as string)));

/**
 * Keeps the document inside SIZE_BUDGET_BYTES: finished recordings beyond FINISHED_KEPT, and then the
 * oldest others, become tombstones first, then active recordings lose their details (never their status and window), then the history
 * shortens. Tombstones beyond TOMBSTONE_LIMIT are forgotten, oldest first.
 */
export function compact(doc: RecordingDocument): RecordingDocument {
  let result: RecordingDocument = { ...doc, recordings: { ...doc.recordings } };
  const byAge = (pick: (r: TrackedRecording) => boolean) =>
    Object.entries(result.recordings)
      .filter(([, r]) => pick(r))
      .sort(([, a], [, b]) => lastChange(a) - lastChange(b))
      .map(([sid]) => sid);

  const finished = byAge((r) => !isActive(r));
  while ((finished.length > FINISHED_KEPT || size(result) > SIZE_BUDGET_BYTES) && finished.length > 0) {
    const sid = finished.shift()!;
    delete result.recordings[sid];
    result.ended = result.ended ? `${result.ended} ${tombstone(sid)}` : tombstone(sid);
  }
  const active = byAge(isActive);
  while (size(result) > SIZE_BUDGET_BYTES && active.length > 0) {
    const sid = active.shift()!;
    const { status, ev, pauseBehavior } = result.recordings[sid];
    result.recordings[sid] = { status, ...(ev ? { ev } : {}), ...(pauseBehavior ? { pauseBehavior } : {}) };
  }
  const stones = result.ended?.split(' ') ?? [];
  if (stones.length > TOMBSTONE_LIMIT)
    result = { ...result, ended: stones.slice(-TOMBSTONE_LIMIT).join(' '), forgot: true };
  while (size(result) > SIZE_BUDGET_BYTES && result.history.length > 0)
    result = { ...result, history: result.history.slice(1) };
  return result;
}
