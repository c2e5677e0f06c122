// The console's Functions in-process, signed in as console:admin (a console token this deployment signs):
// start, pause, resume and stop through the same controls as flows, a flow's pause held against a
// resume without a reason, and the evidence exported with its segments and the window check.
import { newCall } from '../../../harness/calls';
import { servedRequests } from '../../../harness/functions';
import { contextFor, errorCodeOf, runFunction, useInProcessEmulator } from '../../../harness/in-process';
import { issueConsoleToken } from '../../../lib/runtime/console-auth';

const stack = useInProcessEmulator();
const env = { ADMIN_PASSWORD: 'correct horse battery staple' };
const token = () => issueConsoleToken(contextFor(stack.em, env)).token;
const console_ = (path: string, params: Record<string, unknown>) =>
  runFunction(stack.em, path, { Token: token(), ...params }, { env });

test('start, pause (skip), resume, stop from the console: each answered and in the evidence as console:admin', async () => {
  const call = await newCall(stack.em.client);
  const started = await console_('/console/control', { CallSid: call.sid, Action: 'start' });
  expect(started.body).toMatchObject({ callSid: call.sid, status: 'in-progress', created: true, synced: true });
  const sid = (started.body as { recordingSid: string }).recordingSid;
  for (const [Action, status] of [
    ['pause', 'paused'],
    ['resume', 'in-progress'],
    ['stop', 'stopped'],
  ])
    expect(
      (
        await console_('/console/control', {
          CallSid: call.sid,
          Action,
          ...(Action === 'pause' ? { PauseBehavior: 'skip' } : {}),
        })
      ).body,
    ).toMatchObject({ recordingSid: sid, status });
  const evidence = await console_('/console/evidence', { CallSid: call.sid });
  const entries = (evidence.body as { entries: Array<{ by: string; source: string; action?: string }> }).entries;
  expect(entries.filter((e) => e.source === 'control').map((e) => [e.by, e.action])).toEqual([
    ['console:admin', 'start'],
    ['console:admin', 'paused'],
    ['console:admin', 'in-progress'],
    ['console:admin', 'stopped'],
  ]);
  expect((evidence.body as { twilioListed: boolean }).twilioListed).toBe(true);
});

test("a flow's pause: the admin's resume without a reason is refused (REASON_REQUIRED) and not sent; with one it goes", async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  const rec = await em.client.calls(call.sid).recordings.create();
  await runFunction(em, '/recording/set-status', {
    CallSid: call.sid,
    Status: 'paused',
    FlowSid: 'FW' + 'c'.repeat(32),
  });
  const mark = (await servedRequests(em)).length;
  const refused = await console_('/console/control', { CallSid: call.sid, Action: 'resume' });
  expect([refused.statusCode, errorCodeOf(refused)]).toEqual([400, 'REASON_REQUIRED']);
  expect(
    (await servedRequests(em)).slice(mark).filter((r) => r.method === 'POST' && r.path.includes('/Recordings/')),
  ).toEqual([]);
  expect((await em.client.calls(call.sid).recordings(rec.sid).fetch()).status).toBe('paused');
  const resumed = await console_('/console/control', {
    CallSid: call.sid,
    Action: 'resume',
    Reason: 'caller asked for a supervisor',
  });
  expect(resumed.body).toMatchObject({ recordingSid: rec.sid, status: 'in-progress' });
});

test('the evidence as CSV, and the window check: From and To together, From not after To', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  await console_('/console/control', { CallSid: call.sid, Action: 'start' });
  const csv = await console_('/console/evidence', { CallSid: call.sid, Format: 'csv' });
  expect(csv.headers?.['Content-Type']).toBe('text/csv; charset=utf-8');
  // The columns are model/csv's (test/unit/model/evidence): here, that the Function answers with them.
  expect(String(csv.body).split('\r\n')[0]).toMatch(/^recording_sid,state,from,to,/);
  expect(csv.headers?.['Content-Disposition']).toBe(`attachment; filename="evidence-${call.sid}.csv"`);
  const half = await console_('/console/evidence', { CallSid: call.sid, From: '2026-01-01T00:00:00Z' });
  expect([half.statusCode, errorCodeOf(half)]).toEqual([400, 'INVALID_PARAMETER']);
  const backwards = await console_('/console/evidence', {
    CallSid: call.sid,
    From: '2026-01-02T00:00:00Z',
    To: '2026-01-01T00:00:00Z',
  });
  expect((backwards.body as { error: { message: string } }).error.message).toBe('From must not be after To');
  const window = await console_('/console/evidence', {
    CallSid: call.sid,
    From: new Date(Date.now() - 1000).toISOString(),
    To: new Date().toISOString(),
  });
  expect(window.body).toMatchObject({ window: { insidePause: false } });
});

test('a conference is paused and resumed only; no token, no control', async () => {
  const stop = await console_('/console/control', { ConferenceSid: 'CF' + '0'.repeat(32), Action: 'stop' });
  expect([stop.statusCode, errorCodeOf(stop)]).toEqual([400, 'NOT_SUPPORTED_FOR_CONFERENCES']);
  const anonymous = await runFunction(
    stack.em,
    '/console/control',
    { CallSid: 'CA' + '0'.repeat(32), Action: 'pause' },
    { env },
  );
  expect([anonymous.statusCode, errorCodeOf(anonymous)]).toEqual([401, 'UNAUTHORIZED']);
});

test('the calls Sync tracks, newest first (then by SID), with their state; numbers masked', async () => {
  const em = stack.em;
  const first = await newCall(em.client);
  const second = await newCall(em.client);
  await console_('/console/control', { CallSid: first.sid, Action: 'start' });
  await console_('/console/control', { CallSid: second.sid, Action: 'start' });
  await console_('/console/control', { CallSid: second.sid, Action: 'pause' });
  const listed = await console_('/console/calls', {});
  const calls = (listed.body as { calls: Array<Record<string, unknown>> }).calls;
  const order = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    String(b.createdAt).localeCompare(String(a.createdAt)) || String(a.sid).localeCompare(String(b.sid));
  expect(calls).toEqual([...calls].sort(order));
  expect(Object.fromEntries(calls.map((c) => [c.sid, [c.kind, c.state, c.live]]))).toEqual({
    [first.sid]: ['call', 'recording', true],
    [second.sid]: ['call', 'paused', true],
  });
  expect(JSON.stringify(calls)).not.toContain('5550006');
  const filtered = await console_('/console/calls', { Number: '999999' });
  expect((filtered.body as { calls: unknown[] }).calls).toEqual([]);
});
