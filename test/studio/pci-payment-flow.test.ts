// The importable Studio flow: it parses, its transitions hold, it calls only this project's Functions
// with parameters they accept, and no path reaches a card gather without a confirmed pause.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parameters as setConferenceStatus } from '../../functions/conference/recording/set-status.protected';
import { parameters as setStatus } from '../../functions/recording/set-status.protected';
import { parameters as start } from '../../functions/recording/start.protected';
import { parameters as status } from '../../functions/recording/status.protected';
import type { Spec } from '../../lib/params';
import { ROOT } from '../helpers/stack';

interface State {
  name: string;
  type: string;
  transitions: Array<{ event: string; next?: string; conditions?: Array<{ arguments: string[]; type: string; value: string }> }>;
  properties: { url?: string; parameters?: Array<{ key: string; value: string }>; input?: string };
}
const flow = JSON.parse(readFileSync(join(ROOT, 'studio/pci-payment-flow.json'), 'utf8')) as { initial_state: string; states: State[] };
const byName = new Map(flow.states.map((s) => [s.name, s]));

/** Each Function's accepted parameters, from its own source. */
const FUNCTIONS: Record<string, Spec> = {
  '/recording/start': start,
  '/recording/set-status': setStatus,
  '/conference/recording/set-status': setConferenceStatus,
  '/recording/status': status,
};

test('every transition points at a widget that exists, and every widget is reachable', () => {
  expect(byName.has(flow.initial_state)).toBe(true);
  const reached = new Set<string>();
  const visit = (name: string) => {
    if (reached.has(name)) return;
    reached.add(name);
    for (const t of byName.get(name)!.transitions) if (t.next) {
      expect(byName.has(t.next)).toBe(true);
      visit(t.next);
    }
  };
  visit(flow.initial_state);
  expect([...reached].sort()).toEqual([...byName.keys()].sort());
});

test('every Run Function widget calls a Function of this project with parameters it accepts, and has a fail branch', () => {
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
    for (const [key, field] of Object.entries(spec)) if (field.required) expect(state.properties.parameters!.map((p) => p.key)).toContain(key);
    expect(state.transitions.find((t) => t.event === 'fail')?.next).toBeDefined();
  }
});

test('no card gather is reachable except through a pause the Function confirmed', () => {
  const gathers = flow.states.filter((s) => s.type === 'gather-input-on-call').map((s) => s.name);
  expect(gathers.length).toBeGreaterThan(0);
  const confirm = byName.get('check_paused')!;
  const match = confirm.transitions.find((t) => t.event === 'match')!;
  expect(match.conditions).toEqual([expect.objectContaining({ arguments: ['{{widgets.pause_recording.parsed.status}}'], type: 'equal_to', value: 'paused' })]);
  const pause = byName.get('pause_recording')!;
  expect(pause.properties.parameters).toEqual(expect.arrayContaining([{ key: 'Status', value: 'paused' }, { key: 'All', value: 'true' }]));
  // Without the confirmed branch, no gather can be reached from the trigger.
  const reached = new Set<string>();
  const visit = (name: string) => {
    if (reached.has(name)) return;
    reached.add(name);
    for (const t of byName.get(name)!.transitions) if (t.next && t !== match) visit(t.next);
  };
  visit(flow.initial_state);
  for (const g of gathers) expect(reached.has(g)).toBe(false);
});
