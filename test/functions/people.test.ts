// The Functions for people: the console's (ADMIN_PASSWORD, signed tokens) and the agents' (Flex tokens
// that Twilio validates, here the emulator), each refusing without a valid token of this account.
import { issueConsoleToken, CONSOLE_TOKEN_TTL_MS } from '../../lib/runtime/console-auth';
import type { FunctionContext } from '../../lib/env';
import { CLOCK_SKEW_MARGIN_MS } from '../../lib/model/statuses';
import { newCall } from '../../harness/calls';
import { callbacksIdle, invoke, syncDocument } from '../../harness/functions';
import { ACCOUNT_SID, AUTH_TOKEN, useStack } from '../../harness/stack';
import { EMULATOR_WORKSPACE_SID, flexUser, giveTask } from '../../harness/taskrouter';

const PASSWORD = 'correct horse battery staple';
const stack = useStack({ ADMIN_PASSWORD: PASSWORD, TASKROUTER_WORKSPACE_SID: EMULATOR_WORKSPACE_SID });
const off = useStack({ ADMIN_PASSWORD: '' });

const CONSOLE = ['/console/calls', '/console/control', '/console/evidence'];
const AGENT = ['/agent/set-status', '/agent/start'];
const asContext = (vars: Record<string, string>) => vars as unknown as FunctionContext;

async function login(password = PASSWORD) {
  return invoke<{ token: string; expiresAt: string; error?: { code: string } }>(
    stack.fx,
    '/console/login',
    { Password: password, Name: 'Test Admin' },
    'json',
  );
}

/**
 * /console/calls once it lists every one of `sids`: a process shares one reading of the console's index
 * for the page's poll interval (controls/tracked-calls), so a call written just now shows within it.
 */
