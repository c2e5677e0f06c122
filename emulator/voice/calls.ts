import type { Router } from 'express';
import type { EmulatorContext } from '../app';
import { errors } from '../errors';
import { listPage, newSid, rfc2822, single } from '../format';
import type { CallerInput } from './caller';
import type { Conferences } from './conferences';
import { oneOf } from './params';
import type { Recordings } from './recordings';

export type CallStatus = 'queued' | 'ringing' | 'in-progress' | 'completed' | 'canceled' | 'busy' | 'no-answer';

/** How a live call ends: hung up once answered, canceled, or refused by `<Reject>` before it was answered. */
export type EndStatus = 'completed' | 'canceled' | 'busy' | 'no-answer';

/** A flow (a Studio flow, which Voice runs through the runner Studio registers) with its Run Function URL rewrites. */
export type FlowScript = { flowSid: string; rewriteUrls: Record<string, string> };

/** What a call runs once connected: TwiML given inline, TwiML fetched from a webhook, or a Studio flow. */
export type CallScript = { twiml: string } | { url: string; method: 'GET' | 'POST' } | FlowScript;

/** One thing the call heard or did, with the call's and its recordings' states at that moment. */
export interface CallLogEntry {
  at: string;
  /** e.g. `answered`, `Say`, `Gather`, `Pay`, `webhook`, `widget`, `ended`. */
  step: string;
  callStatus: CallStatus;
  recordings: string[];
  [detail: string]: unknown;
}

export interface Call {
  sid: string;
  to: string;
  from: string;
  direction: 'inbound' | 'outbound-api';
  status: CallStatus;
  created: number;
  updated: number;
  answered: number | null;
  ended: number | null;
  conferenceSid: string | null;
  /** Marked on the control surface: the call's audio is silence, so its recordings end `absent` (16102). */
  silent: boolean;
  script?: CallScript;
  inputs: CallerInput[];
  log: CallLogEntry[];
  /** Bumped whenever the call is given a new script, so the old one stops where it is. */
  generation: number;
  /** The script's run, settled once it has nothing more to do. */
  running: Promise<void>;
  /** Woken when the call ends or gets a new script: a <Pause> or a conference stops waiting. */
  wake: Array<() => void>;
}

const LIVE: CallStatus[] = ['queued', 'ringing', 'in-progress'];

/**
 * Calls and their lifecycle as on Twilio: an API-created call is `queued`, then `ringing`, then answered
 * by the callee after `answerDelayMs` and runs its TwiML; an incoming call is `ringing` and runs its
 * webhook or flow at once, answered by its first TwiML unless that is `<Reject>` (or by a flow's first
 * widget that speaks or listens).
 */
export class Calls {
  private readonly all = new Map<string, Call>();
  /** Runs a call's script; set by the voice module: TwiML by its interpreter, flows by the runner Studio registers. */
  runScript: (call: Call, generation: number) => Promise<void> = async () => {};

  constructor(
    private readonly ctx: EmulatorContext,
    private readonly recordings: Recordings,
    private readonly conferences: Conferences,
  ) {
    ctx.onReset(() => {
      for (const call of this.all.values()) if (this.isLive(call)) this.end(call, 'canceled');
      this.all.clear();
    });
  }

  find(sid: string): Call {
    const call = this.all.get(sid);
    if (!call) throw errors.notFound(`/2010-04-01/Accounts/${this.ctx.accountSid}/Calls/${sid}.json`);
    return call;
  }

  isLive(call: Call, generation = call.generation): boolean {
    return LIVE.includes(call.status) && generation === call.generation;
  }

  create(fields: Pick<Call, 'to' | 'from' | 'direction' | 'inputs'>): Call {
    const now = this.ctx.now();
    const call: Call = {
      ...fields,
      sid: newSid('CA'),
      status: fields.direction === 'inbound' ? 'ringing' : 'queued',
      created: now,
      updated: now,
      answered: null,
      ended: null,
      conferenceSid: null,
      silent: false,
      log: [],
      generation: 0,
      running: Promise.resolve(),
      wake: [],
    };
    this.all.set(call.sid, call);
    return call;
  }

  /** An outbound call rings at once and is picked up after the configured delay, then runs `script`. */
  dial(call: Call, script: CallScript) {
    call.script = script;
    setImmediate(() => {
      if (call.status !== 'queued') return;
      this.setStatus(call, 'ringing');
      this.sleep(call, this.ctx.settings.answerDelayMs).then(() => {
        if (call.status !== 'ringing') return;
        this.answer(call);
        this.run(call, script);
      });
    });
  }

  /** Gives the call a script to run now, stopping the one it was running (Twilio's call redirect). */
  run(call: Call, script: CallScript) {
    call.script = script;
    call.generation += 1;
    this.interrupt(call);
    if (call.conferenceSid) this.leaveConference(call);
    const generation = call.generation;
    call.running = this.runScript(call, generation).catch((err: Error) => {
      this.note(call, 'error', { message: err.message });
      if (this.isLive(call, generation)) this.end(call, 'completed');
    });
  }

  /**
   * Takes the call back from the TwiML it runs without giving it a script (Studio when a TwiML
   * Redirect times out): whatever waits wakes, and the call leaves a conference it is in.
   */
  takeBack(call: Call) {
    if (call.conferenceSid) this.leaveConference(call);
    this.interrupt(call);
  }

