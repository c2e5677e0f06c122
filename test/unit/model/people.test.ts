// The pure rules of who may lift whose pause, and identities bounded where stored.
import {
  boundedIdentity,
  isProtectedCaller,
  isStaff,
  liftOf,
  MAX_IDENTITY_LENGTH,
  mayLift,
  meaningfulCharacters,
  pauseHolders,
  pauseSeenBy,
  personOf,
  strongestRole,
  workerIdentity,
  type Role,
} from '../../../lib/model/people';

const flow = 'studio:FW1/FN1';
/** A pause a control logged, as the evidence keeps it. */
const pausedBy = (recordingSid: string, by: string, more: { status?: string; at?: string }) => ({
  recordingSid,
  source: 'control',
  status: 'paused',
  action: 'paused',
  by,
  ...more,
});

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
  const pause = (by: string, status = 'paused') => pausedBy(RE, by, { status });
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
    expect(pauseHolders([{ ...pause('agent:a'), recordingSid: 'RE2' }], RE)).toStrictEqual([undefined]);
  });

  test('none logged (a pause made elsewhere): one unknown holder, which the rule takes as a flow', () => {
    expect(pauseHolders([], RE)).toStrictEqual([undefined]);
    expect(mayLift(personOf('agent', 'alice'), undefined, undefined)).toMatchObject({ code: 'PAUSE_HELD' });
  });
});

test('each refusal says why, in words a person can act on', () => {
  expect(mayLift(personOf('agent', 'alice'), flow, undefined)).toEqual({
    allowed: false,
    code: 'PAUSE_HELD',
    message:
      'The recording of this call was paused by a flow (for example while a card number is read): only the flow, or a supervisor giving a Reason, may resume, stop or restart recording',
  });
  expect(mayLift(personOf('agent', 'alice'), 'agent:bob', undefined)).toEqual({
    allowed: false,
    code: 'PAUSE_HELD',
    message:
      'The recording of this call was paused by someone else: only they or a supervisor may resume, stop or restart recording',
  });
  expect(mayLift(personOf('supervisor', 'sam'), flow, 'short')).toEqual({
    allowed: false,
    code: 'REASON_REQUIRED',
    message:
      'The recording of this call was paused by a flow (for example while a card number is read): give a Reason of at least 10 letters or digits to resume, stop or restart recording; the reason and your name are kept in the evidence',
  });
  // Allowed without an override: nothing more said.
  expect(mayLift(personOf('agent', 'alice'), 'agent:alice', undefined)).toEqual({ allowed: true });
  expect(mayLift(personOf('admin', 'root'), flow, 'Ticket 4711: test call')).toEqual({ allowed: true, override: true });
});

test('a caller Twilio signed for: a Studio flow, a TwiML app, a plain HTTP caller; no person', () => {
  expect(
    ['studio:FW1/FN1', 'twiml', 'http', 'agent:studio', 'console:admin', 'https', 'xstudio:'].map(isProtectedCaller),
  ).toEqual([true, true, true, false, false, false, false]);
});

test('roles: agents are not staff; a token naming no known role has none', () => {
  expect(['agent', 'supervisor', 'admin'].map((r) => isStaff(r as Role))).toEqual([false, true, true]);
  expect(strongestRole(['guest', 'agent'])).toBe('agent');
  expect(strongestRole(['admin', 'agent'])).toBe('admin');
  expect(strongestRole(['guest'])).toBeUndefined();
  expect(strongestRole('admin')).toBeUndefined();
  expect(personOf('agent', 'alice', 'WK1')).toEqual({
    role: 'agent',
    identity: 'alice',
    workerSid: 'WK1',
    caller: 'agent:alice',
  });
  expect(personOf('admin', 'root')).toEqual({ role: 'admin', identity: 'root', caller: 'admin:root' });
});

test('identities: exactly the limit kept whole; one over, its start, a tilde and 16 hex digits of its hash', () => {
  const exact = 'a'.repeat(MAX_IDENTITY_LENGTH);
  expect(boundedIdentity(exact)).toBe(exact);
  const over = boundedIdentity(exact + 'b');
  expect(over).toMatch(new RegExp(`^a{${MAX_IDENTITY_LENGTH - 17}}~[0-9a-f]{16}$`));
  expect(over).toHaveLength(MAX_IDENTITY_LENGTH);
});

