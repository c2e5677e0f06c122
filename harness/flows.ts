import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parameters as setConferenceStatus } from '../functions/conference/recording/set-status.protected';
import { parameters as setStatus } from '../functions/recording/set-status.protected';
import { parameters as start } from '../functions/recording/start.protected';
import { parameters as status } from '../functions/recording/status.protected';
import type { Spec } from '../lib/model/params';
import { callIn, finishedCall } from './calls';
import { ROOT, type RunningEmulator, type RunningFunctions } from './stack';

export interface State {
  name: string;
  type: string;
  transitions: Array<{
    event: string;
    next?: string;
    conditions?: Array<{ friendly_name?: string; arguments: string[]; type: string; value: string }>;
  }>;
  properties: {
    url?: string;
    parameters?: Array<{ key: string; value: string }>;
    input?: string;
    [key: string]: unknown;
  };
}

export interface Flow {
  description?: string;
  initial_state: string;
  states: State[];
  flags?: { allow_concurrent_calls: boolean };
}

/** The URL the shipped flows name for the deployed Functions; the runner sends it to twilio-run instead. */
const DEPLOYED = 'https://recording-controls-0000-dev.twil.io';

/** Each Function's accepted parameters, from its own source. */
const FUNCTIONS: Record<string, Spec> = {
  '/recording/start': start,
  '/recording/set-status': setStatus,
  '/conference/recording/set-status': setConferenceStatus,
  '/recording/status': status,
};

export function loadFlow(file: string): { flow: Flow; byName: Map<string, State> } {
  const flow = JSON.parse(readFileSync(join(ROOT, 'studio', file), 'utf8')) as Flow;
  return { flow, byName: new Map(flow.states.map((s) => [s.name, s])) };
}

/** The widgets reachable from the trigger, not following the transitions `skip` names. */
export function reachable(flow: Flow, skip: (t: State['transitions'][number]) => boolean = () => false): Set<string> {
  const byName = new Map(flow.states.map((s) => [s.name, s]));
  const reached = new Set<string>();
  const visit = (name: string) => {
    if (reached.has(name)) return;
    reached.add(name);
    for (const t of byName.get(name)?.transitions ?? []) if (t.next && !skip(t)) visit(t.next);
  };
  visit(flow.initial_state);
  return reached;
}

/** Every transition leads to a widget that exists, and every widget can be reached. */
export function expectWellFormed(flow: Flow): void {
  const names = new Set(flow.states.map((s) => s.name));
  expect(names.has(flow.initial_state)).toBe(true);
  for (const s of flow.states)
    for (const t of s.transitions)
      if (t.next)
        expect({ from: s.name, to: t.next, exists: names.has(t.next) }).toEqual({
          from: s.name,
          to: t.next,
          exists: true,
        });
  expect([...reachable(flow)].sort()).toEqual([...names].sort());
}

/** Every Run Function widget calls a Function of this project with parameters it accepts, and has a fail branch where its success leads on. */
export function expectFunctionsKnown(flow: Flow): void {
  const calls = flow.states.filter((s) => s.type === 'run-function');
  expect(calls.length).toBeGreaterThanOrEqual(3);
  for (const state of calls) {
    const path = new URL(state.properties.url!).pathname;
    const spec = FUNCTIONS[path];
    expect({ widget: state.name, path, known: Boolean(spec) }).toEqual({ widget: state.name, path, known: true });
    for (const { key, value } of state.properties.parameters!) {
      expect({ widget: state.name, key, accepted: key in spec }).toEqual({ widget: state.name, key, accepted: true });
      // Literal values must parse as the Function parses them; {{…}} ones are filled in by Studio.
      if (!value.includes('{{')) expect(() => spec[key].parse(value, key)).not.toThrow();
    }
    for (const [key, field] of Object.entries(spec))
      if (field.required) expect(state.properties.parameters!.map((p) => p.key)).toContain(key);
    // A failure goes on as a success would, unless both end the execution.
    const next = (event: string) => state.transitions.find((t) => t.event === event)?.next;
    if (next('success'))
      expect({ widget: state.name, fail: next('fail') }).toEqual({ widget: state.name, fail: expect.any(String) });
  }
}

