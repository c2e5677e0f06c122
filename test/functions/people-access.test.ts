// Who may use the Functions for people, over two Function processes on one emulator: Flex roles and
// workers, credentials kept out of URLs, a short ADMIN_PASSWORD, identities bounded where stored, Flex
// validation cached, and one malformed Sync document left out of the console's list.
import { newCall } from '../../harness/calls';
import { counters, evidenceEntries, invoke, syncDocument, writeState } from '../../harness/functions';
import { useCluster, useStack } from '../../harness/stack';
import { mapName } from '../../lib/sync/call-map';

const PASSWORD = 'correct horse battery staple';
const cluster = useCluster(2, { ADMIN_PASSWORD: PASSWORD });
const short = useStack({ ADMIN_PASSWORD: 'eleven-char' });

const flexToken = async (identity: string, extra: Record<string, unknown> = {}) =>
  (await cluster.em.control<{ token: string; worker_sid: string }>('POST', '/flex/tokens', { identity, ...extra }))
    .token;

const validations = async () =>
  (await counters(cluster.em)).routes['POST /v1/Accounts/:AccountSid/Tokens/validate'] ?? 0;

describe('roles: a Flex token must be a worker with the role agent, supervisor or admin', () => {
  test.each([
    ['a guest', { roles: ['guest'] }],
    ['a user with no role', { roles: [] }],
    ['an agent who is no worker', { roles: ['agent'], workerSid: null }],
    ['a supervisor who is no worker', { roles: ['supervisor'], workerSid: null }],
  ])('%s: 403 FORBIDDEN_ROLE on both instances, and nothing changes', async (_what, extra) => {
    const Token = await flexToken('mallory', extra);
    const callSid = (await newCall(cluster.em.client)).sid;
    for (const fx of cluster.fxs) {
      for (const [path, body] of [
        ['/agent/start', { CallSid: callSid }],
        ['/agent/set-status', { CallSid: callSid, Status: 'stop' }],
      ] as const) {
        const res = await invoke(fx, path, { Token, ...body }, 'json');
        expect(res).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN_ROLE' } } });
      }
    }
    expect(await cluster.em.client.calls(callSid).recordings.list()).toHaveLength(0);
  });

  test('a supervisor or an admin controls any call; the evidence names their role and identity', async () => {
    for (const role of ['supervisor', 'admin']) {
      const Token = await flexToken(`${role}@example.com`, { roles: ['agent', role] });
      const callSid = (await newCall(cluster.em.client)).sid;
      const res = await invoke(cluster.fxs[0], '/agent/start', { Token, CallSid: callSid }, 'json');
      expect(res).toMatchObject({ status: 200, body: { status: 'in-progress' } });
      expect((await syncDocument(cluster.em, callSid))?.history.at(-1)).toMatchObject({
        by: `${role}:${role}@example.com`,
      });
    }
  });
});

describe('credentials travel in the POST body only', () => {
  test('a Password or a Token in the query string is refused, whatever the method', async () => {
    const fx = cluster.fxs[0];
    const token = await flexToken('alice');
    const attempts = [
      fetch(`${fx.url}/console/login?Password=${encodeURIComponent(PASSWORD)}`),
      fetch(`${fx.url}/console/login?Password=${encodeURIComponent(PASSWORD)}`, { method: 'POST' }),
      fetch(`${fx.url}/console/login?Password=${encodeURIComponent(PASSWORD)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
      fetch(`${fx.url}/console/calls?Token=${token}`),
      fetch(`${fx.url}/agent/start?Token=${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'CallSid=CA' + '0'.repeat(32),
      }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'CREDENTIALS_IN_URL' } });
    }
    // The same credentials in the body are taken, as JSON and as a form.
    expect((await invoke(fx, '/console/login', { Password: PASSWORD }, 'json')).status).toBe(200);
    expect((await invoke(fx, '/console/login', { Password: PASSWORD }, 'form')).status).toBe(200);
  });
});

