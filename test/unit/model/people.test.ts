// The pure rules of who may lift whose pause, and identities bounded where stored.
import {
  boundedIdentity,
  MAX_IDENTITY_LENGTH,
  mayLift,
  meaningfulCharacters,
  pauseHolders,
  pauseSeenBy,
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
  ['a supervisor with a reason, a flow pause', 'supervisor', 'sam', flow, 'caller hung up mid-payment', 'override'],
  ['a supervisor with a nine-letter reason', 'supervisor', 'sam', flow, 'abcd efgh i', 'REASON_REQUIRED'],
  ['a supervisor with ten digits and zero-width', 'supervisor', 'sam', flow, '\u200b0123456789\u200b', 'override'],
  ['a supervisor with zero-width only', 'supervisor', 'sam', flow, '\u200b'.repeat(30), 'REASON_REQUIRED'],
  ['a supervisor with "false"', 'supervisor', 'sam', flow, 'false', 'REASON_REQUIRED'],
  ['an admin with a reason, an http pause', 'admin', 'root', 'http', 'Ticket 4711: test call', 'override'],
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

test('a reason counts its letters and digits only, in any script', () => {
  expect(meaningfulCharacters('  a-b_c!! ')).toBe(3);
  expect(meaningfulCharacters('\u200b\u200d\u0000\t')).toBe(0);
  expect(meaningfulCharacters('Zahlung abgebrochen ü 42')).toBe(21);
  expect(meaningfulCharacters('支払い中止')).toBe(5);
  expect(meaningfulCharacters(undefined)).toBe(0);
});

describe('who holds a pause: every pause since Twilio last showed the recording recording', () => {
  const RE = 'RE1';
  const pause = (by: string, status = 'paused') => ({
    recordingSid: RE,
    source: 'control',
    status,
    action: 'paused',
    by,
  });
  const resumed = { recordingSid: RE, source: 'control', status: 'in-progress', action: 'in-progress', by: flow };

  test('the latest pause after a resume; the ones before it no longer hold', () => {
    expect(pauseHolders([pause(flow), resumed, pause('agent:bob')], RE)).toEqual(['agent:bob']);
  });

  test("a second pause does not take the first one's place: both hold, the latest last", () => {
    expect(pauseHolders([pause(flow), pause('agent:alice')], RE)).toEqual([flow, 'agent:alice']);
  });

  test('a pause whose answer was lost or a 5xx may hold; a refused one does not', () => {
    expect(pauseHolders([pause(flow, 'unknown'), pause('agent:a', 'refused')], RE)).toEqual([flow]);
    expect(pauseHolders([pause(flow, 'error')], RE)).toEqual([flow]);
  });

  test('a read-back showing it recording ends the pauses before it; other recordings do not count', () => {
    const readBack = { recordingSid: RE, source: 'read-back', status: 'in-progress', by: 'twilio' };
    expect(pauseHolders([pause(flow), readBack, pause('agent:a')], RE)).toEqual(['agent:a']);
    expect(pauseHolders([{ ...pause('agent:a'), recordingSid: 'RE2' }], RE)).toEqual([undefined]);
  });

  test('none logged (a pause made elsewhere): one unknown holder, which the rule takes as a flow', () => {
    expect(pauseHolders([], RE)).toEqual([undefined]);
    expect(mayLift(personOf('agent', 'alice'), undefined, undefined)).toMatchObject({ code: 'PAUSE_HELD' });
  });
});

describe('a held pause as a person sees it before acting (/agent/status)', () => {
  const RE = 'RE1';
  const pause = (by: string, at: string) => ({
    recordingSid: RE,
    source: 'control',
    status: 'paused',
    action: 'paused',
    by,
    at,
  });
  const alice = personOf('agent', 'alice');
  const sam = personOf('supervisor', 'sam');

  test('their own pause: theirs to resume, held since it was made', () => {
    expect(pauseSeenBy(alice, [pause('agent:alice', 'T1')], RE)).toEqual({
      recordingSid: RE,
      pausedBy: 'agent:alice',
      holder: 'you',
      mayResume: true,
      reasonRequired: false,
      since: 'T1',
    });
  });

  test("a flow's pause after theirs: the flow is named, not them, and it is locked; held since the first pause", () => {
    expect(pauseSeenBy(alice, [pause('agent:alice', 'T1'), pause(flow, 'T2')], RE)).toMatchObject({
      pausedBy: flow,
      holder: 'flow',
      mayResume: false,
      since: 'T1',
    });
    // Their own pause after the flow's does not unlock it either.
    expect(pauseSeenBy(alice, [pause(flow, 'T1'), pause('agent:alice', 'T2')], RE)).toMatchObject({
      pausedBy: flow,
      mayResume: false,
    });
  });

  test("another agent's pause: someone else's; a supervisor may lift it, and a flow's only with a reason", () => {
    expect(pauseSeenBy(alice, [pause('agent:bob', 'T1')], RE)).toMatchObject({
      holder: 'someone-else',
      mayResume: false,
    });
    expect(pauseSeenBy(sam, [pause('agent:bob', 'T1')], RE)).toMatchObject({ holder: 'someone-else', mayResume: true });
    expect(pauseSeenBy(sam, [pause(flow, 'T1')], RE)).toMatchObject({ mayResume: false, reasonRequired: true });
  });

  test('a pause made elsewhere: an unknown holder, locked as a flow, with no time', () => {
    expect(pauseSeenBy(alice, [], RE)).toEqual({
      recordingSid: RE,
      pausedBy: 'unknown',
      holder: 'flow',
      mayResume: false,
      reasonRequired: false,
    });
  });
});
