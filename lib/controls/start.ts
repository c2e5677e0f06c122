import { randomUUID } from 'node:crypto';
import { ControlError, evidenceUnavailable, fromTwilioError, statusOf } from '../errors';
import { applyAnswer, settleUnsettled, type RecordingDocument, type TwilioAnswer } from '../model/recording-state';
import type { Snapshot } from '../sync/state-store';
import { appendEvidence, evidenceOf, failureOf, intentOf } from '../sync/evidence-log';
import { StartClaim, type ClaimState } from '../sync/start-claim';
import { sleep, SYNC_RESERVE_MS } from '../twilio/deadline';
import { answerOf, callOwner, listOnTwilio, timed, type Owner } from '../twilio/voice';
import { historyOf, writeDocument, type Deps, type SyncOutcome } from './deps';

export interface StartOptions {
  callSid: string;
  recordingChannels: 'mono' | 'dual';
  recordingTrack: 'inbound' | 'outbound' | 'both';
  trim: 'trim-silence' | 'do-not-trim';
  recordingStatusCallback: string;
}

/** How often a start waiting for another one's claim looks at the call's recordings again. */
const POLL_MS = 150;

const ambiguous = (err: unknown) => {
  const status = statusOf(err);
  return status === undefined || status >= 500;
};

/** Every recording Twilio listed goes into the document: a start also repairs what Sync missed. */
const reconcile = (listed: TwilioAnswer[]) => (doc: RecordingDocument) => {
  const merged = listed.reduce((d, a) => applyAnswer(d, a).doc, doc);
  // Twilio's whole list also settles an outcome the document did not know (model/recording-state).
  return listed.length > 0 ? settleUnsettled(merged, listed[0].window) : merged;
};

/**
 * Starts recording a call, or returns the recording it already has, so that a flow's retry, a
 * double-fired widget or starts arriving at once in any number of Function instances never leave two
 * recordings where one was asked for. The call's recordings, its Sync document and a claim on starting
 * it (sync/start-claim) are asked for side by side; only the claim's holder creates, and the others wait
 * for its recording to appear on Twilio: three round trips in sequence for a new recording.
 */
export async function startCallRecording(deps: Deps, options: StartOptions) {
  const owner = callOwner(deps.client, options.callSid);
  // A holder must have sent its create, and heard back, before its claim can pass to another start.
  const map = deps.store.map(options.callSid);
  const claim = new StartClaim(map, deps.deadline.before(SYNC_RESERVE_MS).at);
  let known: Promise<Snapshot> | undefined;
  // A new recording ends any proof of a pause (model/proof): the start is logged before it is sent.
  const start: Start = { control: randomUUID(), intent: Promise.resolve() };
  for (let first = true; ; first = false) {
    // The list, the longest round trip, goes out first; the rest beside it, one turn of the event loop
    // later: requests' promise chains run together, so the list would be written only once the Sync
    // requests were built too (a millisecond or so of the twilio library's work). Sync's trips are shorter.
    const listSent = Date.now();
    const listing = listOnTwilio(owner);
    listing.catch(() => undefined); // awaited below, with the claim
    await written();
    // The call's Map (sync/call-map: its claim, state and evidence) is created first (409 when it
    // exists); its claim and the start's intent go out just after, beside it and the list (call-map's create).
    if (first) map.ensure().catch(() => undefined); // the claim's creation reports a failure
    const claiming = claim.acquire();
    if (first) {
      known = deps.store.read(owner.sid);
      known.catch(() => undefined);
      if (deps.evidence) {
        start.intent = deps.evidence.append(owner.sid, [intentOf(start.control, 'start', '*', deps.caller)]);
        start.intent.catch(() => undefined); // a create waits for it, and says why it failed
      }
    }
    let [state, listed] = await Promise.all([claiming, listing]);
    // The list went out beside the claim, so it may predate the recording the claim's last holder made.
    const finished = !state.held && state.by === 'finished' ? state : undefined;
    const missed = state.held
      ? state.expired
      : finished && !listed.all.some((a) => a.recordingSid === finished.recordingSid);
    if (missed) listed = await listOnTwilio(owner);
    if (finished && listed.active.length === 0) state = await claim.takeOver(finished.revision);
    const [active] = listed.active;
    if (active) {
      return adopt(deps, owner, start, active, listed.all, first ? known : undefined, state.held ? claim : undefined);
    }
    if (state.held) return create(deps, owner, options, claim, start, listed.all, first ? known : undefined);
    const adopted = await waitForHolder(owner, state, claim.until, Date.now() - listSent);
    // The holder writes its recording to Sync too; this answer says synced only for its own write.
    if (adopted) return adopt(deps, owner, start, adopted, [adopted], first ? known : undefined);
  }
}

/**
 * Resolves once the Twilio requests started so far are written: their promise chains, and the socket
 * writes they end in, run before the next turn of the event loop (setImmediate).
 */
const written = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A start's identity in the evidence, and its intent there, logged before any create is sent. */
interface Start {
  control: string;
  intent: Promise<void>;
}

