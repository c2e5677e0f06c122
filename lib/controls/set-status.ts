import { randomUUID } from 'node:crypto';
import { codeOf, ControlError, evidenceUnavailable, fromTwilioError, statusOf } from '../errors';
import type { NewEvidence } from '../model/evidence';
import {
  applyAnswer,
  isActive,
  markUnsettled,
  isTombstoned,
  type Outcome,
  type RecordingDocument,
  type TwilioAnswer,
  type Window,
} from '../model/recording-state';
import type { PauseBehavior } from '../model/statuses';
import type { TargetStatus } from '../model/params';
import type { Snapshot } from '../sync/state-store';
import { appendEvidence, evidenceOf, failureOf, intentOf, readBackOf } from '../sync/evidence-log';
import { readForStop } from '../sync/start-claim';
import { SYNC_RESERVE_MS } from '../twilio/deadline';
import {
  answerOf,
  CURRENT,
  listOnTwilio,
  noRecordingError,
  timed,
  type Owner,
  type RecordingResult,
} from '../twilio/voice';
import { historyOf, writeDocument, type Deps, type SyncOutcome } from './deps';

export interface SetStatusOptions {
  status: TargetStatus;
  recordingSid?: string;
  pauseBehavior?: PauseBehavior;
  all: boolean;
  /** A person's reason, kept on the evidence of what Twilio did. */
  reason?: string;
}

/** How many times a control reads a recording again to settle concurrent controls before it answers. */
const MAX_SETTLES = 3;

/**
 * Turns Twilio's refusal of one update into the caller's answer, asking Sync and Twilio why only now
 * that it failed: the common path costs nothing extra.
 */
async function refusal(err: unknown, owner: Owner, target: string, known: Promise<Snapshot>): Promise<ControlError> {
  if (codeOf(err) === 16108) {
    const active = (await listOnTwilio(owner).catch(() => ({ active: [] }))).active.map((a) => a.recordingSid);
    return new ControlError(
      409,
      'SEVERAL_ACTIVE_RECORDINGS',
      `${owner.label} has ${active.length || 'several'} active recordings${active.length ? ` (${active.join(', ')})` : ''}: name one with RecordingSid, or pass All=true`,
      16108,
    );
  }
  const missing = statusOf(err) === 404 || codeOf(err) === 21220;
  // Twilio.CURRENT with no active recording: Twilio's answer is not documented (404 or 21220 are seen).
  if (target === CURRENT && missing) return noRecordingError(owner);
  if (target !== CURRENT && codeOf(err) === 21220) {
    const doc = (await known.catch(() => undefined))?.doc;
    const tracked = doc?.recordings[target];
    const endedInSync = (tracked && !isActive(tracked)) || (doc && isTombstoned(doc, target));
    const why = endedInSync ? undefined : await noRecordingError(owner);
    if (why && why.code !== 'NO_ACTIVE_RECORDING') return why;
    return new ControlError(
      409,
      'RECORDING_ENDED',
      `Recording ${target} has ended (${tracked?.status ?? 'stopped'}): it cannot be paused, resumed or stopped again; /recording/start starts a new one`,
      21220,
    );
  }
  return fromTwilioError(
    err,
    target === CURRENT ? `an active recording of ${owner.label}` : `recording ${target} of ${owner.label}`,
  );
}

/** What one target's update came to; `refused` and the rest carry Twilio's error. */
type Attempt =
  | { target: string; result: 'applied'; answer: TwilioAnswer }
  | { target: string; result: 'refused' | 'error' | 'unknown'; error: unknown; window: [number, number] };

/** Twilio answered and did nothing; answered 5xx and may have; or gave no answer and may still. */
function resultOf(err: unknown): 'refused' | 'error' | 'unknown' {
  const failure = fromTwilioError(err, 'the recording');
  if (failure.code === 'TWILIO_TIMEOUT' || failure.code === 'TWILIO_UNREACHABLE') return 'unknown';
  return (statusOf(err) ?? 0) >= 500 ? 'error' : 'refused';
}

/** The recordings this control changes on Twilio, each with the window of Twilio's answer. */
async function updateOnTwilio(owner: Owner, options: SetStatusOptions): Promise<Attempt[]> {
  const targets = options.all
    ? (await listOnTwilio(owner)).active.map((a) => a.recordingSid)
    : [options.recordingSid ?? CURRENT];
  if (targets.length === 0) throw await noRecordingError(owner);
  return Promise.all(
    targets.map(async (target): Promise<Attempt> => {
      const sent = Date.now();
      try {
        const { value, window } = await timed(() => owner.update(target, options.status, options.pauseBehavior));
        return { target, result: 'applied', answer: answerOf(value, window, options.pauseBehavior) };
      } catch (error) {
        return { target, result: resultOf(error), error, window: [sent, Date.now()] };
      }
    }),
  );
}

