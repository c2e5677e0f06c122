import { Liquid } from 'liquidjs';
import type { EmulatorContext } from '../app';
import type { CallbackDelivery } from '../callbacks';
import { newSid } from '../format';
import { answerPrompt, keyed } from '../voice/caller';
import type { Call, Calls } from '../voice/calls';
import { capturePayment, type PayResult } from '../voice/pay';
import type { TwimlInterpreter } from '../voice/twiml/interpreter';
import { conditionHolds, type Condition } from './conditions';

interface Transition {
  event: string;
  next?: string;
  conditions?: Condition[];
}

interface State {
  name: string;
  type: string;
  transitions: Transition[];
  properties: Record<string, unknown>;
}

/** A Studio flow definition as exported from the console (the parts a run needs). */
export interface FlowDefinition {
  description?: string;
  states: State[];
  initial_state: string;
}

/** What one widget did: the event it ended with, its outputs (`widgets.<name>.*`), and what it was given. */
interface Step {
  event: string;
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

/** Studio stops an execution after 1,000 steps. */
const MAX_STEPS = 1000;
/** A Run Function widget fails when the Function has not answered within 10 s, or answers more than 64 kB. */
const FUNCTION_TIMEOUT_MS = 10_000;
const FUNCTION_MAX_BYTES = 64 * 1024;

function checkFlow(raw: unknown): FlowDefinition | string {
  const flow = raw as FlowDefinition;
  if (!flow || !Array.isArray(flow.states) || typeof flow.initial_state !== 'string')
    return 'a flow needs "states" (an array) and "initial_state"';
  const names = new Set(flow.states.map((s) => s?.name));
  if (!names.has(flow.initial_state)) return `initial_state ${flow.initial_state} is not a state`;
  for (const s of flow.states) {
    if (typeof s.type !== 'string' || !Array.isArray(s.transitions))
      return `state ${s.name} needs a type and transitions`;
    for (const t of s.transitions)
      if (t.next && !names.has(t.next)) return `state ${s.name} goes to ${t.next}, which is not a state`;
  }
  return flow;
}

/**
 * Runs Studio flows on incoming calls as Studio does: widget by widget from the trigger, with Liquid
 * templates over `trigger`, `widgets`, `flow` and `contact`. Run Function widgets POST their parameters
 * (signed) to the Function's URL; call widgets act through the same caller script and <Pay> as TwiML,
 * and the first one that speaks or listens answers the call. Each step goes to the call's log.
 */
export class StudioRunner {
  private readonly flows = new Map<string, FlowDefinition>();
  private readonly liquid = new Liquid();

  constructor(
    ctx: EmulatorContext,
    private readonly calls: Calls,
    private readonly webhooks: CallbackDelivery,
    private readonly twiml: TwimlInterpreter,
  ) {
    this.liquid.registerFilter('to_json', (v: unknown) => JSON.stringify(v));
    ctx.onReset(() => this.flows.clear());
    ctx.control.post('/flows', (req, res) => {
      const flow = checkFlow(req.body);
      if (typeof flow === 'string') {
        res.status(400).json({ error: { code: 'INVALID_FLOW', message: flow } });
        return;
      }
      res.status(201).json({ sid: this.add(flow) });
    });
  }

  /** Keeps a flow to run on calls; answers its SID (FW…). */
  add(flow: FlowDefinition): string {
    const sid = newSid('FW');
    this.flows.set(sid, flow);
    return sid;
  }

  /** The flow as given, or why it cannot run. */
  check(raw: unknown): FlowDefinition | string {
    return checkFlow(raw);
  }

  has(flowSid: string): boolean {
    return this.flows.has(flowSid);
  }

  async run(call: Call, generation: number, flowSid: string, rewriteUrls: Record<string, string>): Promise<void> {
    const flow = this.flows.get(flowSid)!;
    const states = new Map(flow.states.map((s) => [s.name, s]));
    const executionSid = newSid('FN');
    const scope = {
      trigger: { call: this.twiml.callParams(call) },
      widgets: {} as Record<string, Record<string, unknown>>,
      flow: {
        sid: executionSid,
        flow_sid: flowSid,
        variables: {} as Record<string, unknown>,
        channel: { address: call.to },
        data: {},
      },
      contact: { channel: { address: call.from } },
    };
    this.calls.note(call, 'execution', { flowSid, executionSid });
    let state = states.get(flow.initial_state);
    for (let steps = 0; state && steps < MAX_STEPS && this.calls.isLive(call, generation); steps++) {
      const step = await this.widget(call, state, scope, rewriteUrls);
      scope.widgets[state.name] = step.outputs;
      this.calls.note(call, 'widget', { widget: state.name, type: state.type, event: step.event, ...step.shown });
      const next: string | undefined = step.next ?? state.transitions.find((t) => t.event === step.event)?.next;
      state = next ? states.get(next) : undefined;
    }
    // A transition to nowhere ends the execution, and with it the call.
    if (this.calls.isLive(call, generation)) {
      this.calls.note(call, 'execution ended', { executionSid });
      this.calls.end(call, 'completed');
    }
  }

