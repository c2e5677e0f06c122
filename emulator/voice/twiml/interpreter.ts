import type { EmulatorContext } from '../../app';
import type { CallbackDelivery } from '../../callbacks';
import { answerPrompt, keyed } from '../caller';
import type { Call, Calls } from '../calls';
import { capturePayment } from '../pay';
import { callbackRequest } from '../recordings';
import { parseTwiml, type Verb } from './parse';

/** A request for TwiML: the document's URL and what Twilio adds to its own parameters. */
export interface Fetch {
  url: string;
  method: 'GET' | 'POST';
  params?: Record<string, string>;
}

/** After a document: fetch another, hang up because it ran out, or stop (the call ended or was redirected). */
type Next = Fetch | 'ran-out' | 'stop';

/**
 * TwiML a call was sent to from elsewhere (Studio's TwiML Redirect widget), run until `handBack` takes
 * the next request (the flow's return) or `stopped` says the sender has taken the call back.
 */
export interface Excursion {
  handBack(next: Fetch): boolean;
  stopped(): boolean;
}

const absolute = (target: string, documentUrl: string | undefined) => new URL(target, documentUrl).toString();
/** A URL relative to the document, as Twilio resolves TwiML's; left as written when it cannot be (inline TwiML). */
const resolved = (target: string, documentUrl: string | undefined) =>
  URL.canParse(target, documentUrl) ? absolute(target, documentUrl) : target;
const httpMethod = (value: string | undefined): 'GET' | 'POST' => (value?.toUpperCase() === 'GET' ? 'GET' : 'POST');

/**
 * Runs TwiML on a call as Twilio does: verb by verb, fetching each webhook (signed like every Twilio
 * request) for <Redirect>, <Gather> and <Pay> actions, answering the caller from its script, and hanging
 * up when a document runs out. Every verb is written to the call's log.
 */
export class TwimlInterpreter {
  constructor(
    private readonly ctx: EmulatorContext,
    private readonly calls: Calls,
    private readonly webhooks: CallbackDelivery,
  ) {}

  /** The parameters Twilio sends with every request about a call. */
  callParams(call: Call): Record<string, string> {
    return {
      AccountSid: this.ctx.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: call.sid,
      CallStatus: call.status,
      Direction: call.direction,
      From: call.from,
      To: call.to,
      Caller: call.from,
      Called: call.to,
    };
  }

  async run(call: Call, generation: number, source: { twiml: string } | Fetch): Promise<void> {
    const document = 'twiml' in source ? { twiml: source.twiml } : await this.fetch(call, source);
    if (document) await this.documents(call, generation, document);
  }

  /** Runs an excursion's TwiML from its first document; answers the request handed back, if one was. */
  runExcursion(
    call: Call,
    generation: number,
    document: { twiml: string; url: string },
    excursion: Excursion,
  ): Promise<Fetch | undefined> {
    return this.documents(call, generation, document, excursion);
  }

  private async documents(
    call: Call,
    generation: number,
    first: { twiml: string; url?: string },
    excursion?: Excursion,
  ): Promise<Fetch | undefined> {
    const going = () => this.calls.isLive(call, generation) && !excursion?.stopped();
    let document: { twiml: string; url?: string } | undefined = first;
    while (document && going()) {
      let verbs: Verb[];
      try {
        verbs = parseTwiml(document.twiml);
      } catch (err) {
        return this.fail(call, (err as Error).message);
      }
      const next = await this.execute(call, going, verbs, document.url);
      if (!going() || next === 'stop') return undefined;
      if (next === 'ran-out') {
        this.calls.note(call, 'hangup', { reason: 'no more TwiML' });
        this.calls.end(call, 'completed');
        return undefined;
      }
      if (excursion?.handBack(next)) return next;
      document = await this.fetch(call, next);
    }
    return undefined;
  }