/** The least time a read-back of an unknown outcome is worth starting with: a Voice and a Sync round trip. */
const READ_BACK_FLOOR_MS = 1_000;

/**
 * After an answer that leaves the outcome open (5xx, none), Twilio is read again: what it says is
 * written and logged as a read-back, and where it shows what was asked, the control is answered as done.
 */
async function readBack(deps: Deps, owner: Owner, attempts: Attempt[]): Promise<TwilioAnswer[]> {
  const open = attempts.filter((a) => a.result === 'error' || a.result === 'unknown');
  if (open.length === 0 || deps.deadline.remaining() < SYNC_RESERVE_MS + READ_BACK_FLOOR_MS) return [];
  try {
    if (open.some((a) => a.target === CURRENT)) return (await listOnTwilio(owner)).all;
    return await Promise.all(
      open.map(async (a) => {
        const { value, window } = await timed(() => owner.fetch(a.target));
        return answerOf(value, window);
      }),
    );
  } catch {
    return []; // the outcome stays unknown, and says so
  }
}

/**
 * Pauses, resumes or stops recordings of a call or conference. Twilio decides which recording a
 * control without RecordingSid means (Twilio.CURRENT), and the Sync read runs beside the update: two
 * round trips in sequence. A resume may lift a pause, so it is first logged as an intent (model/proof):
 * one round trip more. Sync is written only with what Twilio answered or was read back as; where this
 * control's update overlapped another's, the recording is read from Twilio again until its order is
 * known. A change is sent again only after Twilio did nothing (429, 16114), and only while nothing that
 * may undo it was sent since (a pause is never retried over a later resume; a resume is never retried).
 */
export async function setRecordingStatus(deps: Deps, owner: Owner, options: SetStatusOptions) {
  const control = randomUUID();
  const lifts = options.status === 'in-progress';
  const target = options.all ? '*' : (options.recordingSid ?? CURRENT);
  if (lifts) await logIntent(deps, owner.sid, intentOf(control, options.status, target, deps.caller));
  const firstSent = Date.now();
  if (!lifts) deps.fence.guard = async () => !(await deps.evidence?.liftedSince(owner.sid, firstSent, control));
  const updating = updateOnTwilio(owner, options);
  // Sent just after the update, the longer round trip, and beside it.
  const known = deps.store.read(owner.sid);
  known.catch(() => undefined); // a failed read is the write's to report
  // A call's start claim, finished with the recording this stop may end, is cleared beside the writes.
  const claim =
    options.status === 'stopped' && owner.key === 'callSid'
      ? readForStop(deps.store.map(owner.sid), deps.deadline.at)
      : undefined;
  const attempts = await updating;
  const done = attempts.flatMap((a) => (a.result === 'applied' ? [a.answer] : []));
  const readBacks = await readBack(deps, owner, attempts);
  /** Twilio's answer, or the read-back that shows the target as asked (for Twilio.CURRENT, any recording). */
  const confirming = (a: Attempt) =>
    a.result === 'applied'
      ? a.answer
      : readBacks.find((r) => (a.target === CURRENT || r.recordingSid === a.target) && r.status === options.status);
  // Open: no answer (Twilio may still act), or a 5xx that no read-back settled (Twilio may have acted).
  const unknown = attempts.some(
    (a) => (a.result === 'unknown' || (a.result === 'error' && readBacks.length === 0)) && !confirming(a),
  );
  const action =
    options.status === 'paused' && options.pauseBehavior ? `paused (${options.pauseBehavior})` : options.status;
  const entries: NewEvidence[] = [
    ...done.map((a) =>
      evidenceOf(a, deps.caller, {
        action: options.status,
        pauseBehavior: options.pauseBehavior,
        control,
        ...(options.reason ? { reason: options.reason } : {}),
      }),
    ),
    ...attempts.flatMap((a) =>
      a.result === 'applied' ? [] : [failureOf(control, a.target, a.result, a.window, deps.caller, options.status)],
    ),
    ...readBacks.map(readBackOf),
  ];
  const answers = [...done, ...readBacks];
  const history = (doc: RecordingDocument) => done.reduce((d, a) => historyOf(deps, action, a.recordingSid)(d), doc);
  const since = new Date(firstSent).toISOString();
  const extra = unknown ? (doc: RecordingDocument) => markUnsettled(history(doc), options.status, since) : history;
  // A refused control is logged too: a resume's ends its intent, and an auditor sees every pause tried.
  const [sync, evidence] = await Promise.all([
    answers.length > 0 || unknown ? settle(deps, owner, answers, extra, known) : { synced: true as const },
    appendEvidence(deps.evidence, owner.sid, entries),
    claim?.clear(answers.filter((a) => !isActive(a)).map((a) => a.recordingSid)),
  ]);
  const failed = attempts.find((a) => !confirming(a));
  if (failed && failed.result !== 'applied') {
    throw await refusal(failed.error, owner, failed.target, known);
  }
  const recordings: RecordingResult[] = attempts.map((a) => {
    const { recordingSid, status } = confirming(a)!;
    return { recordingSid, status };
  });
  return {
    [owner.key]: owner.sid,
    recordingSid: recordings[0].recordingSid,
    status: recordings[0].status,
    recordings,
    ...sync,
    ...evidence,
  };
}