  private render(template: unknown, scope: object): Promise<string> {
    return this.liquid.parseAndRender(String(template ?? ''), scope);
  }

  private async widget(
    call: Call,
    state: State,
    scope: object,
    rewriteUrls: Record<string, string>,
  ): Promise<Step & { next?: string }> {
    const p = state.properties;
    switch (state.type) {
      case 'trigger':
        return { event: 'incomingCall', outputs: {}, shown: {} };
      case 'say-play': {
        this.calls.answer(call);
        const say = await this.render(p.say, scope);
        return {
          event: 'audioComplete',
          outputs: {},
          shown: p.play ? { play: await this.render(p.play, scope) } : { say },
        };
      }
      case 'gather-input-on-call': {
        this.calls.answer(call);
        const say = await this.render(p.say, scope);
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
        if ('speech' in input && speechOn) {
          return {
            event: 'speech',
            outputs: { SpeechResult: input.speech, Confidence: '0.92' },
            shown: { say, input: 'speech' },
          };
        }
        return { event: 'timeout', outputs: {}, shown: { say, input: 'timeout' } };
      }
      case 'run-function':
        return this.runFunction(p, scope, rewriteUrls);
      case 'split-based-on': {
        const input = await this.render(p.input, scope);
        for (const t of state.transitions.filter((x) => x.event === 'match')) {
          let holds = true;
          for (const c of t.conditions ?? []) {
            const value = await this.render(c.arguments?.[0] ?? p.input, scope);
            holds &&= conditionHolds(c.type, value, await this.render(c.value, scope));
          }
          if (holds)
            return {
              event: 'match',
              next: t.next,
              outputs: {},
              shown: { input, matched: t.conditions?.map((c) => c.friendly_name ?? c.type) },
            };
        }
        return { event: 'noMatch', outputs: {}, shown: { input } };
      }
      case 'set-variables': {
        const vars = (scope as { flow: { variables: Record<string, unknown> } }).flow.variables;
        const set: Record<string, string> = {};
        for (const { key, value } of (p.variables ?? []) as Array<{ key: string; value: string }>)
          set[key] = vars[key] = await this.render(value, scope);
        return { event: 'next', outputs: set, shown: { variables: set } };
      }
      case 'capture-payments': {
        this.calls.answer(call);
        const capture = capturePayment(call.inputs, {
          maxAttempts: Number(p.max_attempts ?? 2),
          chargeAmount: p.payment_amount === undefined ? undefined : await this.render(p.payment_amount, scope),
          currency: p.currency === undefined ? undefined : String(p.currency),
        });
        if (capture.result === 'caller-hung-up') this.calls.end(call, 'completed');
        return {
          event: PAY_EVENTS[capture.result],
          outputs: capture.params,
          shown: { result: capture.result, attempts: capture.attempts },
        };
      }
      default:
        throw new Error(`the emulator's Studio runner does not run ${state.type} widgets (${state.name})`);
    }
  }

  /** Studio's Run Function: a signed form POST; 2xx within the time limit is `success`, anything else `fail`. */
  private async runFunction(
    p: Record<string, unknown>,
    scope: object,
    rewriteUrls: Record<string, string>,
  ): Promise<Step> {
    const params: Record<string, string> = {};
    for (const { key, value } of (p.parameters ?? []) as Array<{ key: string; value: string }>)
      params[key] = await this.render(value, scope);
    let url = String(p.url);
    for (const [from, to] of Object.entries(rewriteUrls)) if (url.startsWith(from)) url = to + url.slice(from.length);
    const answer = await this.webhooks.deliver(url, 'POST', params, FUNCTION_TIMEOUT_MS);
    const status = answer.status ?? 0;
    const outputs: Record<string, unknown> = {
      status_code: status,
      body: answer.body ?? '',
      content_type: answer.contentType ?? '',
    };
    if (answer.contentType?.includes('application/json')) {
      try {
        outputs.parsed = JSON.parse(answer.body ?? '');
      } catch {
        // Studio leaves `parsed` out when the body is not JSON.
      }
    }
    const ok = status >= 200 && status < 300 && Buffer.byteLength(answer.body ?? '') <= FUNCTION_MAX_BYTES;
    return {
      event: ok ? 'success' : 'fail',
      outputs,
      shown: { url, params, status_code: status, parsed: outputs.parsed },
    };
  }
}
