import type twilio from 'twilio';
import { ControlError, fromTwilioError } from './errors';
import { appendEvidence, type EvidenceLog } from './evidence-log';
import type { PauseBehavior, TargetStatus } from './params';
import {
  ACTIVE,
  addHistory,
  applyEvent,
  isActive,
  type RecordingDocument,
  type RecordingEvent,
  type RecordingStatus,
  type RecordingStore,
} from './recording-store';

/** What every control needs: Twilio, the Sync store, the time, and who is asking (for the history). */
export interface Deps {
  client: twilio.Twilio;
  store: RecordingStore;
  now(): number;
  caller: string;
  /** The call's evidence log (lib/evidence-log), appended beside each Sync write. */
  evidence?: EvidenceLog;
}

/** The fields of a recording resource that the toolkit keeps, as the twilio library returns them. */
interface TwilioRecording {
  sid: string;
  status: string;
  channels?: number;
  source?: string;
  track?: string;
  startTime?: Date | null;
}

export interface RecordingResult {
  recordingSid: string;
  status: string;
}

const CURRENT = 'Twilio.CURRENT';

/** A call or a conference: the two differ only in where their recordings live on Twilio. */
interface Owner {
  sid: string;
  label: string;
  key: 'callSid' | 'conferenceSid';
  list(): Promise<TwilioRecording[]>;
  update(recordingSid: string, status: TargetStatus, pauseBehavior?: PauseBehavior): Promise<TwilioRecording>;
}

export function callOwner(client: twilio.Twilio, callSid: string): Owner {
  return {
    sid: callSid,
    label: `call ${callSid}`,
    key: 'callSid',
    list: () => client.calls(callSid).recordings.list(),
    update: (sid, status, pauseBehavior) => client.calls(callSid).recordings(sid).update({ status, pauseBehavior }),
  };
}

export function conferenceOwner(client: twilio.Twilio, conferenceSid: string): Owner {
  return {
    sid: conferenceSid,
    label: `conference ${conferenceSid}`,
    key: 'conferenceSid',
    list: () => client.conferences(conferenceSid).recordings.list(),
    // Twilio's conference recordings take paused and in-progress only; the Function refuses stopped first.
    update: (sid, status, pauseBehavior) =>
      client.conferences(conferenceSid).recordings(sid).update({ status: status as 'paused' | 'in-progress', pauseBehavior }),
  };
}

const controlEvent = (r: TwilioRecording, seen: number): RecordingEvent => ({
  recordingSid: r.sid,
  status: r.status as RecordingStatus,
  origin: 'control',
  seen,
  details: {
    channels: r.channels,
    source: r.source,
    track: r.track,
    startTime: r.startTime ? r.startTime.toISOString() : undefined,
  },
});

/** The recordings Twilio lists as active (in progress or paused) for this call or conference. */
async function activeOnTwilio(owner: Owner): Promise<TwilioRecording[]> {
  const listed = await owner.list().catch((err) => {
    throw fromTwilioError(err, owner.label);
  });
  return listed.filter((r) => ACTIVE.includes(r.status as RecordingStatus));
}

const ambiguous = (err: unknown) => {
  const status = (err as { status?: number }).status;
  return status === undefined || status >= 500;
};

export interface StartOptions {
  callSid: string;
  recordingChannels: 'mono' | 'dual';
  recordingTrack: 'inbound' | 'outbound' | 'both';
  trim: 'trim-silence' | 'do-not-trim';
  recordingStatusCallback: string;
}

/** The start of each call under way in this process: a second start of the same call waits for it. */
const startsUnderWay = new Map<string, Promise<unknown>>();

/**
 * Starts recording a call, or returns the recording it already has: a flow's retry, ours after a
 * failure that may have created one, or a second start arriving at once must never leave two
 * recordings where one was asked for. Starts of one call in this process run one after the other, so
 * the later one finds the earlier one's recording.
 */
export function startCallRecording(deps: Deps, options: StartOptions): ReturnType<typeof startOnce> {
  const previous = startsUnderWay.get(options.callSid) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => startOnce(deps, options));
  startsUnderWay.set(options.callSid, run);
  run
    .catch(() => undefined)
    .finally(() => {
      if (startsUnderWay.get(options.callSid) === run) startsUnderWay.delete(options.callSid);
    });
  return run;
}

async function startOnce(deps: Deps, options: StartOptions) {
  const owner = callOwner(deps.client, options.callSid);
  let recording: TwilioRecording | undefined;
  let created = false;
  for (let attempt = 1; !recording; attempt++) {
    recording = (await activeOnTwilio(owner))[0];
    if (recording) break;
    try {
      recording = await deps.client.calls(options.callSid).recordings.create({
        recordingChannels: options.recordingChannels,
        recordingTrack: options.recordingTrack,
        trim: options.trim,
        recordingStatusCallback: options.recordingStatusCallback,
        recordingStatusCallbackEvent: ['in-progress', 'completed', 'absent'],
        recordingStatusCallbackMethod: 'POST',
      });
      created = true;
    } catch (err) {
      // After a 5xx or a lost answer the recording may exist: look again before creating again.
      if (!ambiguous(err) || attempt >= 3) throw fromTwilioError(err, owner.label);
    }
  }
  const seen = deps.now();
  const started = recording;
  const action = created ? 'start' : 'start (already recording)';
  const [, evidence] = await Promise.all([
    deps.store.update(owner.sid, (doc) =>
      addHistory(applyEvent(doc, controlEvent(started, seen)), {
        at: new Date(seen).toISOString(),
        action,
        recordingSid: started.sid,
        by: deps.caller,
      }),
    ),
    appendEvidence(deps.evidence, owner.sid, created ? [{ at: new Date(seen).toISOString(), recordingSid: started.sid, status: started.status, action, by: deps.caller, source: 'control' }] : []),
  ]);
  return { callSid: owner.sid, recordingSid: started.sid, status: started.status, created, recordings: [{ recordingSid: started.sid, status: started.status }], ...evidence };
}