async function listing<T extends { sid: string }>(Token: string, sids: string[]) {
  for (let i = 0; ; i++) {
    const list = await invoke<{ calls: T[] }>(stack.fx, '/console/calls', { Token }, 'json');
    if (i >= 50 || sids.every((sid) => list.body.calls.some((c) => c.sid === sid))) return list;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function flexToken(identity: string, extra: Record<string, unknown> = {}) {
  return (await stack.em.control<{ token: string }>('POST', '/flex/tokens', { identity, ...extra })).token;
}

async function recordedCall() {
  const call = await newCall(stack.em.client);
  await stack.em.client.calls(call.sid).recordings.create();
  return call.sid;
}

describe('console sign-in', () => {
  test('the right password gets a token that expires; a wrong one is refused after a delay', async () => {
    const ok = await login();
    expect(ok.status).toBe(200);
    expect(ok.body.token).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(Date.parse(ok.body.expiresAt) - Date.now()).toBeGreaterThan(CONSOLE_TOKEN_TTL_MS - 60_000);

    const started = Date.now();
    const wrong = await login('guess');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Wrong password' } });
    expect((await login('')).status).toBe(401);
  });

  test('neither the password nor a token appears in the logs', async () => {
    const { body } = await login();
    await invoke(stack.fx, '/console/calls', { Token: body.token }, 'json');
    const output = await stack.fx.settledOutput();
    expect(output).not.toContain(PASSWORD);
    expect(output).not.toContain(body.token);
  });

  test('with ADMIN_PASSWORD empty password sign-in is off (403); the console Functions still take only a valid token', async () => {
    const res = await invoke(off.fx, '/console/login', { Password: PASSWORD, Name: 'Test Admin' }, 'json');
    expect(res).toMatchObject({ status: 403, body: { error: { code: 'CONSOLE_OFF' } } });
    for (const path of CONSOLE) expect((await invoke(off.fx, path, { Token: 'x' }, 'json')).status).toBe(401);
  });
});

describe('every console Function refuses without a valid token of this account', () => {
  const tokens: Array<[string, () => string | undefined]> = [
    ['no token', () => undefined],
    ['a made-up token', () => 'eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl'],
    [
      'an expired token',
      () =>
        issueConsoleToken(
          asContext({ ACCOUNT_SID, AUTH_TOKEN, ADMIN_PASSWORD: PASSWORD }),
          Date.now() - CONSOLE_TOKEN_TTL_MS - 1000,
        ).token,
    ],
    [
      "another account's token",
      () =>
        issueConsoleToken(
          asContext({
            ACCOUNT_SID: 'AC' + '1'.repeat(32),
            AUTH_TOKEN: 'another-accounts-auth-token-0000',
            ADMIN_PASSWORD: PASSWORD,
          }),
        ).token,
    ],
    [
      'a token signed before the password changed',
      () => issueConsoleToken(asContext({ ACCOUNT_SID, AUTH_TOKEN, ADMIN_PASSWORD: 'old password' })).token,
    ],
  ];
  test.each(CONSOLE.flatMap((path) => tokens.map(([what, token]) => [path, what, token] as const)))(
    '%s, %s: 401',
    async (path, _what, token) => {
      const callSid = await recordedCall();
      const res = await invoke(stack.fx, path, { Token: token(), CallSid: callSid, Action: 'pause' }, 'json');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
      expect((await stack.em.client.calls(callSid).recordings.list())[0].status).toBe('in-progress');
    },
  );
});

describe('every agent Function refuses without a valid Flex token of this account', () => {
  test.each(AGENT)('%s', async (path) => {
    const callSid = (await newCall(stack.em.client)).sid;
    const tokens = [
      undefined,
      'not-a-flex-token',
      await flexToken('mallory', { accountSid: 'AC' + '2'.repeat(32) }),
      await flexToken('late', { ttlSeconds: -1 }),
    ];
    for (const Token of tokens) {
      const res = await invoke(stack.fx, path, { Token, CallSid: callSid, Status: 'pause' }, 'json');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    }
    expect(await stack.em.client.calls(callSid).recordings.list()).toHaveLength(0);
  });

  test("the emulator validates Flex tokens as Twilio's endpoint does, for this account only", async () => {
    const good = await flexToken('alice');
    const validate = (token: string) =>
      stack.em.client.request({
        method: 'post',
        uri: `https://iam.twilio.com/v1/Accounts/${ACCOUNT_SID}/Tokens/validate`,
        data: { token },
        headers: { 'Content-Type': 'application/json' },
      });
    expect((await validate(good)).body).toMatchObject({ valid: true, identity: 'alice', roles: ['agent'] });
    expect((await validate('nope')).body).toMatchObject({ valid: false });
    expect((await validate(await flexToken('bob', { accountSid: 'AC' + '3'.repeat(32) }))).body).toMatchObject({
      valid: false,
    });
  });
});

describe('agents from Flex', () => {
  test('CORS: the preflight and the answers let Flex call', async () => {
    const preflight = await fetch(`${stack.fx.url}/agent/set-status`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://flex.twilio.com',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toMatch(/^(\*|https:\/\/flex\.twilio\.com)$/);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    const refused = await fetch(`${stack.fx.url}/agent/set-status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://flex.twilio.com');
  });

  test('an agent starts and pauses their call; the history and the evidence say which agent', async () => {
    const alice = await flexUser(stack.em, 'alice@example.com');
    const Token = alice.token;
    const callSid = (await newCall(stack.em.client)).sid;
    await giveTask(stack.em, alice.worker_sid!, { callSid });
    const started = await invoke<{ recordingSid: string }>(
      stack.fx,
      '/agent/start',
      { Token, CallSid: callSid },
      'json',
    );
    expect(started.status).toBe(200);
    const paused = await invoke(
      stack.fx,
      '/agent/set-status',
      { Token, CallSid: callSid, Status: 'pause', PauseBehavior: 'skip' },
      'json',
    );
    expect(paused).toMatchObject({ status: 200, body: { status: 'paused', recordingSid: started.body.recordingSid } });
    expect((await stack.em.client.calls(callSid).recordings(started.body.recordingSid).fetch()).status).toBe('paused');
    expect((await syncDocument(stack.em, callSid))?.history.at(-1)).toMatchObject({ by: 'agent:alice@example.com' });

    const { body } = await login();
    const evidence = await invoke<{ segments: Array<Record<string, unknown>> }>(
      stack.fx,
      '/console/evidence',
      { Token: body.token, CallSid: callSid },
      'json',
    );
    // Between the pause's request and Twilio's answer, Twilio may or may not have applied it: uncertain.
    expect(evidence.body.segments).toEqual([
      expect.objectContaining({ state: 'recorded', by: 'agent:alice@example.com', source: 'control' }),
      expect.objectContaining({ state: 'uncertain', by: 'agent:alice@example.com' }),
      expect.objectContaining({ state: 'paused', pauseBehavior: 'skip', by: 'agent:alice@example.com', to: null }),
    ]);
    expect(evidence.body.segments.filter((s) => s.unproven)).toEqual([]);
  });

  test('bad parameters get clear errors once the token is valid', async () => {
    const Token = await flexToken('alice');
    const res = await invoke(stack.fx, '/agent/set-status', { Token, CallSid: 'CA123', Status: 'pause' }, 'json');
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'INVALID_PARAMETER' } } });
    const conference = await invoke(
      stack.fx,
      '/agent/set-status',
      { Token, ConferenceSid: 'CF' + '4'.repeat(32), Status: 'stop' },
      'json',
    );
    expect(conference).toMatchObject({ status: 400, body: { error: { code: 'NOT_SUPPORTED_FOR_CONFERENCES' } } });
  });
});

