// The console's Functions in-process, signed in as console:admin (a console token this deployment signs):
// start, pause, resume and stop through the same controls as flows, a flow's pause held against a
// resume without a reason, and the evidence exported with its segments and the window check.
import { callIn, conferenceCalls, finishedCall, newCall } from '../../../harness/calls';
import { evidenceEntries, servedRequests } from '../../../harness/functions';
import { flowOf, sayWidget, triggerTo, widget } from '../../../harness/flows';
import { contextFor, errorCodeOf, runFunction, useInProcessEmulator } from '../../../harness/in-process';
import { exportEvidence } from '../../../lib/controls/people';
import { personOf } from '../../../lib/model/people';
import type { NewEvidence } from '../../../lib/model/evidence';
import { issueConsoleToken } from '../../../lib/runtime/console-auth';
import { controlDeps } from '../../../lib/runtime/wiring';
import { EvidenceLog } from '../../../lib/sync/evidence-log';

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

test('a conference is paused and resumed only: a start or a stop is refused before Voice is asked; no token, no control', async () => {
  const em = stack.em;
  await conferenceCalls(em.client, 'room-console');
  const [conference] = await em.client.conferences.list({ friendlyName: 'room-console' });
  const [rec] = await em.client.conferences(conference.sid).recordings.list();
  const mark = (await servedRequests(em)).length;
  for (const Action of ['start', 'stop']) {
    const refused = await console_('/console/control', { ConferenceSid: conference.sid, Action });
    expect([refused.statusCode, errorCodeOf(refused)]).toEqual([400, 'NOT_SUPPORTED_FOR_CONFERENCES']);
  }
  expect((await servedRequests(em)).slice(mark).filter((r) => r.path.startsWith('/2010-04-01/'))).toEqual([]);
  for (const [Action, status] of [
    ['pause', 'paused'],
    ['resume', 'in-progress'],
  ]) {
    expect((await console_('/console/control', { ConferenceSid: conference.sid, Action })).body).toMatchObject({
      conferenceSid: conference.sid,
      recordingSid: rec.sid,
      status,
    });
    expect((await em.client.conferences(conference.sid).recordings(rec.sid).fetch()).status).toBe(status);
  }
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

test('exactly one of CallSid and ConferenceSid: both or neither is 400 before Voice is asked', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  const mark = (await servedRequests(em)).length;
  for (const target of [{}, { CallSid: call.sid, ConferenceSid: 'CF' + '0'.repeat(32) }])
    for (const [path, params] of [
      ['/console/control', { Action: 'pause' }],
      ['/console/evidence', {}],
    ] as const) {
      const refused = await console_(path, { ...target, ...params });
      expect([refused.statusCode, refused.body]).toEqual([
        400,
        { error: { code: 'INVALID_PARAMETER', message: 'Give exactly one of CallSid and ConferenceSid' } },
      ]);
    }
  expect((await servedRequests(em)).slice(mark).filter((r) => r.path.startsWith('/2010-04-01/'))).toEqual([]);
});

test("a Reason counts trimmed and is kept trimmed: 500 characters lift a flow's pause, 501 are refused unsent, blanks are no reason", async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  const rec = await em.client.calls(call.sid).recordings.create();
  await runFunction(em, '/recording/set-status', { CallSid: call.sid, Status: 'paused', FlowSid: FLOW });
  const resume = (Reason: string) => console_('/console/control', { CallSid: call.sid, Action: 'resume', Reason });
  const mark = (await servedRequests(em)).length;

  const long = await resume('r'.repeat(501));
  expect([long.statusCode, long.body]).toEqual([
    400,
    { error: { code: 'INVALID_PARAMETER', message: 'Reason is longer than 500 characters' } },
  ]);
  const blank = await resume('   ');
  expect([blank.statusCode, errorCodeOf(blank)]).toEqual([400, 'REASON_REQUIRED']);
  expect(
    (await servedRequests(em)).slice(mark).filter((r) => r.path.startsWith('/2010-04-01/') && r.method === 'POST'),
  ).toEqual([]);
  // 504 characters as sent, 500 once trimmed.
  const resumed = await resume(`  ${'r'.repeat(500)}  `);
  expect(resumed.body).toMatchObject({ recordingSid: rec.sid, status: 'in-progress' });
  const logged = (await evidenceEntries(em, call.sid)).filter(
    (e) => e.by === 'console:admin' && e.source === 'control',
  );
  expect(logged.map(({ action, status, reason }) => ({ action, status, reason }))).toEqual([
    { action: 'in-progress', status: 'refused', reason: undefined },
    { action: 'in-progress', status: 'override', reason: 'r'.repeat(500) },
    { action: 'in-progress', status: 'in-progress', reason: 'r'.repeat(500) },
  ]);
});

test('From and To are UTC ISO 8601 times as the docs show them: a word, a bare date or an expanded year is refused; From may equal To', async () => {
  const call = await newCall(stack.em.client);
  const to = '2026-01-02T00:00:00Z';
  for (const From of ['yesterday', '2026-01-01', '+002026-01-01T00:00:00Z']) {
    const refused = await console_('/console/evidence', { CallSid: call.sid, From, To: to });
    expect([refused.statusCode, refused.body]).toEqual([
      400,
      {
        error: {
          code: 'INVALID_PARAMETER',
          message: 'From must be a UTC ISO 8601 time, e.g. 2026-11-25T21:00:00Z',
        },
      },
    ]);
  }
  const half = await console_('/console/evidence', { CallSid: call.sid, To: to });
  expect((half.body as { error: { message: string } }).error.message).toBe('Give both From and To, or neither');
  const instant = await console_('/console/evidence', { CallSid: call.sid, From: to, To: to });
  expect(instant.body).toMatchObject({
    window: { from: '2026-01-02T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z', insidePause: false },
  });
});

