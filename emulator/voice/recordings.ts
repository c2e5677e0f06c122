import type { Request, Response, Router } from 'express';
import { preciseNow, type EmulatorContext } from '../app';
import type { Alerts } from '../alerts';
import type { CallbackDelivery } from '../callbacks';
import { errors } from '../errors';
import { listPage, many, newSid, rfc2822, single } from '../format';
import { oneOf } from './params';

export type RecordingStatus = 'in-progress' | 'paused' | 'stopped' | 'processing' | 'completed' | 'absent';
type CallbackEvent = 'in-progress' | 'completed' | 'absent';

export interface Recording {
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
  callback?: RecordingCallback;
  /** Why it ended `absent`: too short (16101) or silent (16102). */
  errorCode: 16101 | 16102 | null;
}

export interface RecordingCallback {
  url: string;
  method: 'GET' | 'POST';
  events: CallbackEvent[];
}

/** A call's own recordings (not its conference's), or a conference's. */
export type RecordingOwner =
  { callSid: string; conferenceSid?: undefined } | { conferenceSid: string; callSid?: undefined };

/** Who made a recording's status change: the API, the call ending, the conference (starting or ending), the control surface. */
export type ChangeSource = 'api' | 'call-ended' | 'conference' | 'control' | 'processing';

/** One status change as Twilio applied it, timed on the request log's clock (preciseNow). */
export interface TruthChange {
  status: RecordingStatus;
  at: number;
  pauseBehavior?: 'skip' | 'silence';
  source: ChangeSource;
}

/** A recording's history for GET /__emulator/truth: what tests hold the toolkit's evidence against. */
export interface RecordingTruth {
  recordingSid: string;
  callSid?: string;
  conferenceSid?: string;
  changes: TruthChange[];
}

const ACTIVE: RecordingStatus[] = ['in-progress', 'paused'];
const EVENTS: CallbackEvent[] = ['in-progress', 'completed', 'absent'];

/** RecordingStatusCallback and its method and events as asked (the API, TwiML's <Conference>), checked when the recording starts. */
export interface CallbackRequest {
  url?: string;
  method: 'GET' | 'POST';
  events?: string[];
}

/** The callback asked for; a method Twilio does not know is a 400, as for every enum parameter. */
export function callbackRequest(
  url: string | undefined,
  method: string | undefined,
  events: string[] | undefined,
): CallbackRequest {
  return {
    url,
    method: oneOf('RecordingStatusCallbackMethod', method?.toUpperCase(), ['GET', 'POST'] as const, 'POST'),
    events,
  };
}

/** Call and conference recordings: their states, kept audio, status callbacks and Twilio.CURRENT. */
export class Recordings {
  private readonly all = new Map<string, Recording>();
  /** Every recording's status changes, kept after the recording is deleted; cleared on reset. */
  private readonly truth = new Map<string, RecordingTruth>();

  /** Whether the recorded audio is silence (the control surface marks calls silent); set by the voice module. */
  silentAudio: (r: Recording) => boolean = () => false;

  constructor(
    private readonly ctx: EmulatorContext,
    private readonly callbacks: CallbackDelivery,
    private readonly alerts: Alerts,
  ) {
    ctx.onReset(() => {
      this.all.clear();
      this.truth.clear();
    });
    // What Twilio applied and when, at the moment it was applied (not when answered): Twilio may apply an
    // update at any moment before it answers, so evidence is judged against this, not against the answers.
    ctx.control.get('/truth', (req, res) => {
      const { callSid, conferenceSid } = req.query as { callSid?: string; conferenceSid?: string };
      res.json({
        recordings: [...this.truth.values()].filter(
          (t) => (!callSid || t.callSid === callSid) && (!conferenceSid || t.conferenceSid === conferenceSid),
        ),
      });
    });
    // Twilio ends a recording with no audio as `absent` (16102); here at once, on request.
    ctx.control.post('/recordings/:sid/absent', (req, res) => {
      const r = this.all.get(req.params.sid);
      if (!r) {
        res.status(404).json({ message: `No recording ${req.params.sid}` });
        return;
      }
      if (ACTIVE.includes(r.status) || r.status === 'processing') this.end(r, 'absent', 'control', 16102);
      res.json(this.json(r));
    });
  }

  private get base() {
    return `/2010-04-01/Accounts/${this.ctx.accountSid}`;
  }

