import type { Alerts } from '../alerts';
import type { CallbackDelivery } from '../callbacks';
import { errors } from '../errors';
import { newSid } from '../format';
import { answerPrompt, keyed } from '../voice/caller';
import type { Call, Calls } from '../voice/calls';
import { capturePayment, type PayOptions, type PayResult } from '../voice/pay';
import type { Voice } from '../voice';
import { callbackRequest, type Recordings } from '../voice/recordings';
import type { TwimlInterpreter } from '../voice/twiml/interpreter';
import { parseTwiml } from '../voice/twiml/parse';
import type { Flows } from './flows';
import type { QueueResult, StudioQueue } from './queue';
import type { State } from './validate';

/** One widget about to run on a call: its state, and how to render its templates and URLs. */
export interface WidgetRun {
  call: Call;
  generation: number;
  state: State;
  props: Record<string, unknown>;
  render(template: unknown): Promise<string>;
  /** A rendered URL, with the run's rewrites applied. */
  url(template: unknown): Promise<string>;
  flowSid: string;
  executionSid: string;
  contact: string;
}

/** What one widget did: the event it ended with, its outputs (`widgets.<name>.*`), and what it was given. */
export interface Step {
  event: string;
  /** Given when the widget picks its transition itself (a split's branch). */
  next?: string;
  outputs: Record<string, unknown>;
  shown: Record<string, unknown>;
}

/** Capture Payments' events, from <Pay>'s Result. */
const PAY_EVENTS: Record<PayResult, string> = {
  success: 'success',
  'too-many-failed-attempts': 'maxFailedAttempts',
  'caller-interrupted-with-star': 'payInterrupted',
  'caller-hung-up': 'hangup',
  'payment-connector-error': 'providerError',
  'validation-error': 'validationError',
  // Studio documents no event of its own for Twilio's internal error: the provider's is the nearest (unconfirmed).
  'internal-error': 'providerError',
};

/**
 * The widget's choices as `<Pay>` attributes: Studio spells `master-card` where `<Pay>` spells `mastercard`,
 * and exports `postal_code` as the string "true"/"false".
 */
function payChoices(p: Record<string, unknown>): Pick<PayOptions, 'validCardTypes' | 'postalCode' | 'securityCode'> {
  return {
    ...(Array.isArray(p.valid_card_types)
      ? { validCardTypes: p.valid_card_types.map((t) => (String(t) === 'master-card' ? 'mastercard' : String(t))) }
      : {}),
    ...(p.postal_code === undefined ? {} : { postalCode: String(p.postal_code) !== 'false' }),
    ...(p.security_code === undefined ? {} : { securityCode: p.security_code !== false }),
  };
}

/** Enqueue Call and Send to Flex events, from `<Enqueue>`'s QueueResult (Enqueue Call widget page). */
const QUEUE_EVENTS: Partial<Record<QueueResult, string>> = {
  'queue-full': 'failedToEnqueue',
  'system-error': 'callFailure',
};

/** Connect Call To's nouns the emulator dials: the callee answers and hangs up, unless the caller hangs up first. */
const DIALLED = ['number', 'number-multi', 'client', 'client-multi', 'sip', 'sim'];

/**
 * Why Voice would not dial a number: 13223 when it is not E.164 (twilio.com/docs/api/errors/13223), 13224
 * for a US number in the 555 exchange, which does not exist (twilio.com/docs/api/errors/13224).
 */
function undialable(number: string): { code: number; text: string } | undefined {
  if (!/^\+[1-9]\d{1,14}$/.test(number))
    return { code: 13223, text: `Dial: Invalid phone number format: ${number} is not E.164` };
  if (/^\+1\d{3}555\d{4}$/.test(number))
    return {
      code: 13224,
      text: `Dial: Twilio does not support calling this number or the number is invalid: ${number}`,
    };
  return undefined;
}

/** TwiML Redirect's default time to wait for the TwiML to return, in seconds (4 hours). */
const REDIRECT_TIMEOUT_S = 14_400;
/** How long Voice waits for the redirected TwiML's document (its webhook timeout). */
const FETCH_TIMEOUT_MS = 15_000;