describe('ADMIN_PASSWORD shorter than 12 characters', () => {
  test('turns the console off with a message that says why, and is never checked', async () => {
    const res = await invoke(short.fx, '/console/login', { Password: 'eleven-char' }, 'json');
    expect(res).toMatchObject({ status: 403, body: { error: { code: 'CONSOLE_OFF' } } });
    expect((res.body as { error: { message: string } }).error.message).toMatch(/fewer than 12/);
  });
});

describe('identities are bounded where they are stored', () => {
  test('a 20 KiB Flex identity: the control and its evidence both land, the identity cut to 128 characters', async () => {
    const identity = 'x'.repeat(20 * 1024);
    const Token = await flexToken(identity, { roles: ['supervisor'] });
    const callSid = (await newCall(cluster.em.client)).sid;
    const res = await invoke(cluster.fxs[1], '/agent/start', { Token, CallSid: callSid }, 'json');
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('evidenceLogged');
    const by = (await syncDocument(cluster.em, callSid))!.history.at(-1)!.by;
    expect(by.length).toBeLessThanOrEqual('supervisor:'.length + 128);
    expect((await evidenceEntries(cluster.em, callSid)).map((e) => e.by)).toContain(by);
  });
});

describe('Flex validation is cached briefly, keyed by a hash of the token', () => {
  test('one token used many times is validated once per instance; malformed and expired tokens never reach Twilio', async () => {
    const Token = await flexToken('cached', { roles: ['supervisor'] });
    const before = await validations();
    for (const fx of cluster.fxs)
      await Promise.all(
        Array.from({ length: 5 }, () => invoke(fx, '/agent/set-status', { Token, CallSid: 'CA123', Status: 'pause' })),
      );
    expect((await validations()) - before).toBe(cluster.fxs.length);
    const again = await validations();
    await invoke(cluster.fxs[0], '/agent/set-status', { Token, CallSid: 'CA123', Status: 'pause' });
    expect(await validations()).toBe(again);

    const junk = await validations();
    for (const Token of ['junk', 'a.b', await flexToken('late', { ttlSeconds: -5 })]) {
      const res = await invoke(cluster.fxs[0], '/agent/start', { Token, CallSid: 'CA' + '1'.repeat(32) });
      expect(res.status).toBe(401);
    }
    expect(await validations()).toBe(junk);
  });

  test('an expired token is refused even while its validation is cached', async () => {
    const Token = await flexToken('brief', { roles: ['supervisor'], ttlSeconds: 2 });
    const callSid = (await newCall(cluster.em.client)).sid;
    expect((await invoke(cluster.fxs[0], '/agent/start', { Token, CallSid: callSid }, 'json')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await invoke(cluster.fxs[0], '/agent/start', { Token, CallSid: callSid }, 'json')).status).toBe(401);
  });
});

describe('the console list', () => {
  test('a malformed tracked state is left out and logged; the others are listed', async () => {
    const login = await invoke<{ token: string }>(cluster.fxs[0], '/console/login', { Password: PASSWORD }, 'json');
    const Token = login.body.token;
    const callSid = (await newCall(cluster.em.client)).sid;
    await invoke(cluster.fxs[0], '/console/control', { Token, CallSid: callSid, Action: 'start' }, 'json');
    const bad = 'CA' + 'b'.repeat(32);
    await writeState(cluster.em, bad, { recordings: 'nope', history: 7 });
    const list = await invoke<{ calls: Array<{ sid: string }> }>(cluster.fxs[1], '/console/calls', { Token }, 'json');
    expect(list.status).toBe(200);
    expect(list.body.calls.map((c) => c.sid)).toContain(callSid);
    expect(list.body.calls.map((c) => c.sid)).not.toContain(bad);
    expect(cluster.fxs[1].output()).toContain(`skipped the malformed Sync state of ${mapName(bad)}`);
  });
});