/** The transitions of a call that end the execution, as `widget.event` (the trigger's other channels left out). */
export const deadEnds = (flow: Flow) =>
  flow.states
    .flatMap((s) =>
      s.transitions
        .filter((t) => !t.next && !(s.type === 'trigger' && t.event !== 'incomingCall'))
        .map((t) => `${s.name}.${t.event}`),
    )
    .sort();

/**
 * Saves a flow through Studio's API (refused as Studio refuses it) and dials in to its webhook_url, as
 * a number pointed at the flow is called; its Run Function widgets go to twilio-run, and `rewrites`
 * send other URLs it names to local stand-ins. Answers the ringing call's SID.
 */
export async function callFlow(
  em: RunningEmulator,
  fx: RunningFunctions,
  flow: Flow,
  inputs: unknown[],
  rewrites: Record<string, string> = {},
): Promise<string> {
  return dialFlow(em, flow, inputs, { [DEPLOYED]: fx.url, ...rewrites });
}

/** Saves a flow through Studio's API and dials in to its webhook_url, with `rewrites` for the URLs it names. */
export async function dialFlow(
  em: RunningEmulator,
  flow: object,
  inputs: unknown[],
  rewrites: Record<string, string> = {},
): Promise<string> {
  const saved = await em.client.studio.v2.flows.create({ friendlyName: 'test', status: 'published', definition: flow });
  return callIn(em, { Url: saved.webhookUrl, inputs, rewriteUrls: rewrites });
}

/** Once the call has ended: `path` is each widget as `name:event [call status; recording statuses]` at the moment it ran. */
export async function flowResult(em: RunningEmulator, sid: string) {
  const result = await finishedCall(em, sid);
  const widgets = result.log.filter((e) => e.step === 'widget');
  await em.control('GET', '/callbacks/idle'); // the recordings processed, as Twilio does after the call
  return {
    sid,
    status: result.status,
    path: widgets.map((e) => `${e.widget}:${e.event} [${e.callStatus}; ${e.recordings.join(',')}]`),
    widgets,
    recordings: (await em.client.calls(sid).recordings.list()).map((r) => r.status),
  };
}

/** Runs a flow on a new ringing incoming call to the end (see callFlow and flowResult). */
export async function runFlow(
  em: RunningEmulator,
  fx: RunningFunctions,
  flow: Flow,
  inputs: unknown[],
  rewrites: Record<string, string> = {},
) {
  return flowResult(em, await callFlow(em, fx, flow, inputs, rewrites));
}

/** The queue entry of a call once a Send to Flex or Enqueue Call widget has put it on hold (control surface). */
export async function waitInQueue(em: RunningEmulator, callSid: string) {
  for (let i = 0; i < 500; i++) {
    const { queue } = await em.control<{ queue: Array<Record<string, unknown>> }>('GET', '/studio/queue');
    const entry = queue.find((e) => e.callSid === callSid && e.result === null);
    if (entry) return entry;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`call ${callSid} never waited in a queue`);
}

const CONTROL_PARAMS = [
  { key: 'CallSid', value: '{{trigger.call.CallSid}}' },
  { key: 'FlowSid', value: '{{flow.flow_sid}}' },
  { key: 'ExecutionSid', value: '{{flow.sid}}' },
];