  /** The owner's recordings, oldest first. */
  of(owner: RecordingOwner): Recording[] {
    return [...this.all.values()].filter((r) =>
      owner.conferenceSid ? r.conferenceSid === owner.conferenceSid : r.callSid === owner.callSid && !r.conferenceSid,
    );
  }

  private durationMs(r: Recording) {
    return r.keptMs + (r.runningSince === null ? 0 : this.ctx.now() - r.runningSince);
  }

  json(r: Recording) {
    const base = this.base;
    return {
      account_sid: this.ctx.accountSid,
      api_version: '2010-04-01',
      call_sid: r.callSid,
      conference_sid: r.conferenceSid,
      date_created: rfc2822(r.created),
      date_updated: rfc2822(r.updated),
      start_time: rfc2822(r.created),
      // Twilio reports -1 until the recording is finished.
      duration: r.status === 'completed' ? String(Math.round(this.durationMs(r) / 1000)) : '-1',
      sid: r.sid,
      price: null,
      price_unit: 'USD',
      status: r.status,
      channels: r.channels,
      source: r.source,
      error_code: r.errorCode,
      encryption_details: null,
      ...(r.conferenceSid ? {} : { track: r.track }),
      uri: r.conferenceSid
        ? `${base}/Conferences/${r.conferenceSid}/Recordings/${r.sid}.json`
        : `${base}/Calls/${r.callSid}/Recordings/${r.sid}.json`,
    };
  }

  private notify(r: Recording, event: CallbackEvent) {
    if (!r.callback?.events.includes(event)) return;
    const params: Record<string, string> = {
      AccountSid: this.ctx.accountSid,
      RecordingSid: r.sid,
      RecordingUrl: `https://api.twilio.com${this.base}/Recordings/${r.sid}`,
      RecordingStatus: event,
      RecordingChannels: String(r.channels),
      RecordingSource: r.source,
      RecordingStartTime: rfc2822(r.created),
      RecordingDuration: event === 'in-progress' ? '0' : String(Math.round(this.durationMs(r) / 1000)),
      ErrorCode: String(r.errorCode ?? 0),
    };
    if (r.callSid) params.CallSid = r.callSid;
    if (r.conferenceSid) params.ConferenceSid = r.conferenceSid;
    if (!r.conferenceSid) params.RecordingTrack = r.track;
    void this.callbacks.deliver(r.callback.url, r.callback.method, params);
  }

  /** Logs a status change in the truth log, at the moment it is applied. */
  private record(r: Recording, status: RecordingStatus, source: ChangeSource) {
    let t = this.truth.get(r.sid);
    if (!t) {
      t = {
        recordingSid: r.sid,
        ...(r.callSid ? { callSid: r.callSid } : {}),
        ...(r.conferenceSid ? { conferenceSid: r.conferenceSid } : {}),
        changes: [],
      };
      this.truth.set(r.sid, t);
    }
    t.changes.push({
      status,
      at: preciseNow(),
      ...(status === 'paused' ? { pauseBehavior: r.pauseBehavior } : {}),
      source,
    });
  }

  /** Applies a status; the truth log gets `logged` (a recording being processed has `stopped`, as far as audio goes). */
  private setStatus(
    r: Recording,
    status: RecordingStatus,
    source: ChangeSource,
    pauseBehavior: 'skip' | 'silence' = 'silence',
    logged: RecordingStatus = status,
  ) {
    const now = this.ctx.now();
    const adding = status === 'in-progress' || (status === 'paused' && pauseBehavior === 'silence');
    if (r.runningSince !== null) r.keptMs += now - r.runningSince;
    r.runningSince = adding ? now : null;
    r.status = status;
    r.pauseBehavior = pauseBehavior;
    r.updated = now;
    this.record(r, logged, source);
  }

  /**
   * Stops an active recording (stopped, call ended, conference over): `processing` for the time set, then
   * `completed`, or `absent` when it kept too little audio (16101) or only silence (16102), as Twilio
   * ends them; the callback hears the end. `idle` on the callbacks waits for it.
   */
  finish(r: Recording, source: ChangeSource) {
    if (!ACTIVE.includes(r.status)) return;
    this.setStatus(r, 'processing', source, undefined, 'stopped');
    const processed = new Promise<void>((ok) => setTimeout(ok, this.ctx.settings.recordingProcessingMs).unref()).then(
      () => {
        // Deleted, reset or ended from the control surface meanwhile: nothing left to process.
        if (this.all.get(r.sid) !== r || r.status !== 'processing') return;
        const errorCode = r.keptMs < this.ctx.settings.minRecordingMs ? 16101 : this.silentAudio(r) ? 16102 : null;
        this.end(r, errorCode ? 'absent' : 'completed', 'processing', errorCode);
      },
    );
    this.callbacks.hold(processed);
  }