export interface SetStatusOptions {
  status: TargetStatus;
  recordingSid?: string;
  pauseBehavior?: PauseBehavior;
  all: boolean;
}

/**
 * Which recordings a control means. With a SID, that one (refused at once if Sync knows it ended).
 * With All=true, every recording Twilio lists as active: "pause everything" must not miss one that
 * Sync never heard of. Otherwise the one active recording Sync knows, or, when it knows none,
 * Twilio.CURRENT, which Twilio resolves in the same single request.
 */
async function resolveTargets(owner: Owner, doc: RecordingDocument, options: SetStatusOptions): Promise<string[]> {
  if (options.recordingSid) {
    const known = doc.recordings[options.recordingSid];
    if (known && !isActive(known)) {
      throw new ControlError(
        409,
        'RECORDING_ENDED',
        `Recording ${options.recordingSid} is ${known.status}: it cannot be paused or resumed. Start a new one with /recording/start.`,
      );
    }
    return [options.recordingSid];
  }
  if (options.all) {
    const active = (await activeOnTwilio(owner)).map((r) => r.sid);
    if (active.length === 0) throw new ControlError(409, 'NO_ACTIVE_RECORDING', `${owner.label} has no active recording`);
    return active;
  }
  const active = Object.keys(doc.recordings).filter((sid) => isActive(doc.recordings[sid]));
  if (active.length > 1) {
    throw new ControlError(
      409,
      'SEVERAL_ACTIVE_RECORDINGS',
      `${owner.label} has ${active.length} active recordings (${active.join(', ')}): name one with RecordingSid, or pass All=true`,
    );
  }
  return active.length === 1 ? active : [CURRENT];
}

/**
 * Pauses, resumes or stops recordings of a call or conference. Sync is written only with what Twilio
 * confirmed, after it confirmed it.
 */
export async function setRecordingStatus(deps: Deps, owner: Owner, options: SetStatusOptions) {
  const known = await deps.store.read(owner.sid);
  const targets = await resolveTargets(owner, known.doc, options);
  const settled = await Promise.allSettled(targets.map((sid) => owner.update(sid, options.status, options.pauseBehavior)));
  const done = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const seen = deps.now();
  let evidence = {};
  if (done.length > 0) {
    const logged = appendEvidence(
      deps.evidence,
      owner.sid,
      done.map((r) => ({ at: new Date(seen).toISOString(), recordingSid: r.sid, status: r.status, action: options.status, pauseBehavior: options.pauseBehavior, by: deps.caller, source: 'control' as const })),
    );
    await deps.store.update(
      owner.sid,
      (doc) =>
        done.reduce(
          (acc, r) =>
            addHistory(applyEvent(acc, { ...controlEvent(r, seen), details: { pauseBehavior: options.pauseBehavior } }), {
              at: new Date(seen).toISOString(),
              action: options.status === 'paused' && options.pauseBehavior ? `paused (${options.pauseBehavior})` : options.status,
              recordingSid: r.sid,
              by: deps.caller,
            }),
          doc,
        ),
      known,
    );
    evidence = await logged;
  }
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    const subject = targets.length === 1 && targets[0] !== CURRENT ? `recording ${targets[0]} of ${owner.label}` : `an active recording of ${owner.label}`;
    throw fromTwilioError(failed.reason, subject);
  }
  const recordings: RecordingResult[] = done.map((r) => ({ recordingSid: r.sid, status: r.status }));
  return { [owner.key]: owner.sid, recordingSid: recordings[0].recordingSid, status: recordings[0].status, recordings, ...evidence };
}

export interface StatusCallback {
  callSid?: string;
  conferenceSid?: string;
  recordingSid: string;
  status: RecordingStatus;
  duration?: number;
  channels?: number;
  source?: string;
  track?: string;
  startTime?: string;
  url?: string;
}

/** Keeps the Sync document true to what Twilio reports, whatever order the callbacks come in. */
export async function recordStatusCallback(deps: Pick<Deps, 'store' | 'now' | 'evidence'>, callback: StatusCallback): Promise<void> {
  const ownerSid = callback.conferenceSid ?? callback.callSid;
  if (!ownerSid) throw new ControlError(400, 'MISSING_PARAMETER', 'CallSid or ConferenceSid is required');
  const { callSid: _c, conferenceSid: _f, recordingSid, status, ...details } = callback;
  const seen = deps.now();
  await Promise.all([
    deps.store.update(ownerSid, (doc) => applyEvent(doc, { recordingSid, status, origin: 'callback', seen, details })),
    appendEvidence(deps.evidence, ownerSid, [{ at: new Date(seen).toISOString(), recordingSid, status, by: 'twilio', source: 'callback' }]),
  ]);
}

/** What a flow branches on: is this call or conference being recorded, or paused, right now. */
export async function describeRecordings(store: RecordingStore, key: 'callSid' | 'conferenceSid', sid: string) {
  const { doc } = await store.read(sid);
  const entries = Object.entries(doc.recordings);
  const active = entries.filter(([, r]) => isActive(r));
  const recording = active.some(([, r]) => r.status === 'in-progress');
  const paused = !recording && active.length > 0;
  return {
    [key]: sid,
    status: recording ? 'recording' : paused ? 'paused' : 'not-recording',
    recording,
    paused,
    activeRecordingSids: active.map(([recordingSid]) => recordingSid),
    recordings: entries.map(([recordingSid, { seen: _seen, ...r }]) => ({ recordingSid, ...r })),
    history: doc.history,
  };
}
