import { Router, type Request, type Response } from 'express';
import type { EmulatorContext } from './app';
import { CallbackDelivery } from './callbacks';
import { errors } from './errors';
import { listPage, many, newSid, rfc2822, single } from './format';
import { parseConferenceJoin } from './twiml';

type RecordingStatus = 'in-progress' | 'paused' | 'stopped' | 'processing' | 'completed' | 'absent';
type CallbackEvent = 'in-progress' | 'completed' | 'absent';

interface Recording {
  sid: string;
  callSid: string | null;
  conferenceSid: string | null;
  status: RecordingStatus;
  channels: 1 | 2;
  source: 'StartCallRecordingAPI' | 'Conference';
  track: 'inbound' | 'outbound' | 'both';
  created: number;
  updated: number;
  /** Audio kept so far, and since when the current stretch has been running (null while not adding). */
  keptMs: number;
  runningSince: number | null;
  pauseBehavior: 'skip' | 'silence';
  callback?: { url: string; method: 'GET' | 'POST'; events: CallbackEvent[] };
}

interface Call {
  sid: string;
  to: string;
  from: string;
  status: 'in-progress' | 'completed' | 'canceled';
  created: number;
  updated: number;
  ended: number | null;
  conferenceSid: string | null;
}

interface Conference {
  sid: string;
  friendlyName: string;
  status: 'in-progress' | 'completed';
  created: number;
  updated: number;
  participants: Set<string>;
}