test('who holds a pause: only a pause asked for counts (a stop or a refused lift does not), by anything that showed recording', () => {
  const RE = 'RE1';
  const e = (source: string, status: string, action: string | undefined, by: string) => ({
    recordingSid: RE,
    source,
    status,
    action,
    by,
  });
  expect(
    pauseHolders(
      [
        e('control', 'paused', 'paused (skip)', flow),
        e('control', 'stopped', 'stopped', 'agent:a'),
        e('control', 'paused', undefined, 'agent:b'),
        e('callback', 'paused', 'paused', 'twilio'),
      ],
      RE,
    ),
  ).toEqual([flow]);
  // A callback's in-progress (a recording's start) is not Twilio showing a resume; an intent neither.
  expect(
    pauseHolders(
      [
        e('control', 'paused', 'paused', flow),
        e('callback', 'in-progress', undefined, 'twilio'),
        e('intent', 'in-progress', 'in-progress', 'agent:a'),
      ],
      RE,
    ),
  ).toEqual([flow]);
  // The same pauser twice is one holder.
  expect(pauseHolders([e('control', 'paused', 'paused', flow), e('control', 'paused', 'paused', flow)], RE)).toEqual([
    flow,
  ]);
});

describe('a held pause as a person sees it before acting (/agent/status)', () => {
  const RE = 'RE1';
  const pause = (by: string, at: string) => pausedBy(RE, by, { at });
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

  test('two pauses: the latest pauser is shown when both may be lifted, the latest blocking one when both block', () => {
    const both = [pause('agent:alice', 'T1'), pause('agent:bob', 'T2')];
    expect(pauseSeenBy(sam, both, RE)).toMatchObject({ pausedBy: 'agent:bob', mayResume: true, since: 'T1' });
    const carol = personOf('agent', 'carol');
    expect(pauseSeenBy(carol, [pause(flow, 'T1'), pause('agent:bob', 'T2')], RE)).toMatchObject({
      pausedBy: 'agent:bob',
      holder: 'someone-else',
    });
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

test("a worker's identity is its contact_uri's client: part, bounded as every identity is; anything else names none", () => {
  const of = (attributes: unknown) => workerIdentity(JSON.stringify(attributes));
  expect(of({ contact_uri: 'client:alice' })).toBe('alice');
  expect(of({ contact_uri: 'client:\nbob' })).toBe('\nbob');
  expect(of({ contact_uri: `client:${'a'.repeat(200)}` })).toBe(boundedIdentity('a'.repeat(200)));
  for (const other of [
    { contact_uri: 'client:' },
    { contact_uri: 'sip:alice@example.com' },
    { contact_uri: 'sip:client:alice' },
    { contact_uri: ['client:alice'] },
    { contact_uri: 7 },
    {},
    null,
  ])
    expect(of(other)).toBeUndefined();
  expect(workerIdentity('not JSON')).toBeUndefined();
});

describe('liftOf: every holder of the pause asked, the latest first', () => {
  const sid = 'RE00000000000000000000000000000001';
  const paused = (by: string, at: string) => pausedBy(sid, by, { at });
  const resumed = (by: string, at: string) => ({ ...paused(by, at), action: 'in-progress', status: 'in-progress' });
  const alice = personOf('agent', 'alice');
  const sam = personOf('supervisor', 'sam');
  const reason = 'caller hung up mid-payment';

  test("a supervisor with a reason lifts a flow's pause as an override, since the pause", () => {
    expect(liftOf(sam, [paused(flow, 't1')], sid, reason)).toEqual({
      latest: flow,
      refused: undefined,
      override: true,
      since: 't1',
    });
  });

  test("a supervisor lifts an agent's pause with no reason, and no override", () => {
    expect(liftOf(sam, [paused(alice.caller, 't1')], sid, undefined)).toEqual({
      latest: alice.caller,
      refused: undefined,
      override: false,
      since: 't1',
    });
  });

  test("an agent's pause, then a flow's: the supervisor's lift overrides the flow's; the agent's is refused by it", () => {
    const entries = [paused(alice.caller, 't1'), paused(flow, 't2')];
    expect(liftOf(sam, entries, sid, reason)).toEqual({
      latest: flow,
      refused: undefined,
      override: true,
      since: 't1',
    });
    expect(liftOf(alice, entries, sid, undefined)).toMatchObject({
      latest: flow,
      refused: { by: flow, decision: { allowed: false, code: 'PAUSE_HELD' } },
      override: false,
      since: 't1',
    });
  });

  test("a flow's pause lifted, then the agent's own: the agent may lift it, no override, since their pause", () => {
    const entries = [paused(flow, 't1'), resumed(flow, 't2'), paused(alice.caller, 't3')];
    expect(liftOf(alice, entries, sid, undefined)).toEqual({
      latest: alice.caller,
      refused: undefined,
      override: false,
      since: 't3',
    });
  });

  test('no pause logged: an unknown pauser, held as a flow', () => {
    expect(liftOf(alice, [], sid, undefined)).toMatchObject({
      latest: undefined,
      refused: { by: undefined, decision: { allowed: false, code: 'PAUSE_HELD' } },
      override: false,
      since: undefined,
    });
  });
});
