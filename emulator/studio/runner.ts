import { Liquid } from 'liquidjs';
import type { Alerts } from '../alerts';
import type { EmulatorContext } from '../app';
import type { CallbackDelivery } from '../callbacks';
import type { Call, Calls } from '../voice/calls';
import type { Voice } from '../voice';
import type { TwimlInterpreter } from '../voice/twiml/interpreter';
import { CallWidgets, type Step, type WidgetRun } from './call-widgets';
import { conditionHolds } from './conditions';
import type { Executions } from './executions';
import type { Flows } from './flows';
import { httpRequest, rewritten, runFunction } from './http';
import type { StudioQueue } from './queue';
import type { State } from './validate';

/** Studio stops an execution after 1,000 steps. */
const MAX_STEPS = 1000;
/**
 * "If the same widget runs 10 times in a row during an Execution, that Execution will stop" (Studio FAQ),
 * with warning 81001, "Widget has exceeded max steps in a loop" (twilio.com/docs/api/errors/81001).
 */
const MAX_RUNS_IN_A_ROW = 10;

interface Scope {
  trigger: { call: Record<string, string> };
  widgets: Record<string, Record<string, unknown>>;
  flow: {
    sid: string;
    flow_sid: string;
    variables: Record<string, unknown>;
    channel: { address: string };
    data: Record<string, unknown>;
  };
  contact: { channel: { address: string } };
}

/**
 * Runs Studio flows on incoming calls as Studio does: widget by widget from the trigger, with Liquid
 * templates over `trigger`, `widgets`, `flow` and `contact`. Server-side widgets (Run Function, Make
 * HTTP Request, Split, Set Variables) run here; call widgets act on the call, and the first one that
 * speaks or listens answers it. Each step goes to the call's log and to the execution's steps.
 */
export class StudioRunner {
  private readonly liquid = new Liquid();
  private readonly callWidgets: CallWidgets;
  private readonly calls: Calls;
  private readonly webhooks: CallbackDelivery;
  private readonly twiml: TwimlInterpreter;
  private readonly alerts: Alerts;

  constructor(
    private readonly ctx: EmulatorContext,
    private readonly flows: Flows,
    private readonly executions: Executions,
    queue: StudioQueue,
    voice: Voice,
  ) {
    this.calls = voice.calls;
    this.webhooks = voice.callbacks;
    this.twiml = voice.twiml;
    this.alerts = voice.alerts;
    this.liquid.registerFilter('to_json', (v: unknown) => JSON.stringify(v));
    this.callWidgets = new CallWidgets(voice, queue, flows);
  }

  async run(call: Call, generation: number, flowSid: string, rewriteUrls: Record<string, string>): Promise<void> {
    const flow = this.flows.find(flowSid);
    if (!flow) throw new Error(`flow ${flowSid} was deleted`);
    const states = new Map(flow.definition.states.map((s) => [s.name, s]));
    const scope: Scope = {
      trigger: { call: this.twiml.callParams(call) },
      widgets: {},
      flow: { sid: '', flow_sid: flowSid, variables: {}, channel: { address: call.to }, data: {} },
      contact: { channel: { address: call.from } },
    };
    const execution = this.executions.start(flowSid, call.from, scope);
    scope.flow.sid = execution.sid;
    this.calls.note(call, 'execution', { flowSid, executionSid: execution.sid });
    try {
      let state = states.get(flow.definition.initial_state);
      let inARow = 0;
      for (let steps = 0, last = ''; state && steps < MAX_STEPS && this.calls.isLive(call, generation); steps++) {
        inARow = state.name === last ? inARow + 1 : 1;
        last = state.name;
        if (inARow > MAX_RUNS_IN_A_ROW) {
          this.alerts.warn(81001, `Widget ${state.name} has exceeded max steps in a loop`, execution.sid);
          this.calls.note(call, 'execution stopped', { widget: state.name, code: 81001 });
          break;
        }
        const run: WidgetRun = {
          call,
          generation,
          state,
          props: state.properties,
          render: (template) => this.render(template, scope),
          url: async (template) => rewritten(await this.render(template, scope), rewriteUrls),
          flowSid,
          executionSid: execution.sid,
          contact: call.from,
        };
        const step = await this.widget(run, scope);
        scope.widgets[state.name] = step.outputs;
        this.calls.note(call, 'widget', { widget: state.name, type: state.type, event: step.event, ...step.shown });
        // A split names its branch itself: several transitions share the `match` event.
        const next = 'next' in step ? step.next : state.transitions.find((t) => t.event === step.event)?.next;
        this.executions.step(execution, state.name, step.event, next || undefined, step.outputs);
        state = next ? states.get(next) : undefined;
      }
    } finally {
      this.executions.end(execution);
    }
    // A transition to nowhere ends the execution, and with it the call.
    if (this.calls.isLive(call, generation)) {
      this.calls.note(call, 'execution ended', { executionSid: execution.sid });
      this.calls.end(call, 'completed');
    }
  }