/** Returns the call's active recording instead of starting another, with Sync and the evidence told. */
async function adopt(
  deps: Deps,
  owner: Owner,
  start: Start,
  active: TwilioAnswer,
  listed: TwilioAnswer[],
  known?: Promise<Snapshot>,
  claim?: StartClaim,
) {
  const action = 'start (already recording)';
  const [sync, , evidence] = await Promise.all([
    writeDocument(
      deps,
      owner.sid,
      (doc) => historyOf(deps, action, active.recordingSid)(reconcile(listed)(doc)),
      known,
    ),
    claim?.finish(active.recordingSid),
    appendEvidence(deps.evidence, owner.sid, [evidenceOf(active, deps.caller, { action, control: start.control })]),
  ]);
  return answer(owner, active, false, { ...sync, ...evidence });
}

/**
 * While another start holds the claim, its recording is what this start returns: the holder writes it
 * to Sync. Gives up when this start's own time runs out, with an answer that says to ask again; a look
 * at the list is sent only while one as slow as the last (`listMs`) would still be answered in time.
 */
async function waitForHolder(
  owner: Owner,
  state: ClaimState,
  until: number,
  listMs: number,
): Promise<TwilioAnswer | undefined> {
  if (state.held || state.by === 'finished') return undefined;
  if (state.by === 'nobody') {
    await sleep(POLL_MS * Math.random()); // released or taken over just now: look again, not all at once
    return undefined;
  }
  while (Date.now() < state.until) {
    if (Date.now() + POLL_MS + listMs >= until) {
      throw new ControlError(
        503,
        'START_IN_PROGRESS',
        `Another start of ${owner.label} is still under way; ask again to get its recording`,
      );
    }
    await sleep(POLL_MS * (0.5 + Math.random()));
    const sent = Date.now();
    const { active } = await listOnTwilio(owner);
    listMs = Date.now() - sent;
    if (active.length > 0) return active[0];
  }
  return undefined; // the holder's time ran out: take the claim over
}

async function create(
  deps: Deps,
  owner: Owner,
  options: StartOptions,
  claim: StartClaim,
  start: Start,
  listed: TwilioAnswer[],
  known?: Promise<Snapshot>,
) {
  let recording: TwilioAnswer | undefined;
  let created = false;
  let mayExist = false;
  const firstSent = Date.now();
  try {
    await start.intent.catch((err) => {
      const cause = fromTwilioError(err, `the evidence log of ${owner.sid}`);
      throw evidenceUnavailable(`${cause.message}: no recording was started, so that no pause is claimed over it`);
    });
    for (let attempt = 1; !recording; attempt++) {
      try {
        const { value, window } = await timed(() =>
          deps.client.calls(options.callSid).recordings.create({
            recordingChannels: options.recordingChannels,
            recordingTrack: options.recordingTrack,
            trim: options.trim,
            recordingStatusCallback: options.recordingStatusCallback,
            recordingStatusCallbackEvent: ['in-progress', 'completed', 'absent'],
            recordingStatusCallbackMethod: 'POST',
          }),
        );
        recording = answerOf(value, window);
        created = true;
      } catch (err) {
        // After a 5xx or a lost answer the recording may exist: look again before creating again.
        mayExist ||= ambiguous(err);
        if (!ambiguous(err) || attempt >= 3) throw fromTwilioError(err, owner.label, 'start');
        recording = (await listOnTwilio(owner)).active[0];
      }
    }
  } catch (err) {
    // Released before answering (a deployed Function may be frozen once it has answered), unless a
    // recording may exist after all: then the claim expires, and the next start lists again.
    const result = mayExist ? 'unknown' : 'refused';
    await Promise.all([
      mayExist ? undefined : claim.release(),
      appendEvidence(deps.evidence, owner.sid, [
        failureOf(start.control, '*', result, [firstSent, Date.now()], deps.caller, 'start'),
      ]),
    ]);
    throw err;
  }
  const started = recording;
  const action = created ? 'start' : 'start (already recording)';
  // The last round's requests go out each as soon as it is built, not all once the last is: Twilio works
  // on the first while the next is built.
  const finished = claim.finish(started.recordingSid);
  await written();
  const logged = appendEvidence(deps.evidence, owner.sid, [
    evidenceOf(started, deps.caller, { action, control: start.control }),
  ]);
  await written();
  const [sync, , evidence] = await Promise.all([
    writeDocument(
      deps,
      owner.sid,
      (doc) => historyOf(deps, action, started.recordingSid)(applyAnswer(reconcile(listed)(doc), started).doc),
      known,
    ),
    finished,
    logged,
  ]);
  return answer(owner, started, created, { ...sync, ...evidence });
}

function answer(
  owner: Owner,
  recording: TwilioAnswer,
  created: boolean,
  sync: SyncOutcome & { evidenceLogged?: false },
) {
  const { recordingSid, status } = recording;
  return { callSid: owner.sid, recordingSid, status, created, recordings: [{ recordingSid, status }], ...sync };
}
