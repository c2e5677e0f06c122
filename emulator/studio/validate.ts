import { CONDITION_TYPES, WIDGETS, type PropertyType } from './widgets';

/** One reason a definition is refused, as Studio lists them in an 81022 answer's `details.errors`. */
export interface DefinitionError {
  message: string;
  property_path: string;
}

export interface Condition {
  friendly_name?: string;
  arguments?: string[];
  type: string;
  value?: string;
}

export interface Transition {
  event: string;
  next?: string;
  conditions?: Condition[];
}

export interface State {
  name: string;
  type: string;
  transitions: Transition[];
  properties: Record<string, unknown>;
}

/** A Studio flow definition as exported from the console. */
export interface FlowDefinition {
  description?: string;
  states: State[];
  initial_state: string;
  flags?: { allow_concurrent_calls?: boolean };
}

/** A flow may have at most this many widgets (Studio's flow definition schema). */
const MAX_STATES = 1000;

const typeOf = (v: unknown): PropertyType | 'null' | 'number' =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'array'
      : typeof v === 'number'
        ? Number.isInteger(v)
          ? 'integer'
          : 'number'
        : (typeof v as PropertyType);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a definition as Studio does when a flow is saved or validated: the document's shape, unique
 * widget names, known widget types, each type's required properties and their JSON types, the
 * transition events each type has, Split conditions, and transitions only to widgets that exist.
 * Answers every problem found, or none.
 */
export function validateDefinition(raw: unknown): DefinitionError[] {
  const errors: DefinitionError[] = [];
  const fail = (property_path: string, message: string) => errors.push({ message, property_path });
  if (!isObject(raw)) {
    fail('#', 'the definition must be a JSON object');
    return errors;
  }
  if (typeof raw.initial_state !== 'string' || raw.initial_state === '')
    fail('#/initial_state', 'initial_state is required: the name of the Trigger widget');
  if (raw.description !== undefined && typeof raw.description !== 'string')
    fail('#/description', 'description must be a string');
  if (raw.flags !== undefined) {
    if (!isObject(raw.flags) || typeof raw.flags.allow_concurrent_calls !== 'boolean')
      fail('#/flags/allow_concurrent_calls', 'flags.allow_concurrent_calls must be a boolean');
  }
  if (!Array.isArray(raw.states) || raw.states.length === 0 || raw.states.length > MAX_STATES) {
    fail('#/states', `states must be an array of 1 to ${MAX_STATES} widgets`);
    return errors;
  }
  const names = new Map<string, number>();
  raw.states.forEach((s: unknown, i) => {
    const name = isObject(s) ? s.name : undefined;
    if (typeof name !== 'string' || name === '') return;
    if (names.has(name)) fail(`#/states/${i}/name`, `widget name ${name} is used more than once`);
    else names.set(name, i);
  });
  raw.states.forEach((s: unknown, i) => checkState(s, `#/states/${i}`, names, fail));
  if (typeof raw.initial_state === 'string' && raw.initial_state !== '') {
    const at = names.get(raw.initial_state);
    const initial = at === undefined ? undefined : (raw.states[at] as State);
    if (!initial) fail('#/initial_state', `initial_state ${raw.initial_state} is not a widget of this flow`);
    else if (initial.type !== 'trigger') fail('#/initial_state', `initial_state ${initial.name} is not a trigger`);
  }
  return errors;
}

function checkState(
  s: unknown,
  path: string,
  names: Map<string, number>,
  fail: (path: string, message: string) => void,
): void {
  if (!isObject(s)) return void fail(path, 'each state must be an object');
  const name = typeof s.name === 'string' && s.name !== '' ? s.name : undefined;
  if (!name) fail(`${path}/name`, 'each widget needs a name');
  const spec = typeof s.type === 'string' ? WIDGETS[s.type] : undefined;
  if (!spec) return void fail(`${path}/type`, `unknown widget type ${JSON.stringify(s.type)} (${name ?? 'unnamed'})`);
  if (!isObject(s.properties)) return void fail(`${path}/properties`, `${name}: properties must be an object`);
  const props = s.properties;
  for (const key of spec.required ?? [])
    if (props[key] === undefined) fail(`${path}/properties/${key}`, `${name} (${s.type}) requires ${key}`);
  if (spec.oneOf && !spec.oneOf.some((k) => props[k] !== undefined))
    fail(`${path}/properties`, `${name} (${s.type}) requires one of ${spec.oneOf.join(', ')}`);
  for (const [key, expected] of Object.entries(spec.types)) {
    const value = props[key];
    if (value === undefined) continue;
    const allowed: readonly string[] = typeof expected === 'string' ? [expected] : expected;
    if (!allowed.includes(typeOf(value)))
      fail(`${path}/properties/${key}`, `${name}: ${key} must be ${allowed.join(' or ')}, not ${typeOf(value)}`);
    else if (expected === 'array' && key !== 'valid_card_types' && !keyValuesOk(value as unknown[]))
      fail(`${path}/properties/${key}`, `${name}: ${key} must be a list of {"key", "value"} strings`);
  }
  if (props.offset !== undefined && !isObject(props.offset))
    fail(`${path}/properties/offset`, `${name}: offset must be an object`);
  if (!Array.isArray(s.transitions)) return void fail(`${path}/transitions`, `${name}: transitions must be an array`);
  const seen = new Set<string>();
  s.transitions.forEach((t: unknown, j) => {
    const at = `${path}/transitions/${j}`;
    if (!isObject(t) || typeof t.event !== 'string') return void fail(at, `${name}: each transition needs an event`);
    if (!spec.events.includes(t.event))
      fail(`${at}/event`, `${name} (${s.type}) has no event ${t.event}; its events are ${spec.events.join(', ')}`);
    else if (t.event !== 'match' && seen.has(t.event)) fail(`${at}/event`, `${name}: event ${t.event} is listed twice`);
    seen.add(t.event);
    if (t.next !== undefined && t.next !== '' && (typeof t.next !== 'string' || !names.has(t.next)))
      fail(`${at}/next`, `${name} goes to ${String(t.next)} on ${t.event}, which is not a widget of this flow`);
    if (t.event === 'match' && s.type === 'split-based-on') checkConditions(t.conditions, at, name, fail);
    else if (t.conditions !== undefined) fail(`${at}/conditions`, `${name}: only a split's match has conditions`);
  });
}

const keyValuesOk = (items: unknown[]) =>
  items.every((p) => isObject(p) && typeof p.key === 'string' && typeof p.value === 'string');

function checkConditions(
  conditions: unknown,
  at: string,
  name: string | undefined,
  fail: (path: string, message: string) => void,
): void {
  if (!Array.isArray(conditions) || conditions.length === 0)
    return void fail(`${at}/conditions`, `${name}: a match transition needs conditions`);
  conditions.forEach((c: unknown, k) => {
    const cp = `${at}/conditions/${k}`;
    if (!isObject(c)) return void fail(cp, `${name}: each condition must be an object`);
    if (!(CONDITION_TYPES as readonly unknown[]).includes(c.type))
      fail(`${cp}/type`, `${name}: unknown condition type ${JSON.stringify(c.type)}`);
    if (c.value !== undefined && typeof c.value !== 'string') fail(`${cp}/value`, `${name}: value must be a string`);
    if (c.arguments !== undefined && (!Array.isArray(c.arguments) || c.arguments.some((a) => typeof a !== 'string')))
      fail(`${cp}/arguments`, `${name}: arguments must be a list of strings`);
  });
}
