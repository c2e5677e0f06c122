import { createHash } from 'node:crypto';

/**
 * Who a person is to the toolkit, and the pure rules of what each may do: roles from a Flex token,
 * the caller names kept in the history and the evidence, and who may lift whose pause.
 */

/** The Flex roles that may control recordings, weakest first. Guests and anything else may not. */
export const ROLES = ['agent', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A person the toolkit let in: their strongest role, their identity, and their name in the evidence. */
export interface Person {
  role: Role;
  identity: string;
  /** The TaskRouter worker of a Flex user; absent for the console's password sign-in. */
  workerSid?: string;
  /** As the history and the evidence name them: `agent:<identity>`, `supervisor:<identity>`, `console:admin`… */
  caller: string;
}

/** The longest identity kept where it is stored (the history, the evidence, console tokens). */
export const MAX_IDENTITY_LENGTH = 128;

/**
 * An identity cut to MAX_IDENTITY_LENGTH characters: a longer one keeps its beginning and ends with a
 * hash of the whole, so two long identities stay apart.
 */
export function boundedIdentity(identity: string): string {
  if (identity.length <= MAX_IDENTITY_LENGTH) return identity;
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 16);
  return `${identity.slice(0, MAX_IDENTITY_LENGTH - hash.length - 1)}~${hash}`;
}

/**
 * A Flex agent's one name, their token's identity, which the history and the evidence keep
 * (`agent:<identity>`): TaskRouter names the same person by a worker, whose `contact_uri` Flex sets to
 * `client:<identity>`. Undefined for a worker without one (not made by Flex): the console then names it
 * by its friendly name alone.
 */
export function workerIdentity(attributes: string): string | undefined {
  try {
    const uri = (JSON.parse(attributes) as { contact_uri?: unknown } | null)?.contact_uri;
    return typeof uri === 'string' && /^client:./s.test(uri) ? boundedIdentity(uri.slice('client:'.length)) : undefined;
  } catch {
    return undefined;
  }
}

/** The strongest of a token's roles that may control recordings, if any. */
export function strongestRole(roles: unknown): Role | undefined {
  if (!Array.isArray(roles)) return undefined;
  return [...ROLES].reverse().find((role) => roles.includes(role));
}

export const isStaff = (role: Role) => role === 'supervisor' || role === 'admin';

export const personOf = (role: Role, identity: string, workerSid?: string): Person => {
  const bounded = boundedIdentity(identity);
  return { role, identity: bounded, ...(workerSid ? { workerSid } : {}), caller: `${role}:${bounded}` };
};

/** A caller Twilio signed for (a Studio flow, a TwiML app, a plain HTTP caller with the account's signature). */
export const isProtectedCaller = (by: string) => by.startsWith('studio:') || by === 'twiml' || by === 'http';

/** A reason counts only its letters and digits: spaces, punctuation, zero-width and control characters say nothing. */
export const MIN_REASON_CHARACTERS = 10;
export const meaningfulCharacters = (text: string | undefined) => (text?.match(/[\p{L}\p{N}]/gu) ?? []).length;

/** What a person's attempt to lift a pause comes to. */
export type LiftDecision =
  { allowed: true; override?: true } | { allowed: false; code: 'PAUSE_HELD' | 'REASON_REQUIRED'; message: string };

/**
 * Who may lift a pause made by `pausedBy`, by resuming or by stopping the recording: a flow's pause (a
 * protected caller) only a protected caller, or a supervisor or admin who gives a reason of at least
 * MIN_REASON_CHARACTERS letters or digits (an override, kept in the evidence); a person's pause that
 * person or a supervisor or admin. A stop counts as a lift: it ends the pause for good, the flow's own
 * resume then fails, and a start after it makes a new recording that hears what the pause kept out. An
 * unknown pauser counts as a flow: the rule fails closed.
 */