  private end(r: Recording, status: 'completed' | 'absent', source: ChangeSource, errorCode: 16101 | 16102 | null) {
    r.errorCode = errorCode;
    this.setStatus(r, status, source);
    this.notify(r, status);
  }

  /** Ends the call's (`call-ended`) or the conference's (`conference`) active recordings. */
  finishAll(owner: RecordingOwner) {
    for (const r of this.of(owner)) this.finish(r, owner.conferenceSid ? 'conference' : 'call-ended');
  }

  start(
    fields: Pick<Recording, 'callSid' | 'conferenceSid' | 'channels' | 'source' | 'track'>,
    asked: CallbackRequest,
  ) {
    const now = this.ctx.now();
    const r: Recording = {
      ...fields,
      sid: newSid('RE'),
      status: 'in-progress',
      created: now,
      updated: now,
      keptMs: 0,
      runningSince: now,
      pauseBehavior: 'silence',
      errorCode: null,
    };
    r.callback = this.callbackOf(r, asked);
    this.all.set(r.sid, r);
    this.record(r, 'in-progress', r.source === 'Conference' ? 'conference' : 'api');
    this.notify(r, 'in-progress');
    return r;
  }

  /**
   * The callback a recording will call, or none: a bad URL or event does not stop the recording, it is
   * Twilio's warning (13256, 13621 in the debugger) and the recording goes on without callbacks.
   */
  private callbackOf(r: Recording, asked: CallbackRequest): RecordingCallback | undefined {
    if (!asked.url) return undefined;
    if (!/^https?:\/\/[^\s]+$/.test(asked.url)) {
      this.alerts.warn(
        13256,
        `Invalid recordingStatusCallback URL ${asked.url}: the recording will be processed, but status notifications will not be sent`,
        r.sid,
      );
      return undefined;
    }
    const wrong = (asked.events ?? []).filter((e) => !(EVENTS as string[]).includes(e));
    if (wrong.length > 0) {
      this.alerts.warn(
        13621,
        `Invalid recordingStatusCallbackEvent ${wrong.join(' ')} (allowed: ${EVENTS.join(', ')}): no status notifications will be sent`,
        r.sid,
      );
      return undefined;
    }
    return {
      url: asked.url,
      method: asked.method,
      events: (asked.events?.length ? asked.events : ['completed']) as CallbackEvent[],
    };
  }

  /** A recording of this call or conference by SID, or the one `Twilio.CURRENT` stands for. */
  find(owner: RecordingOwner, sid: string): Recording {
    const mine = this.of(owner);
    if (sid === 'Twilio.CURRENT') {
      const active = mine.filter((r) => ACTIVE.includes(r.status));
      if (active.length > 1) throw errors.concurrentRecordings();
      if (active.length === 0) {
        if (this.ctx.settings.currentWithNoActiveRecording === '21220') throw errors.noActiveRecording();
        throw errors.notFound(`${owner.conferenceSid ?? owner.callSid}/Recordings/Twilio.CURRENT`);
      }
      return active[0];
    }
    const r = mine.find((x) => x.sid === sid);
    if (!r) throw errors.notFound(`${this.base}/Recordings/${sid}.json`);
    return r;
  }

  private update(req: Request, res: Response, r: Recording, allowStop: boolean) {
    const status = single(req, 'Status');
    if (status === undefined) throw errors.missingParameter(20001, 'Status');
    const allowed = allowStop ? (['paused', 'in-progress', 'stopped'] as const) : (['paused', 'in-progress'] as const);
    const next = oneOf('Status', status, allowed, 'paused');
    const pauseBehavior = oneOf('PauseBehavior', single(req, 'PauseBehavior'), ['skip', 'silence'] as const, 'silence');
    if (!ACTIVE.includes(r.status)) throw errors.recordingFinished(r.sid, r.status);
    if (next === 'stopped') {
      this.finish(r, 'api');
      // Twilio answers `stopped`; the recording reads `processing` until it is completed.
      res.json({ ...this.json(r), status: 'stopped' });
      return;
    }
    // Pausing a paused recording or resuming a running one succeeds, as on Twilio, and changes nothing:
    // the truth log does not list it.
    if (r.status !== next || (next === 'paused' && r.pauseBehavior !== pauseBehavior))
      this.setStatus(r, next, 'api', pauseBehavior);
    res.json(this.json(r));
  }