const ACTIVE: RecordingStatus[] = ['in-progress', 'paused'];
const EVENTS: CallbackEvent[] = ['in-progress', 'completed', 'absent'];

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw errors.invalidParameter(name, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function callbackTarget(url: string | undefined, method: string | undefined, events: string[] | undefined) {
  if (!url) return undefined;
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw errors.invalidParameter('RecordingStatusCallback', 'must be an absolute http(s) URL');
  for (const e of events ?? []) oneOf('RecordingStatusCallbackEvent', e, EVENTS, 'completed');
  return {
    url,
    method: oneOf('RecordingStatusCallbackMethod', method?.toUpperCase(), ['GET', 'POST'] as const, 'POST'),
    events: (events?.length ? events : ['completed']) as CallbackEvent[],
  };
}

/** Calls, call recordings, conferences and conference recordings (API 2010-04-01), with recording status callbacks. */
export function voiceModule(ctx: EmulatorContext): Router {
  const calls = new Map<string, Call>();
  const recordings = new Map<string, Recording>();
  const conferences = new Map<string, Conference>();
  const callbacks = new CallbackDelivery(ctx);
  ctx.onReset(() => {
    calls.clear();
    recordings.clear();
    conferences.clear();
  });

  const base = `/2010-04-01/Accounts/${ctx.accountSid}`;
  const durationMs = (r: Recording) => r.keptMs + (r.runningSince === null ? 0 : ctx.now() - r.runningSince);
  /** A call's own recordings (not its conference's), or a conference's; newest last. */
  const recordingsOf = (owner: { callSid?: string; conferenceSid?: string }) =>
    [...recordings.values()].filter((r) =>
      owner.conferenceSid ? r.conferenceSid === owner.conferenceSid : r.callSid === owner.callSid && !r.conferenceSid,
    );

  const recordingUri = (r: Recording) =>
    r.conferenceSid ? `${base}/Conferences/${r.conferenceSid}/Recordings/${r.sid}.json` : `${base}/Calls/${r.callSid}/Recordings/${r.sid}.json`;

  const recordingJson = (r: Recording) => ({
    account_sid: ctx.accountSid,
    api_version: '2010-04-01',
    call_sid: r.callSid,
    conference_sid: r.conferenceSid,
    date_created: rfc2822(r.created),
    date_updated: rfc2822(r.updated),
    start_time: rfc2822(r.created),
    // Twilio reports -1 until the recording is finished.
    duration: r.status === 'completed' ? String(Math.round(durationMs(r) / 1000)) : '-1',
    sid: r.sid,
    price: null,
    price_unit: 'USD',
    status: r.status,
    channels: r.channels,
    source: r.source,
    error_code: null,
    encryption_details: null,
    ...(r.conferenceSid ? {} : { track: r.track }),
    uri: recordingUri(r),
  });

  const callJson = (c: Call) => ({
    sid: c.sid,
    date_created: rfc2822(c.created),
    date_updated: rfc2822(c.updated),
    parent_call_sid: null,
    account_sid: ctx.accountSid,
    to: c.to,
    to_formatted: c.to,
    from: c.from,
    from_formatted: c.from,
    phone_number_sid: null,
    status: c.status,
    start_time: rfc2822(c.created),
    end_time: c.ended === null ? null : rfc2822(c.ended),
    duration: c.ended === null ? null : String(Math.round((c.ended - c.created) / 1000)),
    price: null,
    price_unit: 'USD',
    direction: 'outbound-api',
    answered_by: null,
    api_version: '2010-04-01',
    forwarded_from: null,
    group_sid: null,
    caller_name: null,
    queue_time: '0',
    trunk_sid: null,
    uri: `${base}/Calls/${c.sid}.json`,
    subresource_uris: { recordings: `${base}/Calls/${c.sid}/Recordings.json` },
  });

  const conferenceJson = (c: Conference) => ({
    account_sid: ctx.accountSid,
    date_created: rfc2822(c.created),
    date_updated: rfc2822(c.updated),
    api_version: '2010-04-01',
    friendly_name: c.friendlyName,
    region: 'us1',
    sid: c.sid,
    status: c.status,
    uri: `${base}/Conferences/${c.sid}.json`,
    subresource_uris: {
      participants: `${base}/Conferences/${c.sid}/Participants.json`,
      recordings: `${base}/Conferences/${c.sid}/Recordings.json`,
    },
    reason_conference_ended: c.status === 'completed' ? 'last-participant-left' : null,
    call_sid_ending_conference: null,
  });

  function notify(r: Recording, event: CallbackEvent) {
    if (!r.callback?.events.includes(event)) return;
    const params: Record<string, string> = {
      AccountSid: ctx.accountSid,
      RecordingSid: r.sid,
      RecordingUrl: `https://api.twilio.com${base}/Recordings/${r.sid}`,
      RecordingStatus: event,
      RecordingChannels: String(r.channels),
      RecordingSource: r.source,
      RecordingStartTime: rfc2822(r.created),
      RecordingDuration: event === 'in-progress' ? '0' : String(Math.round(durationMs(r) / 1000)),
      ErrorCode: '0',
      CallbackSource: 'call-progress-events',
      Timestamp: rfc2822(ctx.now()),
    };
    if (r.callSid) params.CallSid = r.callSid;
    if (r.conferenceSid) params.ConferenceSid = r.conferenceSid;
    if (!r.conferenceSid) params.RecordingTrack = r.track;
    void callbacks.deliver(r.callback.url, r.callback.method, params);
  }

  function setStatus(r: Recording, status: RecordingStatus, pauseBehavior: 'skip' | 'silence' = 'silence') {
    const now = ctx.now();
    const adding = status === 'in-progress' || (status === 'paused' && pauseBehavior === 'silence');
    if (r.runningSince !== null) r.keptMs += now - r.runningSince;
    r.runningSince = adding ? now : null;
    r.status = status;
    r.pauseBehavior = pauseBehavior;
    r.updated = now;
  }

  /** Ends an active recording (call ended, stopped, conference over) and tells its callback. */
  function finish(r: Recording, status: 'completed' | 'absent' = 'completed') {
    if (!ACTIVE.includes(r.status)) return;
    setStatus(r, status);
    notify(r, status);
  }

  function startRecording(fields: Omit<Recording, 'sid' | 'status' | 'created' | 'updated' | 'keptMs' | 'runningSince' | 'pauseBehavior'>) {
    const now = ctx.now();
    const r: Recording = { ...fields, sid: newSid('RE'), status: 'in-progress', created: now, updated: now, keptMs: 0, runningSince: now, pauseBehavior: 'silence' };
    recordings.set(r.sid, r);
    notify(r, 'in-progress');
    return r;
  }

  function endCall(call: Call, status: 'completed' | 'canceled') {
    call.status = status;
    call.ended = call.updated = ctx.now();
    for (const r of recordingsOf({ callSid: call.sid })) finish(r);
    const conference = call.conferenceSid ? conferences.get(call.conferenceSid) : undefined;
    if (!conference) return;
    conference.participants.delete(call.sid);
    if (conference.participants.size === 0) {
      conference.status = 'completed';
      conference.updated = ctx.now();
      for (const r of recordingsOf({ conferenceSid: conference.sid })) finish(r);
    }
  }

  function joinConference(call: Call, twiml: string) {
    const join = parseConferenceJoin(twiml);
    if (!join) return;
    let conference = [...conferences.values()].find((c) => c.friendlyName === join.name && c.status === 'in-progress');
    const now = ctx.now();
    if (!conference) {
      conference = { sid: newSid('CF'), friendlyName: join.name, status: 'in-progress', created: now, updated: now, participants: new Set() };
      conferences.set(conference.sid, conference);
      if (join.record) {
        startRecording({
          callSid: null,
          conferenceSid: conference.sid,
          channels: 1,
          source: 'Conference',
          track: 'both',
          callback: callbackTarget(join.recordingStatusCallback, join.recordingStatusCallbackMethod, join.recordingStatusCallbackEvent),
        });
      }
    }
    conference.participants.add(call.sid);
    call.conferenceSid = conference.sid;
  }

  const findCall = (sid: string) => {
    const call = calls.get(sid);
    if (!call) throw errors.notFound(`${base}/Calls/${sid}.json`);
    return call;
  };
  const findConference = (sid: string) => {
    const conference = conferences.get(sid);
    if (!conference) throw errors.notFound(`${base}/Conferences/${sid}.json`);
    return conference;
  };

  /** A recording of this call or conference by SID, or the one `Twilio.CURRENT` stands for. */
  function findRecording(owner: { callSid?: string; conferenceSid?: string }, sid: string): Recording {
    const mine = recordingsOf(owner);
    if (sid === 'Twilio.CURRENT') {
      const active = mine.filter((r) => ACTIVE.includes(r.status));
      if (active.length > 1) throw errors.concurrentRecordings();
      if (active.length === 0) throw errors.notFound(`${owner.conferenceSid ?? owner.callSid}/Recordings/Twilio.CURRENT`);
      return active[0];
    }
    const r = mine.find((x) => x.sid === sid);
    if (!r) throw errors.notFound(`${base}/Recordings/${sid}.json`);
    return r;
  }

  function updateRecording(req: Request, res: Response, r: Recording, allowStop: boolean) {
    const status = single(req, 'Status');
    if (status === undefined) throw errors.missingParameter(20001, 'Status');
    const allowed = allowStop ? (['paused', 'in-progress', 'stopped'] as const) : (['paused', 'in-progress'] as const);
    const next = oneOf('Status', status, allowed, 'paused');
    const pauseBehavior = oneOf('PauseBehavior', single(req, 'PauseBehavior'), ['skip', 'silence'] as const, 'silence');
    if (!ACTIVE.includes(r.status)) throw errors.recordingFinished(r.sid, r.status);
    if (next === 'stopped') {
      finish(r);
      // Twilio answers `stopped` and completes the recording once processed; here processing is instant.
      res.json({ ...recordingJson(r), status: 'stopped', duration: '-1' });
      return;
    }
    // Pausing a paused recording or resuming a running one succeeds, as on Twilio.
    if (r.status !== next || (next === 'paused' && r.pauseBehavior !== pauseBehavior)) setStatus(r, next, pauseBehavior);
    res.json(recordingJson(r));
  }

  // Full path templates on one router, so that the request counters name routes by template.
  const account = Router();
  account.param('AccountSid', (_req, _res, next, sid) => next(sid === ctx.accountSid ? undefined : errors.authenticate()));
  const A = '/2010-04-01/Accounts/:AccountSid';

  account.post(A + '/Calls.json', (req, res) => {
    const to = single(req, 'To');
    const from = single(req, 'From');
    const url = single(req, 'Url');
    const twiml = single(req, 'Twiml');
    if (!to) throw errors.missingParameter(21201, 'To');
    if (!from) throw errors.missingParameter(21213, 'From');
    if (!url && !twiml && !single(req, 'ApplicationSid')) throw errors.missingParameter(21205, 'Url');
    if (url && !/^https?:\/\//.test(url)) throw errors.invalidParameter('Url', 'must be an absolute URL');
    const now = ctx.now();
    const call: Call = { sid: newSid('CA'), to, from, status: 'in-progress', created: now, updated: now, ended: null, conferenceSid: null };
    calls.set(call.sid, call);
    if (twiml) joinConference(call, twiml);
    res.status(201).json(callJson(call));
  });
  account.get(A + '/Calls.json', (req, res) => {
    const status = single(req, 'Status');
    const list = [...calls.values()].filter((c) => !status || c.status === status).reverse();
    res.json(listPage(req, 'calls', `${base}/Calls.json`, list.map(callJson)));
  });
  account.get(A + '/Calls/:CallSid.json', (req, res) => {
    res.json(callJson(findCall(req.params.CallSid as string)));
  });
  account.post(A + '/Calls/:CallSid.json', (req, res) => {
    const call = findCall(req.params.CallSid as string);
    const status = single(req, 'Status');
    const twiml = single(req, 'Twiml');
    if (status !== undefined) oneOf('Status', status, ['completed', 'canceled'] as const, 'completed');
    if (call.status !== 'in-progress') throw errors.callNotInProgress(call.sid);
    if (status) endCall(call, status as 'completed' | 'canceled');
    else if (twiml) joinConference(call, twiml);
    call.updated = ctx.now();
    res.json(callJson(call));
  });

  account.post(A + '/Calls/:CallSid/Recordings.json', (req, res) => {
    const call = findCall(req.params.CallSid as string);
    const channels = oneOf('RecordingChannels', single(req, 'RecordingChannels'), ['mono', 'dual'] as const, 'mono');
    const track = oneOf('RecordingTrack', single(req, 'RecordingTrack'), ['inbound', 'outbound', 'both'] as const, 'both');
    oneOf('Trim', single(req, 'Trim'), ['trim-silence', 'do-not-trim'] as const, 'do-not-trim');
    const callback = callbackTarget(
      single(req, 'RecordingStatusCallback'),
      single(req, 'RecordingStatusCallbackMethod'),
      many(req, 'RecordingStatusCallbackEvent'),
    );
    if (call.status !== 'in-progress') throw errors.callNotInProgress(call.sid);
    const r = startRecording({ callSid: call.sid, conferenceSid: null, channels: channels === 'dual' ? 2 : 1, source: 'StartCallRecordingAPI', track, callback });
    res.status(201).json(recordingJson(r));
  });
  account.get(A + '/Calls/:CallSid/Recordings.json', (req, res) => {
    const call = findCall(req.params.CallSid as string);
    const list = recordingsOf({ callSid: call.sid }).reverse();
    res.json(listPage(req, 'recordings', `${base}/Calls/${call.sid}/Recordings.json`, list.map(recordingJson)));
  });
  account.get(A + '/Calls/:CallSid/Recordings/:Sid.json', (req, res) => {
    const call = findCall(req.params.CallSid as string);
    res.json(recordingJson(findRecording({ callSid: call.sid }, req.params.Sid as string)));
  });
  account.post(A + '/Calls/:CallSid/Recordings/:Sid.json', (req, res) => {
    const call = findCall(req.params.CallSid as string);
    const r = findRecording({ callSid: call.sid }, req.params.Sid as string);
    if (call.status !== 'in-progress') throw errors.callNotInProgress(call.sid);
    updateRecording(req, res, r, true);
  });
  account.delete(A + '/Calls/:CallSid/Recordings/:Sid.json', (req, res) => {
    const call = findCall(req.params.CallSid as string);
    const r = findRecording({ callSid: call.sid }, req.params.Sid as string);
    finish(r);
    recordings.delete(r.sid);
    res.status(204).end();
  });

  account.get(A + '/Conferences.json', (req, res) => {
    const name = single(req, 'FriendlyName');
    const status = single(req, 'Status');
    const list = [...conferences.values()]
      .filter((c) => (!name || c.friendlyName === name) && (!status || c.status === status))
      .reverse();
    res.json(listPage(req, 'conferences', `${base}/Conferences.json`, list.map(conferenceJson)));
  });
  account.get(A + '/Conferences/:ConferenceSid.json', (req, res) => {
    res.json(conferenceJson(findConference(req.params.ConferenceSid as string)));
  });
  account.get(A + '/Conferences/:ConferenceSid/Recordings.json', (req, res) => {
    const conference = findConference(req.params.ConferenceSid as string);
    const list = recordingsOf({ conferenceSid: conference.sid }).reverse();
    res.json(listPage(req, 'recordings', `${base}/Conferences/${conference.sid}/Recordings.json`, list.map(recordingJson)));
  });
  account.get(A + '/Conferences/:ConferenceSid/Recordings/:Sid.json', (req, res) => {
    const conference = findConference(req.params.ConferenceSid as string);
    res.json(recordingJson(findRecording({ conferenceSid: conference.sid }, req.params.Sid as string)));
  });
  // A conference recording can be paused and resumed, never started or stopped through the API.
  account.post(A + '/Conferences/:ConferenceSid/Recordings/:Sid.json', (req, res) => {
    const conference = findConference(req.params.ConferenceSid as string);
    const r = findRecording({ conferenceSid: conference.sid }, req.params.Sid as string);
    updateRecording(req, res, r, false);
  });
  account.post(A + '/Conferences/:ConferenceSid/Recordings.json', () => {
    throw errors.methodNotAllowed();
  });

  // Twilio ends a recording with no audio as `absent`; the emulator does it on request.
  ctx.control.post('/recordings/:sid/absent', (req, res) => {
    const r = recordings.get(req.params.sid);
    if (!r) {
      res.status(404).json({ message: `No recording ${req.params.sid}` });
      return;
    }
    finish(r, 'absent');
    res.json(recordingJson(r));
  });

  return account;
}