const FLOW = 'FW' + 'c'.repeat(32);
const EXECUTION = 'FN' + 'd'.repeat(32);
const admin = personOf('admin', 'admin');
const evidenceLog = () => new EvidenceLog(stack.em.client, { serviceSid: 'default', ttlSeconds: 600 });
/** A <Pay> capture (a stage and its result) logged from 1 s to 2 s after now: after any recording made now began. */
const payCapture = (): NewEvidence[] => {
  const at = Date.now();
  const base = { recordingSid: 'capture', by: 'twilio', source: 'capture' as const };
  return [
    { ...base, at: new Date(at + 1000).toISOString(), status: 'stage', action: 'payment-card-number' },
    { ...base, at: new Date(at + 2000).toISOString(), status: 'success', action: 'result' },
  ];
};
type Evidence = { captures: Array<{ verdict: string }>; twilioListed: boolean; studioRead: boolean };
const verdictsOf = async (params: Record<string, unknown>) => {
  const body = (await console_('/console/evidence', params)).body as Evidence & Record<string, unknown>;
  return { key: Object.keys(body)[0], verdicts: body.captures.map((c) => c.verdict), twilioListed: body.twilioListed };
};

test("a capture is judged against Twilio's list of the call's or the conference's own recordings, those made elsewhere too", async () => {
  const em = stack.em;
  // Recorded elsewhere (through the API): the toolkit never heard of it, Twilio's list shows it recording.
  const call = await newCall(em.client);
  await em.client.calls(call.sid).recordings.create();
  await evidenceLog().append(call.sid, payCapture());
  expect(await verdictsOf({ CallSid: call.sid })).toEqual({
    key: 'callSid',
    verdicts: ['exception'],
    twilioListed: true,
  });
  // A conference recording from the start: its own list, not a call's.
  await conferenceCalls(em.client, 'room-evidence');
  const [conference] = await em.client.conferences.list({ friendlyName: 'room-evidence' });
  await evidenceLog().append(conference.sid, payCapture());
  expect(await verdictsOf({ ConferenceSid: conference.sid })).toEqual({
    key: 'conferenceSid',
    verdicts: ['exception'],
    twilioListed: true,
  });
});

test("a call Twilio does not know had no recording (not recorded); Twilio's list not answering leaves the verdict unknown", async () => {
  const em = stack.em;
  const gone = 'CA' + '1'.repeat(32);
  await evidenceLog().append(gone, payCapture());
  expect(await verdictsOf({ CallSid: gone })).toEqual({
    key: 'callSid',
    verdicts: ['not-recorded'],
    twilioListed: true,
  });
  const call = await newCall(em.client);
  await evidenceLog().append(call.sid, payCapture());
  await em.control('POST', '/faults', { kind: '500', count: 1000, match: `${call.sid}/Recordings`, method: 'GET' });
  // Retried until the deadline: the request "arrived" 8 s ago of its 10 s (lib/ loaded once here, as one Function).
  const deps = controlDeps(contextFor(em, env), Date.now() - 8_000, admin.caller, admin);
  const answer = await exportEvidence(deps, { CallSid: call.sid });
  expect([answer.captures.map((c) => c.verdict), answer.twilioListed]).toEqual([['unknown'], false]);
});

test("Studio's captures come from the executions the evidence names: read, the flow's capture is judged; a flow Studio does not know leaves studioRead false", async () => {
  const em = stack.em;
  const flow = flowOf(
    triggerTo('pay'),
    widget('pay', 'capture-payments', [{ event: 'success', next: 'ok' }, { event: 'hangup' }], {
      payment_amount: '0',
      max_attempts: 2,
    }),
    sayWidget('ok', 'thank you'),
  );
  const saved = await em.client.studio.v2.flows.create({ friendlyName: 'pay', status: 'published', definition: flow });
  const callSid = await callIn(em, { Url: saved.webhookUrl, inputs: [{ pay: 'success' }] });
  await finishedCall(em, callSid);
  const [execution] = await em.client.studio.v2.flows(saved.sid).executions.list();
  const by = `studio:${saved.sid}/${execution.sid}`;
  const recordingSid = 'RE' + '0'.repeat(32);
  await evidenceLog().append(callSid, [
    { at: new Date().toISOString(), recordingSid, status: 'paused', action: 'paused', by, source: 'control' },
  ]);
  const read = (await console_('/console/evidence', { CallSid: callSid })).body as Omit<Evidence, 'captures'> & {
    captures: Array<{ by: string; result: string; stages: Array<{ for: string }> }>;
  };
  expect(read.studioRead).toBe(true);
  expect(read.captures.map((c) => ({ by: c.by, result: c.result, stages: c.stages.map((s) => s.for) }))).toEqual([
    { by, result: 'success', stages: ['pay'] },
  ]);

  const other = await newCall(em.client);
  await runFunction(em, '/recording/set-status', {
    CallSid: other.sid,
    Status: 'paused',
    FlowSid: FLOW,
    ExecutionSid: EXECUTION,
  });
  const unread = (await console_('/console/evidence', { CallSid: other.sid })).body as Evidence;
  expect([unread.studioRead, unread.twilioListed]).toEqual([false, true]);
});