  /**
   * The Recordings routes under a call and under a conference. `findCall` and `findConference` throw
   * Twilio's 404 for an unknown SID; recording a call needs it in progress (21220).
   */
  routes(
    account: Router,
    A: string,
    findCall: (sid: string) => { sid: string; status: string },
    findConference: (sid: string) => { sid: string },
  ) {
    const base = this.base;
    account.post(A + '/Calls/:CallSid/Recordings.json', (req, res) => {
      const call = findCall(req.params.CallSid as string);
      const channels = oneOf('RecordingChannels', single(req, 'RecordingChannels'), ['mono', 'dual'] as const, 'mono');
      const track = oneOf(
        'RecordingTrack',
        single(req, 'RecordingTrack'),
        ['inbound', 'outbound', 'both'] as const,
        'both',
      );
      oneOf('Trim', single(req, 'Trim'), ['trim-silence', 'do-not-trim'] as const, 'do-not-trim');
      const callback = callbackRequest(
        single(req, 'RecordingStatusCallback'),
        single(req, 'RecordingStatusCallbackMethod'),
        many(req, 'RecordingStatusCallbackEvent'),
      );
      if (call.status !== 'in-progress') throw errors.callNotInProgress(call.sid);
      const r = this.start(
        {
          callSid: call.sid,
          conferenceSid: null,
          channels: channels === 'dual' ? 2 : 1,
          source: 'StartCallRecordingAPI',
          track,
        },
        callback,
      );
      res.status(201).json(this.json(r));
    });
    account.get(A + '/Calls/:CallSid/Recordings.json', (req, res) => {
      const call = findCall(req.params.CallSid as string);
      const list = this.of({ callSid: call.sid }).reverse();
      res.json(listPage(req, 'recordings', `${base}/Calls/${call.sid}/Recordings.json`, list, (r) => this.json(r)));
    });
    account.get(A + '/Calls/:CallSid/Recordings/:Sid.json', (req, res) => {
      const call = findCall(req.params.CallSid as string);
      res.json(this.json(this.find({ callSid: call.sid }, req.params.Sid as string)));
    });
    account.post(A + '/Calls/:CallSid/Recordings/:Sid.json', (req, res) => {
      const call = findCall(req.params.CallSid as string);
      if (call.status !== 'in-progress') throw errors.callNotInProgress(call.sid);
      this.update(req, res, this.find({ callSid: call.sid }, req.params.Sid as string), true);
    });
    account.delete(A + '/Calls/:CallSid/Recordings/:Sid.json', (req, res) => {
      const call = findCall(req.params.CallSid as string);
      const r = this.find({ callSid: call.sid }, req.params.Sid as string);
      this.finish(r, 'api');
      this.all.delete(r.sid);
      res.status(204).end();
    });

    account.get(A + '/Conferences/:ConferenceSid/Recordings.json', (req, res) => {
      const conference = findConference(req.params.ConferenceSid as string);
      const list = this.of({ conferenceSid: conference.sid }).reverse();
      res.json(
        listPage(req, 'recordings', `${base}/Conferences/${conference.sid}/Recordings.json`, list, (r) => this.json(r)),
      );
    });
    account.get(A + '/Conferences/:ConferenceSid/Recordings/:Sid.json', (req, res) => {
      const conference = findConference(req.params.ConferenceSid as string);
      res.json(this.json(this.find({ conferenceSid: conference.sid }, req.params.Sid as string)));
    });
    // A conference recording can be paused and resumed, never started or stopped through the API.
    account.post(A + '/Conferences/:ConferenceSid/Recordings/:Sid.json', (req, res) => {
      const conference = findConference(req.params.ConferenceSid as string);
      this.update(req, res, this.find({ conferenceSid: conference.sid }, req.params.Sid as string), false);
    });
    account.post(A + '/Conferences/:ConferenceSid/Recordings.json', () => {
      throw errors.methodNotAllowed();
    });
  }
}