/** One of the toolkit's Run Function widgets, as the shipped flows have them. */
function control(
  name: string,
  path: string,
  extra: Array<{ key: string; value: string }>,
  success?: string,
  fail = success,
): State {
  return {
    name,
    type: 'run-function',
    transitions: [
      { event: 'success', ...(success ? { next: success } : {}) },
      { event: 'fail', ...(fail ? { next: fail } : {}) },
    ],
    properties: {
      url: `${DEPLOYED}${path}`,
      parameters: [...CONTROL_PARAMS.slice(0, 1), ...extra, ...CONTROL_PARAMS.slice(1)],
    },
  };
}

/**
 * A user's exported flow with the toolkit's Run Function widgets added, as the README tells a user to
 * add them: an announcement (when asked) and `start_recording` on the transition `start`; every way
 * into the sensitive widget `around` goes through `pause_recording` first (if the pause fails, the
 * widget is skipped for `ifPauseFails`); every way out, but the caller hanging up, through a
 * `resume_recording_<event>` to where it led.
 */
export function withRecordingControls(
  original: Flow,
  options: { start: { from: string; event: string }; announce?: string; around: string; ifPauseFails?: string },
): Flow {
  const flow: Flow = JSON.parse(JSON.stringify(original));
  const byName = new Map(flow.states.map((s) => [s.name, s]));
  const { start, around } = options;
  const startFrom = byName.get(start.from)!.transitions.find((t) => t.event === start.event)!;
  const added: State[] = [control('start_recording', '/recording/start', [], startFrom.next)];
  if (options.announce) {
    added.push({
      name: 'announce_recording',
      type: 'say-play',
      transitions: [{ event: 'audioComplete', next: 'start_recording' }],
      properties: { say: options.announce },
    });
    startFrom.next = 'announce_recording';
  } else startFrom.next = 'start_recording';
  const pause = control(
    'pause_recording',
    '/recording/set-status',
    [
      { key: 'Status', value: 'paused' },
      { key: 'PauseBehavior', value: 'skip' },
      { key: 'All', value: 'true' },
    ],
    around,
    options.ifPauseFails,
  );
  for (const s of [...flow.states, ...added]) for (const t of s.transitions) if (t.next === around) t.next = pause.name;
  added.push(pause);
  for (const t of byName.get(around)!.transitions) {
    if (
      t.event === 'hangup' ||
      (!t.next && t.event !== 'callComplete' && t.event !== 'failedToEnqueue' && t.event !== 'callFailure')
    )
      continue;
    const resume = control(
      `resume_recording_${t.event}`,
      '/recording/set-status',
      [
        { key: 'Status', value: 'in-progress' },
        { key: 'All', value: 'true' },
      ],
      t.next,
    );
    added.push(resume);
    t.next = resume.name;
  }
  flow.states.push(...added);
  return flow;
}

type Transition = State['transitions'][number];

/** A widget as Studio exports it, for flows written in tests. */
export const widget = (
  name: string,
  type: string,
  transitions: Transition[],
  properties: Record<string, unknown> = {},
): State => ({ name, type, transitions, properties });
export const triggerTo = (next: string) => widget('Trigger', 'trigger', [{ event: 'incomingCall', next }]);
export const sayWidget = (name: string, text: string, next?: string) =>
  widget(name, 'say-play', [{ event: 'audioComplete', ...(next ? { next } : {}) }], { say: text });
export const flowOf = (...states: State[]): Flow => ({
  initial_state: 'Trigger',
  states,
  flags: { allow_concurrent_calls: true },
});

/** A flow given inline to a new incoming call, run to its end: the call's log, and the widgets that ran. */
export async function runInline(
  em: RunningEmulator,
  flow: object,
  inputs: unknown[] = [],
  rewriteUrls: Record<string, string> = {},
) {
  return inlineResult(em, await callIn(em, { Flow: flow, inputs, rewriteUrls }));
}

/** What a call that runs a flow did, once it has ended, with the widgets that ran. */
export async function inlineResult(em: RunningEmulator, sid: string) {
  const result = await finishedCall(em, sid);
  return { ...result, sid, widgets: result.log.filter((e) => e.step === 'widget') };
}