export function mayLift(person: Person, pausedBy: string | undefined, reason: string | undefined): LiftDecision {
  const byFlow = pausedBy === undefined || isProtectedCaller(pausedBy);
  if (!byFlow && (pausedBy === person.caller || isStaff(person.role))) return { allowed: true };
  if (!isStaff(person.role))
    return {
      allowed: false,
      code: 'PAUSE_HELD',
      message: byFlow
        ? 'The recording of this call was paused by a flow (for example while a card number is read): only the flow, or a supervisor giving a Reason, may resume, stop or restart recording'
        : 'The recording of this call was paused by someone else: only they or a supervisor may resume, stop or restart recording',
    };
  if (meaningfulCharacters(reason) < MIN_REASON_CHARACTERS)
    return {
      allowed: false,
      code: 'REASON_REQUIRED',
      message: `The recording of this call was paused by a flow (for example while a card number is read): give a Reason of at least ${MIN_REASON_CHARACTERS} letters or digits to resume, stop or restart recording; the reason and your name are kept in the evidence`,
    };
  return { allowed: true, override: true };
}

/** What may have paused a recording, as the evidence tells it, in the order it was logged. */
interface PauseEvent {
  recordingSid: string;
  source: string;
  status: string;
  action?: string;
  by: string;
  at?: string;
}

const mayHavePaused = (e: PauseEvent) =>
  e.source === 'control' && (e.action ?? '').startsWith('paused') && ['paused', 'unknown', 'error'].includes(e.status);
const showsRecording = (e: PauseEvent) =>
  e.status === 'in-progress' && (e.source === 'control' || e.source === 'read-back');

/** Every pause logged since Twilio last showed the recording recording (a pause answered, or one whose answer was lost or a 5xx). */
function pausesSinceLift(entries: PauseEvent[], recordingSid: string): PauseEvent[] {
  const own = entries.filter((e) => e.recordingSid === recordingSid);
  const lastLift = own.map(showsRecording).lastIndexOf(true);
  return own.slice(lastLift + 1).filter(mayHavePaused);
}

const holdersOf = (pauses: PauseEvent[]): Array<string | undefined> => {
  const holders = [...new Set(pauses.map((e) => e.by))];
  return holders.length > 0 ? holders : [undefined];
};

/**
 * Everyone whose pause may be holding a recording now, the latest last. A person's second pause does not
 * take a flow's over: the lock needs every one of them liftable. None logged (a pause made elsewhere, or
 * one whose log was lost): `[undefined]`, an unknown pauser, which the rule takes as a flow.
 */
export const pauseHolders = (entries: PauseEvent[], recordingSid: string): Array<string | undefined> =>
  holdersOf(pausesSinceLift(entries, recordingSid));

type Refusal = Extract<LiftDecision, { allowed: false }>;

/**
 * What `person` lifting the pause that holds `recordingSid` (with `reason`) comes to, every holder asked,
 * the latest first: the first holder whose pause they may not lift, if any; else whether lifting it
 * overrides a flow's. With the latest holder, and since when the pause has held (its first pause logged
 * since the last lift). The one rule for the lock (controls/pause-lock) and for what a button shows.
 */
export function liftOf(person: Person, entries: PauseEvent[], recordingSid: string, reason: string | undefined) {
  const pauses = pausesSinceLift(entries, recordingSid);
  const holders = holdersOf(pauses).reverse();
  const decisions = holders.map((by) => ({ by, decision: mayLift(person, by, reason) }));
  const refused = decisions.find((d): d is { by: string | undefined; decision: Refusal } => !d.decision.allowed);
  return {
    latest: holders[0],
    refused,
    override: !refused && decisions.some((d) => d.decision.allowed && d.decision.override),
    since: pauses[0]?.at,
  };
}

/** Whose a pause is, as a person sees it: a flow's (an unknown pauser counts as one), their own, or someone else's. */
export type PauseOwner = 'flow' | 'you' | 'someone-else';

const pauseOwnerOf = (person: Person, pausedBy: string | undefined): PauseOwner =>
  pausedBy === undefined || isProtectedCaller(pausedBy) ? 'flow' : pausedBy === person.caller ? 'you' : 'someone-else';

/**
 * A held pause as `person` may see it before acting: who holds it (the holder whose pause they may not
 * lift, else the latest), whether they may resume it as they are, or only with a reason, and since when
 * it has been held.
 */
export function pauseSeenBy(person: Person, entries: PauseEvent[], recordingSid: string) {
  const { latest, refused, since } = liftOf(person, entries, recordingSid, undefined);
  const shown = refused ? refused.by : latest;
  return {
    recordingSid,
    pausedBy: shown ?? 'unknown',
    holder: pauseOwnerOf(person, shown),
    mayResume: !refused,
    reasonRequired: refused?.decision.code === 'REASON_REQUIRED',
    ...(since ? { since } : {}),
  };
}
