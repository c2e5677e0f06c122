import { codeOf, ControlError, fromTwilioError, statusOf } from '../errors';
import {
  applyAnswer,
  isActive,
  isTombstoned,
  type Outcome,
  type RecordingDocument,
  type TwilioAnswer,
  type Window,
} from '../model/recording-document';
import type { PauseBehavior } from '../model/statuses';
import type { TargetStatus } from '../params';
import type { Snapshot } from '../sync/document-store';
import { appendEvidence, evidenceOf } from '../sync/evidence-log';
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

/** The recordings this control changes on Twilio, each with the window of Twilio's answer. */
async function updateOnTwilio(
  owner: Owner,
  options: SetStatusOptions,
  known: () => Promise<Snapshot>,
): Promise<{ done: TwilioAnswer[]; failure?: ControlError }> {
  const targets = options.all
    ? (await listOnTwilio(owner)).active.map((a) => a.recordingSid)
    : [options.recordingSid ?? CURRENT];
  if (targets.length === 0) throw await noRecordingError(owner);
  const settled = await Promise.allSettled(
    targets.map((sid) => timed(() => owner.update(sid, options.status, options.pauseBehavior))),
  );
  const done = settled.flatMap((s) =>
    s.status === 'fulfilled' ? [answerOf(s.value.value, s.value.window, options.pauseBehavior)] : [],
  );
  const failedAt = settled.findIndex((s) => s.status === 'rejected');
  const failure =
    failedAt < 0
      ? undefined
      : await refusal((settled[failedAt] as PromiseRejectedResult).reason, owner, targets[failedAt], known());
  return { done, failure };
}

/**
 * Pauses, resumes or stops recordings of a call or conference. Twilio decides which recording a
 * control without RecordingSid means (Twilio.CURRENT), and the Sync read runs beside the update: two
 * round trips in sequence. Sync is written only with what Twilio answered; where this control's
 * update overlapped another's, the recording is read from Twilio again until its order is known.
 */
export async function setRecordingStatus(deps: Deps, owner: Owner, options: SetStatusOptions) {
  // `known` is asked for only once the update has failed, after it is set.
  const updating = updateOnTwilio(owner, options, () => known);
  // Sent just after the update, the longer round trip, and beside it.
  const known = deps.store.read(owner.sid);
  known.catch(() => undefined); // a failed read is the write's to report
  const { done, failure } = await updating;
  let sync: SyncOutcome = { synced: true };
  let evidence = {};
  if (done.length > 0) {
    const action =
      options.status === 'paused' && options.pauseBehavior ? `paused (${options.pauseBehavior})` : options.status;
    [sync, evidence] = await Promise.all([
      settle(deps, owner, done, (doc) => done.reduce((d, a) => historyOf(deps, action, a.recordingSid)(d), doc), known),
      appendEvidence(
        deps.evidence,
        owner.sid,
        done.map((a) => evidenceOf(a, deps.caller, { action: options.status, pauseBehavior: options.pauseBehavior })),
      ),
    ]);
  }
  if (failure) throw failure;
  const recordings: RecordingResult[] = done.map((a) => ({ recordingSid: a.recordingSid, status: a.status }));
  return {
    [owner.key]: owner.sid,
    recordingSid: recordings[0].recordingSid,
    status: recordings[0].status,
    recordings,
    ...sync,
    ...evidence,
  };
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
      readBacks.push(
        appendEvidence(
          deps.evidence,
          owner.sid,
          pending.map((a) => evidenceOf(a, 'twilio', { action: 'checked' })),
        ),
      );
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
