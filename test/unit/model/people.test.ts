// The pure rules of who may lift whose pause, and identities bounded where stored.
import {
  boundedIdentity,
  MAX_IDENTITY_LENGTH,
  mayLift,
  personOf,
  strongestRole,
  type Role,
} from '../../../lib/model/people';

const flow = 'studio:FW1/FN1';

test.each<[string, Role, string, string | undefined, string | undefined, string]>([
  ['an agent, a flow pause', 'agent', 'alice', flow, undefined, 'PAUSE_HELD'],
  ['an agent with a reason, a flow pause', 'agent', 'alice', flow, 'why', 'PAUSE_HELD'],
  ['an agent, a TwiML pause', 'agent', 'alice', 'twiml', undefined, 'PAUSE_HELD'],
  ['an agent, an unknown pauser', 'agent', 'alice', undefined, undefined, 'PAUSE_HELD'],
  ['an agent, their own pause', 'agent', 'alice', 'agent:alice', undefined, 'allowed'],
  ["an agent, another agent's pause", 'agent', 'alice', 'agent:bob', undefined, 'PAUSE_HELD'],
  ["an agent, a supervisor's pause", 'agent', 'alice', 'supervisor:sam', undefined, 'PAUSE_HELD'],
  ['a supervisor, a flow pause', 'supervisor', 'sam', flow, undefined, 'REASON_REQUIRED'],
  ['a supervisor with a reason, a flow pause', 'supervisor', 'sam', flow, 'why', 'override'],
  ['an admin with a reason, an http pause', 'admin', 'root', 'http', 'why', 'override'],
  ["a supervisor, an agent's pause", 'supervisor', 'sam', 'agent:alice', undefined, 'allowed'],
  ["an admin, an agent's pause", 'admin', 'root', 'agent:alice', undefined, 'allowed'],
  ['an admin, a flow pause', 'admin', 'root', flow, undefined, 'REASON_REQUIRED'],
])('%s: %s', (_what, role, identity, pausedBy, reason, expected) => {
  const decision = mayLift(personOf(role, identity), pausedBy, reason);
  const got = decision.allowed ? (decision.override ? 'override' : 'allowed') : decision.code;
  expect(got).toBe(expected);
});

test('the strongest role of a token that may control recordings; guests have none', () => {
  expect(strongestRole(['agent', 'supervisor'])).toBe('supervisor');
  expect(strongestRole(['admin', 'agent'])).toBe('admin');
  expect(strongestRole(['guest'])).toBeUndefined();
  expect(strongestRole(undefined)).toBeUndefined();
});

test('identities are cut to 128 characters; two long ones stay apart', () => {
  expect(boundedIdentity('alice')).toBe('alice');
  const a = boundedIdentity('x'.repeat(5000) + 'a');
  const b = boundedIdentity('x'.repeat(5000) + 'b');
  expect(a).toHaveLength(MAX_IDENTITY_LENGTH);
  expect(a).not.toBe(b);
  expect(personOf('agent', 'y'.repeat(300)).caller.length).toBe('agent:'.length + MAX_IDENTITY_LENGTH);
});