/** Logs an intent before its request is sent; without it in the log, the request is not sent. */
async function logIntent(deps: Deps, ownerSid: string, intent: NewEvidence): Promise<void> {
  if (!deps.evidence) return;
  try {
    await deps.evidence.append(ownerSid, [intent]);
  } catch (err) {
    const cause = fromTwilioError(err, `the evidence log of ${ownerSid}`);
    throw evidenceUnavailable(
      `${cause.message}: the ${intent.action} was not sent, so that no pause is claimed that it may have ended`,
    );
  }
}

/**
 * Writes Twilio's answers with `extra` (the history), then settles those whose order against another
 * control's is unknown: the recording is fetched again, after both answers, and that is written.
 */
async function settle(
  deps: Deps,
  owner: Owner,
  answers: TwilioAnswer[],
  extra: (doc: RecordingDocument) => RecordingDocument,
  known?: Promise<Snapshot>,
): Promise<SyncOutcome> {
  const readBacks: Array<Promise<unknown>> = [];
  try {
    return await settleRounds(deps, owner, answers, extra, known, readBacks);
  } finally {
    await Promise.all(readBacks);
  }
}

async function settleRounds(
  deps: Deps,
  owner: Owner,
  answers: TwilioAnswer[],
  extra: (doc: RecordingDocument) => RecordingDocument,
  known: Promise<Snapshot> | undefined,
  readBacks: Array<Promise<unknown>>,
): Promise<SyncOutcome> {
  let pending = answers;
  let more = extra;
  for (let round = 0; ; round++) {
    const outcomes = new Map<string, { outcome: Outcome; known?: Window }>();
    let refused: ControlError | undefined;
    const sync = await writeDocument(
      deps,
      owner.sid,
      (doc) => {
        refused = undefined;
        return pending.reduce((d, a) => {
          try {
            const applied = applyAnswer(d, a);
            outcomes.set(a.recordingSid, applied);
            return applied.doc;
          } catch (err) {
            // One recording the document cannot track must not keep the others out of it.
            refused = err as ControlError;
            return d;
          }
        }, more(doc));
      },
      round === 0 ? known : undefined,
    );
    if (sync.synced && refused) return { synced: false, syncError: { code: refused.code, message: refused.message } };
    const concurrent = pending.filter((a) => outcomes.get(a.recordingSid)?.outcome === 'concurrent');
    if (!sync.synced || concurrent.length === 0) return sync;
    if (round >= MAX_SETTLES) {
      return {
        synced: false,
        syncError: {
          code: 'SYNC_UNSETTLED',
          message: 'Concurrent controls kept changing the recording; its Sync status may be stale',
        },
      };
    }
    try {
      pending = await Promise.all(
        concurrent.map(async (a) => {
          const { value, window } = await timed(() => owner.fetch(a.recordingSid));
          return { ...answerOf(value, window), after: outcomes.get(a.recordingSid)?.known };
        }),
      );
      // What Twilio was read back as goes into the evidence too: it settles what the racing controls' entries leave open.
      readBacks.push(appendEvidence(deps.evidence, owner.sid, pending.map(readBackOf)));
    } catch (err) {
      const error = fromTwilioError(err, owner.label);
      return {
        synced: false,
        syncError: {
          code: error.code,
          message: `The recording's order against a concurrent control is unknown: ${error.message}`,
        },
      };
    }
    more = (doc) => doc;
  }
}