  /** The call is picked up: by the callee (outbound) or by the first verb or widget that speaks or listens (inbound). */
  answer(call: Call) {
    if (call.status !== 'queued' && call.status !== 'ringing') return;
    call.answered = this.ctx.now();
    this.setStatus(call, 'in-progress');
  }

  end(call: Call, status: EndStatus) {
    if (!LIVE.includes(call.status)) return;
    call.ended = this.ctx.now();
    this.recordings.finishAll({ callSid: call.sid });
    if (call.conferenceSid) this.leaveConference(call);
    this.setStatus(call, status);
    this.interrupt(call);
  }

  /** Puts the call in a conference; if the conference ends under it, the call goes on from its <Dial>. */
  joinConference(call: Call, join: Omit<Parameters<Conferences['join']>[1], 'removed'>) {
    const removed = () => {
      call.conferenceSid = null;
      this.note(call, 'conference-ended');
      this.interrupt(call);
    };
    call.conferenceSid = this.conferences.join(call.sid, { ...join, removed }).sid;
  }

  private leaveConference(call: Call) {
    this.conferences.leave(call.sid, call.conferenceSid!);
    call.conferenceSid = null;
  }

  private setStatus(call: Call, status: CallStatus) {
    call.status = status;
    call.updated = this.ctx.now();
    this.note(call, status === 'in-progress' ? 'answered' : status);
  }

  /** Adds to the call's log, with the call's and its recordings' states now. */
  note(call: Call, step: string, details: Record<string, unknown> = {}) {
    call.log.push({
      at: new Date(this.ctx.now()).toISOString(),
      step,
      ...details,
      callStatus: call.status,
      recordings: this.recordings.of({ callSid: call.sid }).map((r) => r.status),
    });
  }

  /** Waits `ms`, or less if the call ends or is given another script first. */
  sleep(call: Call, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        call.wake = call.wake.filter((w) => w !== done);
        resolve();
      }
      call.wake.push(done);
    });
  }

  /** Waits until the call ends or is given another script. */
  untilInterrupted(call: Call): Promise<void> {
    return new Promise((resolve) => call.wake.push(resolve));
  }

  private interrupt(call: Call) {
    const waiting = call.wake;
    call.wake = [];
    waiting.forEach((w) => w());
  }

  json(c: Call) {
    const base = `/2010-04-01/Accounts/${this.ctx.accountSid}`;
    return {
      sid: c.sid,
      date_created: rfc2822(c.created),
      date_updated: rfc2822(c.updated),
      parent_call_sid: null,
      account_sid: this.ctx.accountSid,
      to: c.to,
      to_formatted: c.to,
      from: c.from,
      from_formatted: c.from,
      phone_number_sid: null,
      status: c.status,
      start_time: c.answered === null ? null : rfc2822(c.answered),
      end_time: c.ended === null ? null : rfc2822(c.ended),
      duration: c.ended === null ? null : String(c.answered === null ? 0 : Math.round((c.ended - c.answered) / 1000)),
      price: null,
      price_unit: 'USD',
      direction: c.direction,
      answered_by: null,
      api_version: '2010-04-01',
      forwarded_from: null,
      group_sid: null,
      caller_name: null,
      queue_time: '0',
      trunk_sid: null,
      uri: `${base}/Calls/${c.sid}.json`,
      subresource_uris: { recordings: `${base}/Calls/${c.sid}/Recordings.json` },
    };
  }

  routes(account: Router, A: string) {
    const base = `/2010-04-01/Accounts/${this.ctx.accountSid}`;
    account.post(A + '/Calls.json', (req, res) => {
      const to = single(req, 'To');
      const from = single(req, 'From');
      const url = single(req, 'Url');
      const twiml = single(req, 'Twiml');
      if (!to) throw errors.missingParameter(21201, 'To');
      if (!from) throw errors.missingParameter(21213, 'From');
      if (!url && !twiml && !single(req, 'ApplicationSid')) throw errors.missingParameter(21205, 'Url');
      if (url && !/^https?:\/\//.test(url)) throw errors.invalidParameter('Url', 'must be an absolute URL');
      const method = oneOf('Method', single(req, 'Method')?.toUpperCase(), ['GET', 'POST'] as const, 'POST');
      const call = this.create({ to, from, direction: 'outbound-api', inputs: [] });
      this.dial(call, twiml ? { twiml } : url ? { url, method } : { twiml: '<Response/>' });
      res.status(201).json(this.json(call));
    });
    account.get(A + '/Calls.json', (req, res) => {
      const status = single(req, 'Status');
      const list = [...this.all.values()].filter((c) => !status || c.status === status).reverse();
      res.json(listPage(req, 'calls', `${base}/Calls.json`, list, (c) => this.json(c)));
    });
    account.get(A + '/Calls/:CallSid.json', (req, res) => {
      res.json(this.json(this.find(req.params.CallSid as string)));
    });
    account.post(A + '/Calls/:CallSid.json', (req, res) => {
      const call = this.find(req.params.CallSid as string);
      const status = single(req, 'Status');
      const twiml = single(req, 'Twiml');
      const url = single(req, 'Url');
      if (status !== undefined) oneOf('Status', status, ['completed', 'canceled'] as const, 'completed');
      if (!this.isLive(call)) throw errors.callNotInProgress(call.sid);
      if (status) this.end(call, status as 'completed' | 'canceled');
      else if (twiml || url) this.run(call, twiml ? { twiml } : { url: url!, method: 'POST' });
      res.json(this.json(call));
    });
  }
}
