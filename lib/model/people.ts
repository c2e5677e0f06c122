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

/** What a person's attempt to lift a pause comes to. */
export type LiftDecision =
  { allowed: true; override?: true } | { allowed: false; code: 'PAUSE_HELD' | 'REASON_REQUIRED'; message: string };

/**
 * Who may lift a pause made by `pausedBy`, by resuming or by stopping the recording: a flow's pause (a
 * protected caller) only a protected caller, or a supervisor or admin who gives a reason (an override,
 * kept in the evidence); a person's pause that person or a supervisor or admin. A stop counts as a lift:
 * it ends the pause for good, the flow's own resume then fails, and a start after it makes a new
 * recording that hears what the pause kept out. An unknown pauser counts as a flow: the rule fails closed.
 */
export function mayLift(person: Person, pausedBy: string | undefined, reason: string | undefined): LiftDecision {
  const byFlow = pausedBy === undefined || isProtectedCaller(pausedBy);
  if (!byFlow && (pausedBy === person.caller || isStaff(person.role))) return { allowed: true };
  if (!isStaff(person.role))
    return {
      allowed: false,
      code: 'PAUSE_HELD',
      message: byFlow
        ? 'The recording was paused by a flow (for example while a card number is read): only the flow, or a supervisor giving a Reason, may resume or stop it'
        : 'The recording was paused by someone else: only they or a supervisor may resume or stop it',
    };
  if (!reason)
    return {
      allowed: false,
      code: 'REASON_REQUIRED',
      message:
        'The recording was paused by a flow (for example while a card number is read): give a Reason to resume or stop it; the reason and your name are kept in the evidence',
    };
  return { allowed: true, override: true };
}