/** The JSON a template rendered to (`{}` when blank), or undefined when it is not JSON. */
function jsonObject(text: string): unknown {
  try {
    return text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The verbs of a fetched TwiML document, or why there are none. */
function twimlOf(status: number | undefined, body: string | undefined, error: string | undefined) {
  if (!status || status < 200 || status >= 300) return `answered ${status || error}`;
  try {
    return parseTwiml(body ?? '');
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * The widgets that act on the call, each as its widget-library page says, with the caller's scripted
 * inputs standing in for the person on the line.
 */
export class CallWidgets {
  private readonly alerts: Alerts;
  private readonly calls: Calls;
  private readonly recordings: Recordings;
  private readonly webhooks: CallbackDelivery;
  private readonly twiml: TwimlInterpreter;

  constructor(
    voice: Voice,
    private readonly queue: StudioQueue,
    private readonly flows: Flows,
  ) {
    ({
      calls: this.calls,
      recordings: this.recordings,
      callbacks: this.webhooks,
      twiml: this.twiml,
      alerts: this.alerts,
    } = voice);
  }

  async run(run: WidgetRun): Promise<Step> {
    const { call, state, props: p } = run;
    switch (state.type) {
      case 'say-play': {
        this.calls.answer(call);
        const shown = p.play
          ? { play: await run.render(p.play) }
          : p.say
            ? { say: await run.render(p.say) }
            : { digits: await run.render(p.digits) };
        return { event: 'audioComplete', outputs: {}, shown };
      }
      case 'gather-input-on-call':
        return this.gather(run);
      case 'capture-payments': {
        this.calls.answer(call);
        const capture = capturePayment(call.inputs, {
          maxAttempts: Number(p.max_attempts ?? 2),
          chargeAmount: p.payment_amount === undefined ? undefined : await run.render(p.payment_amount),
          currency: p.currency === undefined ? undefined : String(p.currency),
          ...payChoices(p),
        });
        if (capture.result === 'caller-hung-up') this.calls.end(call, 'completed');
        return {
          event: PAY_EVENTS[capture.result],
          outputs: capture.params,
          shown: { result: capture.result, attempts: capture.attempts },
        };
      }
      case 'send-to-flex':
      case 'enqueue-call':
        return this.enqueue(run);
      case 'connect-call-to':
        return this.connect(run);
      case 'record-voicemail':
        return this.voicemail(run);
      case 'add-twiml-redirect':
        return this.redirect(run);
      case 'record-call':
        return this.recordCall(run);
      case 'send-message': {
        const message = {
          to: p.to === undefined ? run.contact : await run.render(p.to),
          from: p.from === undefined ? call.to : await run.render(p.from),
          body: await run.render(p.body),
        };
        const sid = newSid('SM');
        this.calls.note(call, 'message', { sid, ...message });
        return { event: 'sent', outputs: { message_sid: sid }, shown: message };
      }
      default:
        throw new Error(`the emulator's Studio runner does not run ${state.type} widgets (${state.name})`);
    }
  }

  /**
   * Call Recording: starts (`record_call` true) or stops (false) a recording of the call as the REST API
   * does, so it fails on a call not yet answered (21220: a widget that speaks or listens comes first) and
   * stops the one active recording (`Twilio.CURRENT`: with several, 16108) — which recording Studio stops
   * is not documented. Channels default to dual, callbacks to `completed` only.
   */
  private async recordCall(run: WidgetRun): Promise<Step> {
    const { call, props: p } = run;
    const succeeded = (sid: string, status: string) => ({
      event: 'success',
      outputs: { Sid: sid, CallSid: call.sid, Status: status },
      shown: { recordingSid: sid, status },
    });
    try {
      if (call.status !== 'in-progress') throw errors.callNotInProgress(call.sid);
      if (p.record_call !== true) {
        const r = this.recordings.find({ callSid: call.sid }, 'Twilio.CURRENT');
        this.recordings.finish(r, 'api');
        return succeeded(r.sid, 'stopped');
      }
      const events = p.recording_status_callback_events;
      const r = this.recordings.start(
        {
          callSid: call.sid,
          conferenceSid: null,
          channels: p.recording_channels === 'mono' ? 1 : 2,
          source: 'StartCallRecordingAPI',
          track: 'both',
        },
        callbackRequest(
          p.recording_status_callback === undefined ? undefined : await run.url(p.recording_status_callback),
          p.recording_status_callback_method as string | undefined,
          events === undefined ? undefined : String(events).split(/\s+/).filter(Boolean),
        ),
      );
      return succeeded(r.sid, r.status);
    } catch (err) {
      return { event: 'failed', outputs: {}, shown: { error: (err as Error).message } };
    }
  }

  private async gather(run: WidgetRun): Promise<Step> {
    const { call, state, props: p } = run;
    this.calls.answer(call);
    const say = await run.render(p.say);
    // Studio listens for speech only when the speech transition leads somewhere.
    const speechOn = state.transitions.some((t) => t.event === 'speech' && t.next);
    const input = answerPrompt(call.inputs);
    if ('hangup' in input) {
      this.calls.end(call, 'completed');
      return { event: 'hangup', outputs: {}, shown: { say, input: 'hangup' } };
    }
    if ('digits' in input) {
      const digits = keyed(input.digits, String(p.finish_on_key ?? '#'), Number(p.number_of_digits) || undefined);
      return { event: 'keypress', outputs: { Digits: digits }, shown: { say, input: 'keypress' } };
    }
    if ('speech' in input && speechOn)
      return {
        event: 'speech',
        outputs: { SpeechResult: input.speech, Confidence: '0.92' },
        shown: { say, input: 'speech' },
      };
    return { event: 'timeout', outputs: {}, shown: { say, input: 'timeout' } };
  }

  /**
   * Send to Flex and Enqueue Call: the call waits on hold in a queue the control surface shows, until
   * an agent takes it, it leaves, or it hangs up (`callComplete`, as `<Enqueue>`'s action is
   * requested); a full queue gives `failedToEnqueue`, a system error `callFailure`.
   */
  private async enqueue(run: WidgetRun): Promise<Step> {
    const { call, state, props: p } = run;
    this.calls.answer(call);
    const flex = state.type === 'send-to-flex';
    const workflow = flex ? await run.render(p.workflow) : p.workflow_sid ? await run.render(p.workflow_sid) : null;
    const raw = await run.render(flex ? p.attributes : p.task_attributes);
    const attributes = jsonObject(raw);
    // TaskRouter refuses attributes that are not JSON: the call is not enqueued.
    if (attributes === undefined)
      return { event: 'failedToEnqueue', outputs: {}, shown: { error: `task attributes are not JSON: ${raw}` } };
    const queue = p.queue_name ? await run.render(p.queue_name) : workflow!;
    const gone = this.calls
      .untilInterrupted(call)
      .then((): QueueResult => (this.calls.isLive(call) ? 'redirected' : 'hangup'));
    const { result, seconds } = await this.queue.hold(
      {
        callSid: call.sid,
        flowSid: run.flowSid,
        executionSid: run.executionSid,
        widget: state.name,
        type: flex ? 'send-to-flex' : 'enqueue-call',
        queue,
        workflow,
        channel: flex ? await run.render(p.channel) : null,
        attributes,
        priority: Number(p.priority ?? 0) || 0,
        timeout: p.timeout === undefined ? null : Number(p.timeout),
        waitUrl: (flex ? p.waitUrl : p.wait_url) === undefined ? null : await run.url(flex ? p.waitUrl : p.wait_url),
      },
      gone,
    );
    const outputs = { QueueResult: result, QueueSid: this.queue.sidOf(queue), QueueTime: String(seconds) };
    return { event: QUEUE_EVENTS[result] ?? 'callComplete', outputs, shown: { queue, result } };
  }

  /** Connect Call To: `<Dial>`; the callee answers, then the call goes on (`callCompleted`) unless the caller hung up. */
  private async connect(run: WidgetRun): Promise<Step> {
    const { call, state, props: p } = run;
    const noun = String(p.noun);
    if (noun === 'conference') return this.conference(run);
    if (!DIALLED.includes(noun)) throw new Error(`the emulator's Studio runner does not dial ${noun} (${state.name})`);
    this.calls.answer(call);
    const to = await run.render(p.to);
    const shown = { noun, to, callerId: p.caller_id === undefined ? call.to : await run.render(p.caller_id) };
    // The <Dial> fails at once, its action told `failed`, and the flow goes on (the debugger has the code).
    const refused = noun.startsWith('number')
      ? to
          .split(',')
          .map((n) => undialable(n.trim()))
          .find(Boolean)
      : undefined;
    if (refused) {
      this.alerts.warn(refused.code, refused.text, call.sid);
      return {
        event: 'callCompleted',
        outputs: { DialCallStatus: 'failed' },
        shown: { ...shown, error: refused.code },
      };
    }
    if ('hangup' in (call.inputs[0] ?? {})) {
      call.inputs.shift();
      this.calls.end(call, 'completed');
      return { event: 'hangup', outputs: { DialCallStatus: 'completed' }, shown: { ...shown, input: 'hangup' } };
    }
    const outputs = { DialCallStatus: 'completed', DialCallSid: newSid('CA'), DialCallDuration: '0' };
    return { event: 'callCompleted', outputs, shown };
  }

  /**
   * Connect Call To a conference: `<Dial><Conference>`, in the emulator's conference model, so that it
   * starts (and `record` records it from the start) once a second participant is in. `to` is a live
   * conference's SID, as the widget page names it, or else the name of the room. The call stays until
   * the conference ends under it (`callCompleted`) or it hangs up (`hangup`).
   */
  private async conference(run: WidgetRun): Promise<Step> {
    const { call, generation, props: p } = run;
    this.calls.answer(call);
    const to = await run.render(p.to);
    this.calls.joinConference(call, {
      name: to,
      record: p.record === true,
      startConferenceOnEnter: true,
      endConferenceOnExit: false,
      recordingStatusCallback: callbackRequest(undefined, undefined, undefined),
    });
    const shown = { noun: 'conference', to, conferenceSid: call.conferenceSid };
    if (this.calls.isLive(call, generation)) await this.calls.untilInterrupted(call);
    if (!this.calls.isLive(call, generation)) return { event: 'hangup', outputs: {}, shown };
    return { event: 'callCompleted', outputs: { DialCallStatus: 'completed' }, shown };
  }

  /** Record Voicemail: `<Record>`; the caller's speech is the message, silence is `noAudio`, a hang-up `hangup`. */
  private async voicemail(run: WidgetRun): Promise<Step> {
    const { call, props: p } = run;
    this.calls.answer(call);
    const input = answerPrompt(call.inputs);
    if ('hangup' in input) {
      this.calls.end(call, 'completed');
      return { event: 'hangup', outputs: {}, shown: { input: 'hangup' } };
    }
    if (!('speech' in input))
      return {
        event: 'noAudio',
        outputs: 'digits' in input ? { Digits: input.digits } : {},
        shown: { input: 'digits' in input ? 'keypress' : 'silence' },
      };
    const sid = newSid('RE');
    const seconds = Math.min(input.speech.split(/\s+/).length, Number(p.max_length ?? 3600));
    const outputs = {
      RecordingSid: sid,
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${this.twiml.callParams(call).AccountSid}/Recordings/${sid}`,
      RecordingDuration: String(seconds),
      ...(p.transcribe === true ? { TranscriptionText: input.speech } : {}),
    };
    return { event: 'recordingComplete', outputs, shown: { input: 'speech', seconds } };
  }

  /**
   * TwiML Redirect: the call goes to the TwiML at `url` (fetched, signed, as Voice fetches a
   * `<Redirect>`) and runs it; control comes back with `return` when that TwiML's next request is the
   * flow's webhook with `FlowEvent=return` (the request's query and posted parameters become the
   * widget's outputs). A failed first fetch is `fail`; no return within `timeout` seconds is `timeout`,
   * Studio taking the call back; TwiML that hangs up or runs out ends the call, and the execution.
   */
  private async redirect(run: WidgetRun): Promise<Step> {
    const { call, generation, props: p } = run;
    const url = await run.url(p.url);
    const method = String(p.method ?? 'POST').toUpperCase() === 'GET' ? 'GET' : 'POST';
    const timeoutS = Number(p.timeout ?? REDIRECT_TIMEOUT_S) || REDIRECT_TIMEOUT_S;
    const started = Date.now();
    const answer = await this.webhooks.deliver(
      url,
      method,
      this.twiml.callParams(call),
      Math.min(timeoutS * 1000, FETCH_TIMEOUT_MS),
    );
    if (answer.error?.includes('timeout') || answer.error?.includes('aborted'))
      return { event: 'timeout', outputs: {}, shown: { url, error: answer.error } };
    const verbs = twimlOf(answer.status, answer.body, answer.error);
    if (typeof verbs === 'string') return { event: 'fail', outputs: {}, shown: { url, error: verbs } };
    const shown = { url, verbs: verbs.map((v) => v.name) };
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        this.calls.takeBack(call);
      },
      timeoutS * 1000 - (Date.now() - started),
    );
    timer.unref();
    try {
      const back = await this.twiml.runExcursion(
        call,
        generation,
        { twiml: answer.body ?? '', url },
        { handBack: (next) => this.returnsTo(next.url, run.flowSid), stopped: () => timedOut },
      );
      if (back) {
        const outputs = { ...Object.fromEntries(new URL(back.url).searchParams), ...back.params };
        delete outputs.FlowEvent;
        return { event: 'return', outputs, shown };
      }
    } finally {
      clearTimeout(timer);
    }
    if (timedOut && this.calls.isLive(call, generation)) return { event: 'timeout', outputs: {}, shown };
    // The TwiML hung up or ran out (Voice hangs up then), which ends the execution.
    return { event: 'ended', outputs: {}, shown };
  }

  private returnsTo(target: string, flowSid: string): boolean {
    try {
      const url = new URL(target);
      return (
        `${url.origin}${url.pathname}` === this.flows.webhookUrl(flowSid) &&
        url.searchParams.get('FlowEvent') === 'return'
      );
    } catch {
      return false;
    }
  }
}