  private render(template: unknown, scope: object): Promise<string> {
    return this.liquid.parseAndRender(String(template ?? ''), scope);
  }

  /** The rendered `[{key, value}]` list a widget sends. */
  private async keyValues(run: WidgetRun, list: unknown): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const { key, value } of (list ?? []) as Array<{ key: string; value: string }>)
      out[key] = await run.render(value);
    return out;
  }

  private async widget(run: WidgetRun, scope: Scope): Promise<Step> {
    const { state, props: p } = run;
    switch (state.type) {
      case 'trigger':
        return { event: 'incomingCall', outputs: {}, shown: {} };
      case 'run-function': {
        const result = await runFunction(this.webhooks, await run.url(p.url), await this.keyValues(run, p.parameters));
        return { event: result.ok ? 'success' : 'fail', outputs: result.outputs, shown: result.shown };
      }
      case 'make-http-request': {
        const json = String(p.content_type ?? '').startsWith('application/json');
        const result = await httpRequest({
          url: await run.url(p.url),
          method: String(p.method ?? 'GET').toUpperCase() === 'POST' ? 'POST' : 'GET',
          params: await this.keyValues(run, p.parameters),
          json: json ? await run.render(p.body) : undefined,
          auth: p.add_twilio_auth === true ? `${this.ctx.accountSid}:${this.ctx.authToken}` : undefined,
        });
        return { event: result.ok ? 'success' : 'failed', outputs: result.outputs, shown: result.shown };
      }
      case 'split-based-on':
        return this.split(run, state);
      case 'run-subflow': {
        // A subflow the account does not have: error 81024, "Subflow could not be executed" (Subflow
        // definition does not exist, twilio.com/docs/api/errors/81024), and the widget's `failed`.
        const subflow = await run.render(p.flow_sid);
        if (this.flows.find(subflow))
          throw new Error(`the emulator's Studio runner does not run subflows (${state.name})`);
        this.alerts.error(81024, `Subflow could not be executed: flow ${subflow} does not exist`, run.executionSid);
        return { event: 'failed', outputs: {}, shown: { flowSid: subflow, error: 81024 } };
      }
      case 'set-variables': {
        const set = await this.keyValues(run, p.variables);
        Object.assign(scope.flow.variables, set);
        return { event: 'next', outputs: set, shown: { variables: set } };
      }
      default:
        return this.callWidgets.run(run);
    }
  }

  /** The first `match` whose conditions all hold (each on its rendered argument, else the input), else `noMatch`. */
  private async split(run: WidgetRun, state: State): Promise<Step> {
    const input = await run.render(run.props.input);
    for (const t of state.transitions.filter((x) => x.event === 'match')) {
      let holds = true;
      for (const c of t.conditions ?? []) {
        const value = await run.render(c.arguments?.[0] ?? run.props.input);
        holds &&= conditionHolds(c.type, value, await run.render(c.value));
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
}
