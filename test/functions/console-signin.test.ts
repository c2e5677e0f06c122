// The console's sign-in over two Function processes on one emulator: named supervisors with Flex
// tokens, sign-out that holds on every instance, and password guessing throttled across instances.
import { newCall } from '../../harness/calls';
import { heldRequests, invoke, syncDocument } from '../../harness/functions';
import { useCluster } from '../../harness/stack';
import { flexUser } from '../../harness/taskrouter';
import { OVERALL_GATE } from '../../lib/runtime/console-auth';
import { gateName } from '../../lib/sync/console-state';

const PASSWORD = 'correct horse battery staple';
const cluster = useCluster(2, { ADMIN_PASSWORD: PASSWORD });
const fx = (i: number) => cluster.fxs[i % cluster.fxs.length];
const login = (i: number, body: Record<string, string>) =>
  invoke<{ token: string; expiresAt: string; error?: { code: string } }>(fx(i), '/console/login', body, 'json');

describe('named supervisors: the console signs in with a Flex token', () => {
  test('a supervisor signs in; what they do is named for them in the history and the evidence', async () => {
    const sam = await flexUser(cluster.em, 'sam@example.com', { roles: ['agent', 'supervisor'] });
    const signedIn = await login(0, { Token: sam.token });
    expect(signedIn.status).toBe(200);
    const callSid = (await newCall(cluster.em.client)).sid;
    const Token = signedIn.body.token;
    expect((await invoke(fx(1), '/console/control', { Token, CallSid: callSid, Action: 'start' }, 'json')).status).toBe(
      200,
    );
    expect((await syncDocument(cluster.em, callSid))?.history.at(-1)).toMatchObject({
      by: 'supervisor:sam@example.com',
    });
    const evidence = await invoke<{ entries: Array<{ by: string }> }>(
      fx(0),
      '/console/evidence',
      { Token, CallSid: callSid },
      'json',
    );
    expect(evidence.body.entries.map((e) => e.by)).toContain('supervisor:sam@example.com');
  });

  test('the console token lasts no longer than the Flex token', async () => {
    const ada = await flexUser(cluster.em, 'ada', { roles: ['admin'], ttlSeconds: 600 });
    const res = await login(1, { Token: ada.token });
    expect(Date.parse(res.body.expiresAt) - Date.now()).toBeLessThanOrEqual(600_000);
  });

  test.each([
    ['an agent', { roles: ['agent'] }, 403, 'FORBIDDEN_ROLE'],
    ['a guest', { roles: ['guest'] }, 403, 'FORBIDDEN_ROLE'],
    ['a supervisor who is no worker', { roles: ['supervisor'], workerSid: null }, 403, 'FORBIDDEN_ROLE'],
    ['an expired token', { roles: ['supervisor'], ttlSeconds: -1 }, 401, 'UNAUTHORIZED'],
  ])('%s cannot sign in', async (_what, extra, status, code) => {
    const user = await flexUser(cluster.em, 'someone', extra);
    expect(await login(0, { Token: user.token })).toMatchObject({ status, body: { error: { code } } });
  });
});

describe('sign-out ends the token on the server', () => {
  test('after /console/logout on one instance, the token is refused on both', async () => {
    const sam = await flexUser(cluster.em, 'sam', { roles: ['supervisor'] });
    const { token } = (await login(0, { Token: sam.token })).body;
    expect((await invoke(fx(1), '/console/calls', { Token: token }, 'json')).status).toBe(200);
    expect(await invoke(fx(0), '/console/logout', { Token: token }, 'json')).toMatchObject({
      status: 200,
      body: { signedOut: true },
    });
    for (const i of [0, 1]) {
      const res = await invoke(fx(i), '/console/calls', { Token: token }, 'json');
      expect(res).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    }
    // A token of another sign-in is still good.
    const other = (await login(1, { Token: sam.token })).body.token;
    expect((await invoke(fx(0), '/console/calls', { Token: other }, 'json')).status).toBe(200);
  });
});

describe('password guessing is throttled across instances', () => {
  // The gate's count is the guarantee, so a check must count before its outcome is known: its release
  // may never land (the instance killed, Sync refusing the write until the deadline).
  test('a password check in flight already counts as a wrong guess: a release that never lands gives no guess back', async () => {
    expect((await login(0, { Password: PASSWORD, Name: 'Test Admin' })).status).toBe(200);
    const gate = cluster.em.client.sync.v1.services('default').documents(gateName('all'));
    const before = ((await gate.fetch()).data as { failures: number }).failures;
    // Hold the check's two writes to the gate: its lease, then its release.
    await cluster.em.control('POST', '/faults', { kind: 'hold', count: 2, match: gateName('all'), method: 'POST' });
    const guess = login(1, { Password: 'a wrong guess', Name: 'Test Admin' });
    await heldRequests(cluster.em, 1);
    await cluster.em.control('POST', '/held/release');
    await heldRequests(cluster.em, 1); // the release, not applied yet
    expect(((await gate.fetch()).data as { failures: number }).failures).toBe(before + 1);
    await cluster.em.control('DELETE', '/faults');
    expect((await guess).status).toBe(401);
    expect(((await gate.fetch()).data as { failures: number }).failures).toBe(before + 1);
  });

  test('hundreds of guesses in parallel on two instances: only a handful are checked; then even the right password is refused unchecked', async () => {
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => login(i, { Password: `guess-number-${i}`, Name: 'Test Admin' })),
    );
    const statuses = answers.map((a) => a.status);
    const checked = statuses.filter((s) => s === 401).length;
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(1);
    expect(checked).toBeLessThanOrEqual(OVERALL_GATE.free + 3);
    expect(answers.find((a) => a.status === 429)?.body).toMatchObject({ error: { code: 'LOGIN_THROTTLED' } });
    // Keep guessing for a few seconds, one after another on alternate instances.
    let more = 0;
    for (let i = 0; Date.now() - started < 6000; i++) {
      const res = await login(i, { Password: `again-${i}`, Name: 'Test Admin' });
      if (res.status === 401) more++;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(checked + more).toBeLessThanOrEqual(OVERALL_GATE.free + 4);
    // Past the free guesses, each wrong one checked closes the gate for a second at least: guess until one
    // is checked (on a loaded machine the loop above may have had no time), then at once the right one.
    for (let i = 0, failures = checked + more; i < 100; i++) {
      const res = await login(i, { Password: `last-${i}`, Name: 'Test Admin' });
      if (res.status === 401 && ++failures > OVERALL_GATE.free) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // Throttled: the right password is refused before it is compared, so the answer says nothing of it.
    const right = await login(1, { Password: PASSWORD, Name: 'Test Admin' });
    expect(right).toMatchObject({ status: 429, body: { error: { code: 'LOGIN_THROTTLED' } } });
    // Flex sign-in is not throttled by password guessing.
    const sam = await flexUser(cluster.em, 'sam', { roles: ['supervisor'] });
    expect((await login(0, { Token: sam.token })).status).toBe(200);
  }, 30_000);
});