describe('the console', () => {
  // Studio's Flows resource (GET /v2/Flows/{Sid}) names a flow that acted; one Studio does not know stays its SID.
  test('names the Studio flows that acted on a call as Studio names them', async () => {
    const { body } = await login();
    const flow = await stack.em.client.studio.v2.flows.create({
      friendlyName: 'PCI payment',
      status: 'published',
      definition: {
        description: 'named',
        initial_state: 'Trigger',
        flags: { allow_concurrent_calls: true },
        states: [{ name: 'Trigger', type: 'trigger', transitions: [], properties: {} }],
      },
    });
    const unknown = 'FW' + 'f'.repeat(32);
    const callSid = (await newCall(stack.em.client)).sid;
    const execution = 'FN' + '0'.repeat(32);
    expect(
      (await invoke(stack.fx, '/recording/start', { CallSid: callSid, FlowSid: flow.sid, ExecutionSid: execution }))
        .status,
    ).toBe(200);
    expect(
      (
        await invoke(stack.fx, '/recording/set-status', {
          CallSid: callSid,
          Status: 'paused',
          FlowSid: unknown,
          ExecutionSid: execution,
        })
      ).status,
    ).toBe(200);
    const list = await listing<{ sid: string; flows: Record<string, string> }>(body.token, [callSid]);
    expect(list.body.calls.find((c) => c.sid === callSid)?.flows).toEqual({ [flow.sid]: 'PCI payment' });
  });

  test('lists tracked calls live first, controls them as console:admin, and exports the evidence with the window check', async () => {
    const { body } = await login();
    const Token = body.token;
    const callSid = (await newCall(stack.em.client)).sid;
    const start = await invoke<{ recordingSid: string }>(
      stack.fx,
      '/console/control',
      { Token, CallSid: callSid, Action: 'start' },
      'json',
    );
    expect(start.status).toBe(200);
    await callbacksIdle(stack.em);
    const pause = await invoke(
      stack.fx,
      '/console/control',
      { Token, CallSid: callSid, Action: 'pause', PauseBehavior: 'silence' },
      'json',
    );
    expect(pause).toMatchObject({ status: 200, body: { status: 'paused' } });
    // The window lies past the clock margin (CLOCK_SKEW_MARGIN_MS) after the pause's answer and before the resume's send.
    await new Promise((r) => setTimeout(r, CLOCK_SKEW_MARGIN_MS + 10));
    const pausedAt = new Date();
    await new Promise((r) => setTimeout(r, 50));
    const windowEnd = new Date();
    await new Promise((r) => setTimeout(r, CLOCK_SKEW_MARGIN_MS + 10));
    await invoke(stack.fx, '/console/control', { Token, CallSid: callSid, Action: 'resume' }, 'json');
    await invoke(stack.fx, '/console/control', { Token, CallSid: callSid, Action: 'stop' }, 'json');
    await callbacksIdle(stack.em);

    const live = await recordedCallTracked(Token);
    const list = await listing<{ sid: string; live: boolean; state: string; createdAt: string }>(Token, [
      callSid,
      live,
    ]);
    expect(list.body.calls.find((c) => c.sid === callSid)).toMatchObject({ live: false, state: 'not-recording' });
    expect(list.body.calls.find((c) => c.sid === live)).toMatchObject({ live: true, state: 'recording' });
    // Newest first by when Sync first heard of each, whatever changed since: a row never moves.
    const created = list.body.calls.map((c) => c.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    // The number filter takes digits only.
    expect(await invoke(stack.fx, '/console/calls', { Token, Number: '12ab' }, 'json')).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_PARAMETER' } },
    });
    const byNumber = await invoke<{ calls: Array<{ sid: string; from: string; to: string }> }>(
      stack.fx,
      '/console/calls',
      { Token, Number: '+1 500-555-0006' },
      'json',
    );
    expect(byNumber.body.calls.map((c) => c.sid)).toContain(live);
    expect(byNumber.body.calls.find((c) => c.sid === live)).toMatchObject({ from: '+1500•••0001', to: '+1500•••0006' });
    const none = await invoke<{ calls: unknown[] }>(stack.fx, '/console/calls', { Token, Number: '999999' }, 'json');
    expect(none.body.calls).toEqual([]);

    const evidence = await invoke<{ segments: Array<Record<string, string>>; window: { insidePause: boolean } }>(
      stack.fx,
      '/console/evidence',
      { Token, CallSid: callSid, From: pausedAt.toISOString(), To: windowEnd.toISOString() },
      'json',
    );
    // Each change is uncertain between its request and Twilio's answer; the pause between is proven.
    expect(evidence.body.segments.map((s) => [s.state, s.by])).toEqual([
      ['recorded', 'console:admin (Test Admin)'],
      ['uncertain', 'console:admin (Test Admin)'],
      ['paused', 'console:admin (Test Admin)'],
      ['uncertain', 'console:admin (Test Admin)'],
      ['recorded', 'console:admin (Test Admin)'],
      ['uncertain', 'console:admin (Test Admin)'],
      ['stopped', 'console:admin (Test Admin)'],
    ]);
    expect(evidence.body.segments.filter((s) => s.unproven)).toEqual([]);
    expect(evidence.body.window.insidePause).toBe(true);
    const outside = await invoke<{ window: { insidePause: boolean } }>(
      stack.fx,
      '/console/evidence',
      { Token, CallSid: callSid, From: evidence.body.segments[0].from, To: windowEnd.toISOString() },
      'json',
    );
    expect(outside.body.window.insidePause).toBe(false);

    const csv = await invoke<string>(stack.fx, '/console/evidence', { Token, CallSid: callSid, Format: 'csv' }, 'json');
    expect(csv.contentType).toContain('text/csv');
    expect(csv.body.trim().split('\r\n')).toHaveLength(8);
    expect(csv.body).toMatch(/^recording_sid,state,from,to,pause_behavior,by,source,unproven,reason,why\r\n/);

    const bad = await invoke(
      stack.fx,
      '/console/evidence',
      { Token, CallSid: callSid, From: 'yesterday', To: windowEnd.toISOString() },
      'json',
    );
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'INVALID_PARAMETER' } } });
  });

  test('a failed evidence append does not fail a pause, and says so; a start that cannot log its intent is not sent', async () => {
    const { body } = await login();
    const callSid = (await newCall(stack.em.client)).sid;
    const control = (Action: string) =>
      invoke(stack.fx, '/console/control', { Token: body.token, CallSid: callSid, Action }, 'json');
    // The evidence's items (keys log-…), not the call's state or claim.
    const evidenceFails = { kind: '500', count: 50, match: '/Items', method: 'POST', field: 'log-' };
    await stack.em.control('POST', '/faults', evidenceFails);
    expect(await control('start')).toMatchObject({ status: 503, body: { error: { code: 'EVIDENCE_UNAVAILABLE' } } });
    expect(await stack.em.client.calls(callSid).recordings.list()).toHaveLength(0);
    await stack.em.control('DELETE', '/faults');
    expect(await control('start')).toMatchObject({ status: 200, body: { status: 'in-progress' } });
    await stack.em.control('POST', '/faults', evidenceFails);
    const res = await control('pause');
    await stack.em.control('DELETE', '/faults');
    expect(res).toMatchObject({ status: 200, body: { status: 'paused', evidenceLogged: false } });
    expect(await stack.fx.settledOutput()).toContain(`evidence of ${callSid} not logged`);
  });

  async function recordedCallTracked(Token: string) {
    const callSid = (await newCall(stack.em.client)).sid;
    await invoke(stack.fx, '/console/control', { Token, CallSid: callSid, Action: 'start' }, 'json');
    return callSid;
  }
});
