// Who may use the Functions for people, over two Function processes on one emulator: Flex roles and
// workers, credentials kept out of URLs, a short ADMIN_PASSWORD, identities bounded where stored, Flex
// validation cached, and one malformed Sync document left out of the console's list.
import { newCall } from '../../harness/calls';
import { counters, evidenceEntries, invoke, syncDocument } from '../../harness/functions';
import { useCluster, useStack } from '../../harness/stack';
import { indexName, shardOf } from '../../lib/sync/console-index';

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
    expect((await invoke(fx, '/console/login', { Password: PASSWORD, Name: 'Test Admin' }, 'json')).status).toBe(200);
    expect((await invoke(fx, '/console/login', { Password: PASSWORD, Name: 'Test Admin' }, 'form')).status).toBe(200);
  });

  test('a body long enough for the credential does not hide one in the URL; nor does a body of undeclared length', async () => {
    const fx = cluster.fxs[1];
    const url = `${fx.url}/console/login?Password=${encodeURIComponent(PASSWORD)}`;
    const long = { Padding: 'x'.repeat(200) };
    const refused = [
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(long) }),
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(long).toString(),
      }),
      // Chunked: no Content-Length to compare with.
      fetch(`${fx.url}/console/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new Blob([JSON.stringify({ Password: PASSWORD, Name: 'Test Admin' })]).stream(),
        duplex: 'half',
      } as RequestInit),
      // The credential in the body, but the URL carries parameters too: the request cannot show where it came from.
      fetch(`${fx.url}/console/login?Other=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ Password: PASSWORD, Name: 'Test Admin' }),
      }),
    ];
    for (const res of await Promise.all(refused)) {
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'CREDENTIALS_IN_URL' } });
    }
  });
});

describe('a credential in the query string is refused by every Function for people', () => {
  const PEOPLE = [
    '/console/login',
    '/console/logout',
    '/console/calls',
    '/console/control',
    '/console/evidence',
    '/agent/set-status',
    '/agent/start',
    '/agent/status',
  ];
  const BODIES: Array<[string, Record<string, string>, string | undefined]> = [
    ['no body', {}, undefined],
    ['an empty JSON object', { 'content-type': 'application/json' }, '{}'],
    [
      'a JSON body without the credential',
      { 'content-type': 'application/json' },
      JSON.stringify({ CallSid: 'CA' + '0'.repeat(32) }),
    ],
    [
      'a form without the credential',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'CallSid=CA' + '0'.repeat(32),
    ],
    ['plain text', { 'content-type': 'text/plain' }, 'Password=x'],
    [
      'a multipart form',
      { 'content-type': 'multipart/form-data; boundary=b' },
      '--b\r\nContent-Disposition: form-data; name="A"\r\n\r\n1\r\n--b--\r\n',
    ],
  ];

  test.each(['Password', 'Token'])(
    '%s in the URL: 400 CREDENTIALS_IN_URL for every Function, method and body, on both instances',
    async (name) => {
      const value = name === 'Password' ? PASSWORD : await flexToken('alice', { roles: ['supervisor'] });
      const attempts: Array<{ what: string; res: Promise<Response> }> = [];
      for (const [i, path] of PEOPLE.entries()) {
        const url = `${cluster.fxs[i % 2].url}${path}?${name}=${encodeURIComponent(value)}`;
        attempts.push({ what: `GET ${path}`, res: fetch(url) });
        for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'])
          for (const [body, headers, text] of BODIES)
            attempts.push({ what: `${method} ${path} with ${body}`, res: fetch(url, { method, headers, body: text }) });
      }
      const answers = await Promise.all(
        attempts.map(async ({ what, res }) => {
          const r = await res;
          const text = await r.text();
          return {
            what,
            status: r.status,
            code: (JSON.parse(text) as { error?: { code: string } }).error?.code,
            echoed: text.includes(value),
          };
        }),
      );
      expect(answers.length).toBe(PEOPLE.length * (1 + 4 * BODIES.length));
      expect(answers.filter((a) => a.status !== 400 || a.code !== 'CREDENTIALS_IN_URL' || a.echoed)).toEqual([]);
    },
  );
});

describe('ADMIN_PASSWORD shorter than 12 characters', () => {
  test('turns the console off with a message that says why, and is never checked', async () => {
    const res = await invoke(short.fx, '/console/login', { Password: 'eleven-char', Name: 'Test Admin' }, 'json');
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
  test('a malformed entry of the console index is left out and logged; the others are listed', async () => {
    const login = await invoke<{ token: string }>(
      cluster.fxs[0],
      '/console/login',
      { Password: PASSWORD, Name: 'Test Admin' },
      'json',
    );
    const Token = login.body.token;
    const callSid = (await newCall(cluster.em.client)).sid;
    await invoke(cluster.fxs[0], '/console/control', { Token, CallSid: callSid, Action: 'start' }, 'json');
    const bad = 'CA' + 'b'.repeat(32);
    // An entry of the console's index in a shape the toolkit never writes (by hand, by another tool).
    const maps = cluster.em.client.sync.v1.services('default').syncMaps;
    await maps.create({ uniqueName: indexName(shardOf(bad)) }).catch(() => undefined);
    await maps(indexName(shardOf(bad))).syncMapItems.create({ key: bad, data: { recordings: 'nope', history: 7 } });
    const list = await invoke<{ calls: Array<{ sid: string }> }>(cluster.fxs[1], '/console/calls', { Token }, 'json');
    expect(list.status).toBe(200);
    expect(list.body.calls.map((c) => c.sid)).toContain(callSid);
    expect(list.body.calls.map((c) => c.sid)).not.toContain(bad);
    expect(await cluster.fxs[1].settledOutput()).toContain(`skipped the malformed console index entry ${bad}`);
  });
});
