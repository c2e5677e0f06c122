import { invalidParameter, invalidRequest, missingParameter } from '../errors';
import { meaningfulCharacters } from './people';
import { PAUSE_BEHAVIORS, type PauseBehavior } from './statuses';

/**
 * How one request parameter is read. Values come from Studio (form or JSON), TwiML action URLs and
 * curl, so numbers and booleans from JSON are taken as their text, and a value given twice (an array)
 * or as an object is refused rather than guessed at.
 */
export interface Field<T> {
  readonly required: boolean;
  /** For people and for the Studio flow check: what the parameter takes. */
  readonly describe: string;
  parse(raw: string, name: string): T;
}

export type Spec = Record<string, Field<unknown>>;
export type Parsed<S extends Spec> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };

const MAX_LENGTH = 2048;

export const required = <T>(describe: string, parse: (raw: string, name: string) => T): Field<T> => ({
  required: true,
  describe,
  parse,
});
export const optional = <T>(describe: string, parse: (raw: string, name: string) => T): Field<T | undefined> => ({
  required: false,
  describe,
  parse,
});

function scalar(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') {
    if (value.length > MAX_LENGTH) throw invalidParameter(name, `is longer than ${MAX_LENGTH} characters`);
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalidParameter(name, 'must be given once, as text');
}

/** Reads the parameters a Function knows; others (Twilio and Studio add many) are left alone. */
export function parseParams<S extends Spec>(spec: S, event: Record<string, unknown>): Parsed<S> {
  const result: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec)) {
    const raw = scalar(event[name], name);
    if (raw === undefined) {
      if (field.required) throw missingParameter(name);
      result[name] = undefined;
    } else {
      result[name] = field.parse(raw, name);
    }
  }
  return result as Parsed<S>;
}

const SID_NAMES: Record<string, string> = {
  CA: 'Call',
  CF: 'Conference',
  RE: 'Recording',
  AC: 'Account',
  FW: 'Studio Flow',
  FN: 'Studio Execution',
};

export const sid = (prefix: string) => (raw: string, name: string) => {
  if (!new RegExp(`^${prefix}[0-9a-f]{32}$`).test(raw)) {
    throw invalidParameter(name, `must be a ${SID_NAMES[prefix]} SID: ${prefix} and 32 lowercase hexadecimal digits`);
  }
  return raw;
};

/** A recording SID, or `Twilio.CURRENT`: the call's only active recording. */
export const recordingSid = (raw: string, name: string) => (raw === 'Twilio.CURRENT' ? raw : sid('RE')(raw, name));

/** One of `values`, case-insensitive, with friendly aliases (e.g. pause for paused). */
export const choice =
  <T extends string>(values: readonly T[], aliases: Record<string, T> = {}) =>
  (raw: string, name: string): T => {
    const key = raw.trim().toLowerCase();
    // Own properties only: `constructor` or `__proto__` must not read Object's own members as values.
    const value = (values as readonly string[]).includes(key)
      ? (key as T)
      : Object.hasOwn(aliases, key)
        ? aliases[key]
        : undefined;
    if (!value) throw invalidParameter(name, `must be one of ${[...values, ...Object.keys(aliases)].join(', ')}`);
    return value;
  };

export const bool = (raw: string, name: string): boolean => {
  const key = raw.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(key)) return true;
  if (['false', '0', 'no'].includes(key)) return false;
  throw invalidParameter(name, 'must be true or false');
};

export const absoluteUrl = (raw: string, name: string): string => {
  if (!/^https?:\/\/[^\s"'<>\\]+$/i.test(raw) || !URL.canParse(raw))
    throw invalidParameter(name, 'must be an absolute http(s) URL');
  return raw;
};

/**
 * Where a TwiML caller goes next: an absolute URL, or a path that Twilio resolves against this
 * Function's URL. Backslashes are refused: URL resolution reads `/\\evil.com` as `//evil.com`.
 */
export const nextUrl = (raw: string, name: string): string => {
  if (/^\/(?!\/)[^\s"'<>\\]*$/.test(raw)) return raw;
  return absoluteUrl(raw, name);
};

/** A whole number, as Twilio's callbacks send durations and channel counts. */
export const count = (raw: string, name: string) => {
  if (!/^\d{1,9}$/.test(raw)) throw invalidParameter(name, 'must be a whole number');
  return Number(raw);
};

/** Free text kept for information only: cut short, never refused. */
export const shortText = (raw: string) => raw.slice(0, 64);

/** A person's name as they give it: up to 64 characters, two letters or digits at least, no control characters. */
export const personName = (raw: string, name: string) => {
  const text = raw.trim();
  if (text.length > 64 || /[\p{Cc}\p{Cf}]/u.test(text) || meaningfulCharacters(text) < 2)
    throw invalidParameter(name, 'must be a name: 2 to 64 letters, digits and spaces, no control characters');
  return text;
};

/** A date Twilio sent, kept as ISO 8601. */
export const date = (raw: string, name: string) => {
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw invalidParameter(name, 'must be a date');
  return new Date(ms).toISOString();
};

export const RECORDING_STATUSES = ['paused', 'in-progress', 'stopped'] as const;
export type TargetStatus = (typeof RECORDING_STATUSES)[number];
export const STATUS_ALIASES: Record<string, TargetStatus> = { pause: 'paused', resume: 'in-progress', stop: 'stopped' };

/** Every control takes `Next`: with it the answer is TwiML that sends the call on (see runtime/control-function). */
export const NEXT = {
  Next: optional('a URL or /path: answer TwiML that redirects the call there, on failure too', nextUrl),
};

/** Every control may say which Studio flow and execution asks, for the document's history. */
export const CALLER = {
  FlowSid: optional('the Studio flow asking ({{flow.flow_sid}}), kept in the history', sid('FW')),
  ExecutionSid: optional('its execution ({{flow.sid}}), kept in the history', sid('FN')),
};

/** Which recordings a set-status means, and how to pause: for flows and people alike. */
export const RECORDING_CHOICE = {
  RecordingSid: optional(
    'the recording (RE… or Twilio.CURRENT); default: the active recording Sync knows',
    recordingSid,
  ),
  PauseBehavior: optional('skip or silence, with paused (Twilio default silence)', choice(PAUSE_BEHAVIORS)),
  All: optional('true: act on every recording Twilio lists as active', bool),
};

/** What both set-status Functions take besides the call or conference and the Status. */
export const RECORDING_SELECTION = {
  ...RECORDING_CHOICE,
  ...NEXT,
  ...CALLER,
};

/** The set-status parameters as the control takes them; PauseBehavior only makes sense with a pause. */
export function setStatusOptions(p: {
  Status: TargetStatus;
  RecordingSid?: string;
  PauseBehavior?: PauseBehavior;
  All?: boolean;
}) {
  if (p.PauseBehavior !== undefined && p.Status !== 'paused') {
    throw invalidRequest('PauseBehavior applies only when Status is paused');
  }
  return { status: p.Status, recordingSid: p.RecordingSid, pauseBehavior: p.PauseBehavior, all: p.All ?? false };
}
