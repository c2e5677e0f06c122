import type twilio from 'twilio';
import { CLOCK } from './deadline';
import { fromTwilioError, noActiveRecording, notInProgress, type ControlError } from '../errors';
import type { ListedRecording } from '../model/proof';
import { fromTwilioStatus, isActive, type TwilioAnswer, type Window } from '../model/recording-state';
import type { PauseBehavior } from '../model/statuses';
import type { TargetStatus } from '../model/params';

/** The fields of a recording resource that the toolkit keeps, as the twilio library returns them. */
export interface TwilioRecording {
  sid: string;
  status: string;
  channels?: number;
  source?: string;
  track?: string;
  startTime?: Date | null;
  /** Seconds, as text; -1 until the recording has ended. */
  duration?: string | null;
}

export interface RecordingResult {
  recordingSid: string;
  status: string;
}

export const CURRENT = 'Twilio.CURRENT';

/**
 * Twilio's largest page of a list (OpenAPI: PageSize at most 1000; 50 when not given): a call started and
 * stopped many times is listed in one round trip, not one per 50 of its recordings.
 */
const LIST_PAGE_SIZE = 1000;

/** A call or a conference: the two differ only in where their recordings live on Twilio. */
export interface Owner {
  sid: string;
  label: string;
  key: 'callSid' | 'conferenceSid';
  list(): Promise<TwilioRecording[]>;
  fetch(recordingSid: string): Promise<TwilioRecording>;
  update(recordingSid: string, status: TargetStatus, pauseBehavior?: PauseBehavior): Promise<TwilioRecording>;
  /** The call's or conference's own status on Twilio. */
  state(): Promise<string>;
}

export function callOwner(client: twilio.Twilio, callSid: string): Owner {
  return {
    sid: callSid,
    label: `call ${callSid}`,
    key: 'callSid',
    list: () => client.calls(callSid).recordings.list({ pageSize: LIST_PAGE_SIZE }),
    fetch: (sid) => client.calls(callSid).recordings(sid).fetch(),
    update: (sid, status, pauseBehavior) => client.calls(callSid).recordings(sid).update({ status, pauseBehavior }),
    state: async () => (await client.calls(callSid).fetch()).status,
  };
}

export function conferenceOwner(client: twilio.Twilio, conferenceSid: string): Owner {
  return {
    sid: conferenceSid,
    label: `conference ${conferenceSid}`,
    key: 'conferenceSid',
    list: () => client.conferences(conferenceSid).recordings.list({ pageSize: LIST_PAGE_SIZE }),
    fetch: (sid) => client.conferences(conferenceSid).recordings(sid).fetch(),
    // Twilio's conference recordings take paused and in-progress only; the Function refuses stopped first.
    update: (sid, status, pauseBehavior) =>
      client
        .conferences(conferenceSid)
        .recordings(sid)
        .update({ status: status as 'paused' | 'in-progress', pauseBehavior }),
    state: async () => (await client.conferences(conferenceSid).fetch()).status,
  };
}

/** Runs one Twilio request and keeps the window in which its answer was true. */
export async function timed<T>(request: () => Promise<T>): Promise<{ value: T; window: Window }> {
  const sent = Date.now();
  const value = await request();
  return { value, window: [sent, Date.now(), CLOCK] };
}

export function answerOf(r: TwilioRecording, window: Window, pauseBehavior?: PauseBehavior): TwilioAnswer {
  return {
    recordingSid: r.sid,
    status: fromTwilioStatus(r.status),
    window,
    pauseBehavior,
    details: {
      channels: r.channels,
      source: r.source,
      track: r.track,
      startTime: r.startTime ? r.startTime.toISOString() : undefined,
    },
  };
}

/** The recordings of this call or conference as Twilio lists them, with the window the list was true in. */
export async function listOnTwilio(
  owner: Owner,
): Promise<{ all: TwilioAnswer[]; active: TwilioAnswer[]; window: Window }> {
  const { value, window } = await timed(owner.list).catch((err) => {
    throw fromTwilioError(err, owner.label);
  });
  const all = value.map((r) => answerOf(r, window));
  return { all, active: all.filter((a) => isActive(a)), window };
}

/** The recordings of this call or conference as the proof (model/proof) counts them. */
export async function listedForProof(owner: Owner): Promise<ListedRecording[]> {
  const recordings = await owner.list().catch((err) => {
    throw fromTwilioError(err, owner.label);
  });
  return recordings.map((r) => {
    const duration = Number(r.duration);
    return {
      recordingSid: r.sid,
      status: fromTwilioStatus(r.status),
      ...(r.startTime ? { startTime: r.startTime.toISOString() } : {}),
      ...(Number.isInteger(duration) && duration >= 0 ? { duration } : {}),
    };
  });
}

/** Why Twilio found no recording to act on: no such call, a call not (or no longer) in progress, or none active. */
export async function noRecordingError(owner: Owner): Promise<ControlError> {
  let state: string;
  try {
    state = await owner.state();
  } catch (err) {
    return fromTwilioError(err, owner.label);
  }
  if (state !== 'in-progress') return notInProgress(owner.label.split(' ')[0], state);
  return noActiveRecording(owner.label);
}
