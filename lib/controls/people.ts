import { ownUrl, type FunctionContext } from '../env';
import { invalidParameter, invalidRequest, notSupportedForConferences, type ControlError } from '../errors';
import { judgedCaptures } from '../model/captures';
import { toSegments, windowInsidePause } from '../model/segments';
import type { PauseBehavior } from '../model/statuses';
import { choice, optional, setStatusOptions, sid, type TargetStatus } from '../model/params';
import { pauseSeenBy } from '../model/people';
import { studioCaptureSteps } from '../twilio/studio';
import { callOwner, conferenceOwner, listedForProof } from '../twilio/voice';
import type { Deps } from './deps';
import { requireOwnership } from './ownership';
import { checkLock, readPauses } from './pause-lock';
import { setRecordingStatus } from './set-status';
import { startCallRecording } from './start';

/**
 * What people ask for (a console button, a Flex plugin button), carried out by the same library
 * functions as the protected controls: startCallRecording and setRecordingStatus.
 */

/** Every Function for people names one call or one conference. */
export const TARGET = {
  CallSid: optional('the call (CA…); give this or ConferenceSid', sid('CA')),
  ConferenceSid: optional('the conference (CF…); give this or CallSid', sid('CF')),
};

export type Action = 'start' | TargetStatus;
export const ACTION = choice(['start', 'paused', 'in-progress', 'stopped'] as const, {
  pause: 'paused',
  resume: 'in-progress',
  stop: 'stopped',
});

/** Why a supervisor lifts a flow's pause: kept in the evidence beside their name (model/people says what counts). */
const MAX_REASON_LENGTH = 500;
export const REASON = {
  Reason: optional(
    "a supervisor's or admin's reason to resume, stop or start recording while a flow's pause holds the call (kept in the evidence)",
    (raw, name) => {
      const text = raw.trim();
      if (text.length > MAX_REASON_LENGTH)
        throw invalidParameter(name, `is longer than ${MAX_REASON_LENGTH} characters`);
      return text || undefined;
    },
  ),
};

type Target = { CallSid?: string; ConferenceSid?: string };

function oneTarget(p: Target): { kind: 'call' | 'conference'; sid: string } {
  if (Boolean(p.CallSid) === Boolean(p.ConferenceSid))
    throw invalidRequest('Give exactly one of CallSid and ConferenceSid');
  return p.CallSid ? { kind: 'call', sid: p.CallSid } : { kind: 'conference', sid: p.ConferenceSid! };
}

/** How a person named what they acted on, as the evidence keeps it: `RecordingSid=Twilio.CURRENT All=true`. */
const howOf = (p: { RecordingSid?: string; All?: boolean }) =>
  [p.RecordingSid ? `RecordingSid=${p.RecordingSid}` : '', p.All ? 'All=true' : ''].filter(Boolean).join(' ') ||
  '(no recording named)';

export async function personControl(
  deps: Deps,
  context: FunctionContext,
  p: Target & { RecordingSid?: string; PauseBehavior?: PauseBehavior; All?: boolean; Reason?: string },
  action: Action,
) {
  const target = oneTarget(p);
  if (target.kind === 'conference' && (action === 'start' || action === 'stopped')) {
    throw notSupportedForConferences();
  }
  await requireOwnership(deps, context, target);
  const owner = target.kind === 'call' ? callOwner(deps.client, target.sid) : conferenceOwner(deps.client, target.sid);
  if (action !== 'paused' && deps.person)
    await checkLock(deps, deps.person, owner, { action, how: howOf(p), reason: p.Reason });
  if (action === 'start') {
    return startCallRecording(deps, {
      callSid: target.sid,
      recordingChannels: 'dual',
      recordingTrack: 'both',
      trim: 'do-not-trim',
      recordingStatusCallback: ownUrl(context, '/callbacks/recording-status'),
    });
  }
  return setRecordingStatus(deps, owner, {
    ...setStatusOptions({ Status: action, RecordingSid: p.RecordingSid, PauseBehavior: p.PauseBehavior, All: p.All }),
    reason: p.Reason,
  });
}

/**
 * The recording state of a person's call or conference as a button shows it before anything is pressed:
 * Twilio's list, Sync's state and the evidence read at once (as the lock reads them), and each pause held
 * with who holds it and whether this person may lift it. Nothing is written.
 */
export async function personStatus(deps: Deps, context: FunctionContext, p: Target) {
  const target = oneTarget(p);
  await requireOwnership(deps, context, target);
  const owner = target.kind === 'call' ? callOwner(deps.client, target.sid) : conferenceOwner(deps.client, target.sid);
  const { listed, paused, entries } = await readPauses(deps, owner);
  const state = paused.length > 0 ? 'paused' : listed.active.length > 0 ? 'recording' : 'not-recording';
  return {
    [`${target.kind}Sid`]: target.sid,
    state,
    recordings: listed.all.map((a) => ({ recordingSid: a.recordingSid, status: a.status })),
    // peopleFunction always names the person.
    pauses: paused.map((sid) => pauseSeenBy(deps.person!, entries, sid)),
  };
}

export const isoDate = (raw: string, name: string) => {
  const ms = Date.parse(raw);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(raw))
    throw invalidParameter(name, 'must be a UTC ISO 8601 time, e.g. 2026-11-25T21:00:00Z');
  return new Date(ms);
};

export const EVIDENCE = {
  ...TARGET,
  Format: optional('json (default) or csv', choice(['json', 'csv'] as const)),
  Table: optional('with Format=csv: segments (default) or captures', choice(['segments', 'captures'] as const)),
  From: optional('with To: the start of a window to check against the pauses (ISO 8601)', isoDate),
  To: optional('with From: the end of that window', isoDate),
};

/** The evidence of one call or conference: its log, its segments, and the answer to the window check. */
export async function exportEvidence(deps: Deps, p: Target & { From?: Date; To?: Date }) {
  const target = oneTarget(p);
  if (Boolean(p.From) !== Boolean(p.To)) throw invalidRequest('Give both From and To, or neither');
  if (p.From && p.To && p.From.getTime() > p.To.getTime()) throw invalidRequest('From must not be after To');
  const owner = target.kind === 'call' ? callOwner(deps.client, target.sid) : conferenceOwner(deps.client, target.sid);
  // Twilio's own list counts the recordings the evidence never heard of (started elsewhere).
  // peopleFunction always hands over the evidence log.
  const [entries, listed] = await Promise.all([
    deps.evidence!.readAll(target.sid),
    // A call Twilio does not know has no recording there; without Twilio's list the proof is stricter.
    listedForProof(owner).catch((err: ControlError) => (err.code === 'NOT_FOUND' ? [] : undefined)),
  ]);
  // Studio's captures come from its own records of the executions that controlled this call.
  const studio = await studioCaptureSteps(deps.client, new Set(entries.map((e) => e.by)));
  const segments = toSegments(entries, listed);
  const captures = judgedCaptures(entries, listed, studio ?? []);
  const window =
    p.From && p.To
      ? { from: p.From.toISOString(), to: p.To.toISOString(), ...windowInsidePause(entries, p.From, p.To, listed) }
      : undefined;
  return {
    [`${target.kind}Sid`]: target.sid,
    entries,
    segments,
    captures,
    twilioListed: listed !== undefined,
    studioRead: studio !== undefined,
    ...(window ? { window } : {}),
  };
}