  /** Fetches TwiML from a webhook; a failure ends the call, as Twilio's "application error" does (11200). */
  private async fetch(call: Call, request: Fetch): Promise<{ twiml: string; url: string } | undefined> {
    const delivery = await this.webhooks.deliver(request.url, request.method, {
      ...this.callParams(call),
      ...request.params,
    });
    const ok = delivery.status !== undefined && delivery.status >= 200 && delivery.status < 300;
    this.calls.note(call, 'webhook', {
      url: request.url,
      method: request.method,
      params: request.params ?? {},
      status: delivery.status ?? delivery.error,
    });
    if (!ok)
      return this.fail(
        call,
        `HTTP retrieval failure (11200): ${request.url} answered ${delivery.status ?? delivery.error}`,
      );
    return { twiml: delivery.body ?? '', url: request.url };
  }

  private fail(call: Call, message: string): undefined {
    this.calls.note(call, 'application-error', { message });
    this.calls.end(call, 'completed');
    return undefined;
  }

  private async execute(
    call: Call,
    going: () => boolean,
    verbs: Verb[],
    documentUrl: string | undefined,
  ): Promise<Next> {
    // Any TwiML answers a ringing call, even <Redirect>, <Hangup> or none, except a <Reject> first
    // (twilio.com/docs/voice/twiml/reject).
    if (verbs[0]?.name !== 'Reject') this.calls.answer(call);
    for (const verb of verbs) {
      if (!going()) return 'stop';
      const next = await this.verb(call, going, verb, documentUrl);
      if (next) return next;
    }
    return 'ran-out';
  }

  /** Runs one verb; answers what comes next, or nothing to go on to the following verb. */
  private async verb(
    call: Call,
    going: () => boolean,
    verb: Verb,
    documentUrl: string | undefined,
  ): Promise<Next | undefined> {
    const { attrs } = verb;
    switch (verb.name) {
      case 'Say':
        this.calls.note(call, 'Say', { text: verb.text });
        return undefined;
      case 'Play':
        this.calls.note(call, 'Play', { url: verb.text });
        return undefined;
      case 'Pause': {
        const seconds = Number(attrs.length ?? 1);
        this.calls.note(call, 'Pause', { length: seconds });
        await this.calls.sleep(call, seconds * 1000);
        return undefined;
      }
      case 'Gather':
        return this.gather(call, verb, documentUrl);
      case 'Pay':
        return this.pay(call, verb, documentUrl);
      case 'Redirect':
        this.calls.note(call, 'Redirect', { url: verb.text });
        return { url: absolute(verb.text, documentUrl), method: httpMethod(attrs.method) };
      case 'Hangup':
        this.calls.note(call, 'Hangup');
        this.calls.end(call, 'completed');
        return 'stop';
      case 'Reject':
        this.calls.note(call, 'Reject', { reason: attrs.reason ?? 'rejected' });
        // Refused before it was answered: busy, or no-answer (the default reason, `rejected`); once answered, a hang-up.
        this.calls.end(
          call,
          call.status === 'in-progress' ? 'completed' : attrs.reason === 'busy' ? 'busy' : 'no-answer',
        );
        return 'stop';
      case 'Dial': {
        const conference = verb.children.find((c) => c.name === 'Conference');
        this.calls.note(call, 'Dial', conference ? { conference: conference.text } : { to: verb.text });
        if (!conference) return undefined;
        const a = conference.attrs;
        this.calls.joinConference(call, {
          name: conference.text,
          record: a.record === 'record-from-start',
          startConferenceOnEnter: a.startConferenceOnEnter !== 'false',
          endConferenceOnExit: a.endConferenceOnExit === 'true',
          recordingStatusCallback: callbackRequest(
            a.recordingStatusCallback === undefined ? undefined : resolved(a.recordingStatusCallback, documentUrl),
            a.recordingStatusCallbackMethod,
            a.recordingStatusCallbackEvent?.split(/\s+/).filter(Boolean),
          ),
        });
        // In the conference until the call ends, is sent other TwiML, or the conference ends under it
        // (then the call goes on to the next verb).
        if (going()) await this.calls.untilInterrupted(call);
        return going() && !call.conferenceSid ? undefined : 'stop';
      }
      default:
        this.calls.note(call, verb.name, { unsupported: true });
        return undefined;
    }
  }

