import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parameters as setConferenceStatus } from '../functions/conference/recording/set-status.protected';
import { parameters as setStatus } from '../functions/recording/set-status.protected';
import { parameters as start } from '../functions/recording/start.protected';
import { parameters as status } from '../functions/recording/status.protected';
import type { Spec } from '../lib/params';
import { callIn, finishedCall } from './calls';
import { ROOT, type RunningEmulator, type RunningFunctions } from './stack';

export interface State {
  name: string;
  type: string;
  transitions: Array<{
    event: string;
    next?: string;
    conditions?: Array<{ arguments: string[]; type: string; value: string }>;
  }>;
  properties: { url?: string; parameters?: Array<{ key: string; value: string }>; input?: string };
}

export interface Flow {
  initial_state: string;
  states: State[];
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

/** Every Run Function widget calls a Function of this project with parameters it accepts, and has a fail branch. */
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
    expect(state.transitions.find((t) => t.event === 'fail')?.next).toBeDefined();
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
 * Runs a shipped flow on a new ringing incoming call, its Run Function widgets pointed at twilio-run.
 * `path` is each widget as `name:event [call status; recording statuses]` at the moment it ran.
 */
export async function runFlow(em: RunningEmulator, fx: RunningFunctions, flow: Flow, inputs: unknown[]) {
  const sid = await callIn(em, { Flow: flow, inputs, rewriteUrls: { [DEPLOYED]: fx.url } });
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