  private gather(call: Call, verb: Verb, documentUrl: string | undefined): Next | undefined {
    const { attrs } = verb;
    const prompt = verb.children
      .filter((c) => c.name === 'Say')
      .map((c) => c.text)
      .join(' ');
    const kinds = (attrs.input ?? 'dtmf').split(/\s+/);
    const input = answerPrompt(call.inputs);
    if ('hangup' in input) {
      this.calls.note(call, 'Gather', { prompt, input: 'hangup' });
      this.calls.end(call, 'completed');
      return 'stop';
    }
    const params: Record<string, string> | undefined =
      'digits' in input && kinds.includes('dtmf')
        ? { Digits: keyed(input.digits, attrs.finishOnKey ?? '#', Number(attrs.numDigits) || undefined) }
        : 'speech' in input && kinds.includes('speech')
          ? { SpeechResult: input.speech, Confidence: '0.92' }
          : undefined;
    this.calls.note(call, 'Gather', { prompt, input: params ? Object.keys(params)[0] : 'timeout' });
    // Without input Twilio goes on to the next verb, unless asked to post the empty result.
    if (!params && attrs.actionOnEmptyResult !== 'true') return undefined;
    const action = attrs.action ?? documentUrl;
    if (!action) return undefined;
    return { url: absolute(action, documentUrl), method: httpMethod(attrs.method), params: params ?? { Digits: '' } };
  }

  /**
   * <Pay> (twilio.com/docs/voice/twiml/pay): its attributes with Twilio's defaults; a statusCallback POST
   * per stage (`For`, `Attempt`, `ErrorType`), in order, each before the next; `action` (default: this document) gets the Result, also
   * when the caller hangs up, though nothing can run on the ended call then.
   */
  private async pay(call: Call, verb: Verb, documentUrl: string | undefined): Promise<Next | undefined> {
    const { attrs } = verb;
    const capture = capturePayment(call.inputs, {
      maxAttempts: Number(attrs.maxAttempts ?? 1),
      chargeAmount: attrs.chargeAmount,
      currency: attrs.currency,
      validCardTypes: attrs.validCardTypes?.split(/\s+/).filter(Boolean),
      postalCode:
        attrs.postalCode === undefined || attrs.postalCode === 'true'
          ? true
          : attrs.postalCode !== 'false' && attrs.postalCode,
      securityCode: attrs.securityCode !== 'false',
      paymentMethod: attrs.paymentMethod,
    });
    this.calls.note(call, 'Pay', { result: capture.result, attempts: capture.attempts });
    if (attrs.statusCallback) {
      // Each stage is reported as it happens, before the next one and before the action.
      const url = absolute(attrs.statusCallback, documentUrl);
      for (const stage of capture.progress)
        await this.webhooks.deliver(url, 'POST', { AccountSid: this.ctx.accountSid, CallSid: call.sid, ...stage });
    }
    const action = attrs.action ?? documentUrl;
    if (capture.result === 'caller-hung-up') {
      this.calls.end(call, 'completed');
      if (action) {
        const url = absolute(action, documentUrl);
        const posted = await this.webhooks.deliver(url, 'POST', { ...this.callParams(call), ...capture.params });
        this.calls.note(call, 'webhook', {
          url,
          method: 'POST',
          params: capture.params,
          status: posted.status ?? posted.error,
        });
      }
      return 'stop';
    }
    if (!action) return undefined;
    return { url: absolute(action, documentUrl), method: 'POST', params: capture.params };
  }
}
