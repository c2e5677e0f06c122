// The Flex agents' Functions in-process (/agent/status, /agent/set-status, /agent/start), with Flex tokens
// the emulator validates: an agent reads and controls only a call or conference of their accepted task;
// the status read shows each held pause as that person sees it (whose: flow, you or someone-else; whether
// they may resume, or only with a reason; since when) and writes nothing; a pause is never held against
// a pause; a refused lift is logged with how the agent named the recording; a start reports to this
// deployment's own callback.
import { conferenceCalls, newCall } from '../../../harness/calls';
import { callbacksIdle, evidenceEntries, servedRequests } from '../../../harness/functions';
import { errorCodeOf, runFunction, useInProcessEmulator } from '../../../harness/in-process';
import { ACCOUNT_SID } from '../../../harness/stack';
import { EMULATOR_WORKSPACE_SID, flexUser, giveTask } from '../../../harness/taskrouter';
import { startWebhooks } from '../../../harness/webhooks';

const stack = useInProcessEmulator();
const env = { TASKROUTER_WORKSPACE_SID: EMULATOR_WORKSPACE_SID };
const FLOW = { FlowSid: 'FW' + 'c'.repeat(32), ExecutionSid: 'FN' + 'd'.repeat(32) };
const FLOW_CALLER = `studio:${FLOW.FlowSid}/${FLOW.ExecutionSid}`;
const VALIDATE = `POST /v1/Accounts/${ACCOUNT_SID}/Tokens/validate`;

const agent = (path: string, Token: string, params: Record<string, unknown>, extraEnv = {}) =>
  runFunction(stack.em, path, { Token, ...params }, { env: { ...env, ...extraEnv } });
const flowPause = (CallSid: string) =>
  runFunction(stack.em, '/recording/set-status', { CallSid, Status: 'paused', ...FLOW });
/** The requests the emulator served after `mark`, as `METHOD path`. */
const requestsSince = async (mark: number) =>
  (await servedRequests(stack.em)).slice(mark).map((r) => `${r.method} ${r.path}`);
const mark = async () => (await servedRequests(stack.em)).length;
/** When the evidence logged `by`'s pause of `recordingSid` answered (the `since` a button shows). */
const pausedAt = async (callSid: string, by: string) =>
  (await evidenceEntries(stack.em, callSid)).find((e) => e.by === by && e.action === 'paused')!.at;

/** An agent with an accepted task for a new call. */
async function agentOnCall(identity: string) {
  const user = await flexUser(stack.em, identity);
  const call = await newCall(stack.em.client);
  await giveTask(stack.em, user.worker_sid!, { callSid: call.sid });
  return { token: user.token, workerSid: user.worker_sid!, callSid: call.sid };
}

test("an agent's status of their call: not recording, recording, a flow's pause they may not lift (no reason asked of an agent), then ended; nothing written", async () => {
  const em = stack.em;
  const alice = await agentOnCall('alice');
  const status = () => agent('/agent/status', alice.token, { CallSid: alice.callSid });
  expect((await status()).body).toEqual({
    callSid: alice.callSid,
    state: 'not-recording',
    recordings: [],
    pauses: [],
  });
  const rec = await em.client.calls(alice.callSid).recordings.create();
  expect((await status()).body).toEqual({
    callSid: alice.callSid,
    state: 'recording',
    recordings: [{ recordingSid: rec.sid, status: 'in-progress' }],
    pauses: [],
  });
  await flowPause(alice.callSid);
  const before = await mark();
  const paused = await status();
  expect([paused.statusCode, paused.body]).toEqual([
    200,
    {
      callSid: alice.callSid,
      state: 'paused',
      recordings: [{ recordingSid: rec.sid, status: 'paused' }],
      pauses: [
        {
          recordingSid: rec.sid,
          pausedBy: FLOW_CALLER,
          holder: 'flow',
          mayResume: false,
          reasonRequired: false,
          since: await pausedAt(alice.callSid, FLOW_CALLER),
        },
      ],
    },
  ]);
  // Read only: the token's validation is the one POST.
  expect((await requestsSince(before)).filter((r) => !r.startsWith('GET '))).toEqual([VALIDATE]);
  // Stopped on Twilio behind Sync's back: Twilio's list ending it settles the pause Sync still claims.
  await em.client.calls(alice.callSid).recordings(rec.sid).update({ status: 'stopped' });
  await callbacksIdle(em);
  expect((await status()).body).toEqual({
    callSid: alice.callSid,
    state: 'not-recording',
    recordings: [{ recordingSid: rec.sid, status: 'completed' }],
    pauses: [],
  });
});

test("whose pause, as each sees it: the agent's own (you), another agent's (someone-else, held), a supervisor's view (may resume; a flow's only with a reason)", async () => {
  const em = stack.em;
  const alice = await agentOnCall('alice');
  const bob = await flexUser(em, 'bob');
  await giveTask(em, bob.worker_sid!, { callSid: alice.callSid });
  const sam = await flexUser(em, 'sam', { roles: ['supervisor'] });
  const rec = await em.client.calls(alice.callSid).recordings.create();
  const pausesOf = async (token: string) =>
    ((await agent('/agent/status', token, { CallSid: alice.callSid })).body as { pauses: unknown[] }).pauses;

  expect(
    (await agent('/agent/set-status', alice.token, { CallSid: alice.callSid, Status: 'pause' })).body,
  ).toMatchObject({ recordingSid: rec.sid, status: 'paused' });
  const since = await pausedAt(alice.callSid, 'agent:alice');
  const seen = (pausedBy: string, holder: string, mayResume: boolean, reasonRequired: boolean) => [
    { recordingSid: rec.sid, pausedBy, holder, mayResume, reasonRequired, since },
  ];
  expect(await pausesOf(alice.token)).toEqual(seen('agent:alice', 'you', true, false));
  expect(await pausesOf(bob.token)).toEqual(seen('agent:alice', 'someone-else', false, false));
  expect(await pausesOf(sam.token)).toEqual(seen('agent:alice', 'someone-else', true, false));

  // A flow pauses on top: its pause is the one shown to everyone, held since the first pause.
  await flowPause(alice.callSid);
  expect(await pausesOf(alice.token)).toEqual(seen(FLOW_CALLER, 'flow', false, false));
  expect(await pausesOf(sam.token)).toEqual(seen(FLOW_CALLER, 'flow', false, true));
});

test("an agent reads and controls only their task's call: another's is 403 NOT_YOUR_TASK, and Voice is asked nothing", async () => {
  const em = stack.em;
  const alice = await agentOnCall('alice');
  const bob = await agentOnCall('bob');
  const rec = await em.client.calls(bob.callSid).recordings.create();
  const before = await mark();
  for (const [path, params] of [
    ['/agent/status', {}],
    ['/agent/set-status', { Status: 'pause' }],
    ['/agent/start', {}],
  ] as const) {
    const refused = await agent(path, alice.token, { CallSid: bob.callSid, ...params });
    expect([refused.statusCode, refused.body]).toEqual([
      403,
      {
        error: {
          code: 'NOT_YOUR_TASK',
          message: `An agent controls only a call or conference of a task they have accepted in Flex; call ${bob.callSid} is not one of yours`,
        },
      },
    ]);
  }
  expect((await requestsSince(before)).filter((r) => r.includes('/2010-04-01/'))).toEqual([]);
  expect((await em.client.calls(bob.callSid).recordings(rec.sid).fetch()).status).toBe('in-progress');
});

test("an agent's conference: the status names it and lists its recording; pause and resume go to it; a stop is refused before anything is sent", async () => {
  const em = stack.em;
  const alice = await flexUser(em, 'alice');
  await conferenceCalls(em.client, 'room-alice');
  const [conference] = await em.client.conferences.list({ friendlyName: 'room-alice' });
  await giveTask(em, alice.worker_sid!, { conferenceSid: conference.sid });
  const [rec] = await em.client.conferences(conference.sid).recordings.list();
  const target = { ConferenceSid: conference.sid };

  expect((await agent('/agent/status', alice.token, target)).body).toEqual({
    conferenceSid: conference.sid,
    state: 'recording',
    recordings: [{ recordingSid: rec.sid, status: 'in-progress' }],
    pauses: [],
  });
  expect((await agent('/agent/set-status', alice.token, { ...target, Status: 'pause' })).body).toMatchObject({
    conferenceSid: conference.sid,
    recordingSid: rec.sid,
    status: 'paused',
  });
  expect((await agent('/agent/status', alice.token, target)).body).toMatchObject({
    state: 'paused',
    pauses: [{ recordingSid: rec.sid, pausedBy: 'agent:alice', holder: 'you', mayResume: true }],
  });
  const before = await mark();
  const stop = await agent('/agent/set-status', alice.token, { ...target, Status: 'stop' });
  expect([stop.statusCode, errorCodeOf(stop)]).toEqual([400, 'NOT_SUPPORTED_FOR_CONFERENCES']);
  expect((await requestsSince(before)).filter((r) => r.includes('/2010-04-01/'))).toEqual([]);
  expect((await agent('/agent/set-status', alice.token, { ...target, Status: 'resume' })).body).toMatchObject({
    recordingSid: rec.sid,
    status: 'in-progress',
  });
  expect((await em.client.conferences(conference.sid).recordings(rec.sid).fetch()).status).toBe('in-progress');
});

test("a pause is never held by the lock: an agent's pause over a flow's is sent and answered, nothing refused", async () => {
  const em = stack.em;
  const alice = await agentOnCall('alice');
  const rec = await em.client.calls(alice.callSid).recordings.create();
  await flowPause(alice.callSid);
  const paused = await agent('/agent/set-status', alice.token, { CallSid: alice.callSid, Status: 'pause' });
  expect([paused.statusCode, paused.body]).toMatchObject([200, { recordingSid: rec.sid, status: 'paused' }]);
  expect((await evidenceEntries(em, alice.callSid)).map((e) => [e.by, e.action, e.status, e.source])).toEqual([
    [FLOW_CALLER, 'paused', 'paused', 'control'],
    ['agent:alice', 'paused', 'paused', 'control'],
  ]);
});

test('a refused lift is logged with how the agent named the recording: its SID, All, both, or none', async () => {
  const em = stack.em;
  const alice = await agentOnCall('alice');
  const rec = await em.client.calls(alice.callSid).recordings.create();
  await flowPause(alice.callSid);
  const before = await mark();
  const attempts: Array<[string, Record<string, unknown>]> = [
    ['/agent/set-status', { Status: 'resume', RecordingSid: rec.sid }],
    ['/agent/set-status', { Status: 'stop', All: 'true' }],
    ['/agent/set-status', { Status: 'resume', RecordingSid: 'Twilio.CURRENT', All: 'true' }],
    ['/agent/set-status', { Status: 'resume', All: 'false' }],
    ['/agent/start', {}],
  ];
  for (const [path, params] of attempts) {
    const refused = await agent(path, alice.token, { CallSid: alice.callSid, ...params });
    expect([refused.statusCode, errorCodeOf(refused)]).toEqual([403, 'PAUSE_HELD']);
  }
  const refusals = (await evidenceEntries(em, alice.callSid)).filter((e) => e.status === 'refused');
  expect(
    refusals.map(({ by, action, recordingSid, pausedBy, how }) => ({ by, action, recordingSid, pausedBy, how })),
  ).toEqual(
    [
      ['in-progress', `RecordingSid=${rec.sid}`],
      ['stopped', 'All=true'],
      ['in-progress', 'RecordingSid=Twilio.CURRENT All=true'],
      ['in-progress', '(no recording named)'],
      ['start', '(no recording named)'],
    ].map(([action, how]) => ({ by: 'agent:alice', action, recordingSid: rec.sid, pausedBy: FLOW_CALLER, how })),
  );
  expect((await requestsSince(before)).filter((r) => r.startsWith('POST /2010-04-01/'))).toEqual([]);
  expect((await em.client.calls(alice.callSid).recordings(rec.sid).fetch()).status).toBe('paused');
});

test("an agent's start records both tracks in two channels, reporting to this deployment's /callbacks/recording-status", async () => {
  const em = stack.em;
  const receiver = await startWebhooks({ '/callbacks/recording-status': () => ({ status: 204, body: '' }) });
  try {
    const alice = await agentOnCall('alice');
    const started = await agent(
      '/agent/start',
      alice.token,
      { CallSid: alice.callSid },
      { PUBLIC_BASE_URL: receiver.url },
    );
    const { recordingSid } = started.body as { recordingSid: string };
    expect(started.body).toMatchObject({ callSid: alice.callSid, status: 'in-progress', created: true });
    expect((await em.client.calls(alice.callSid).recordings(recordingSid).fetch()).channels).toBe(2);
    await callbacksIdle(em);
    expect(receiver.received.map((r) => [r.path, r.params.RecordingSid, r.params.RecordingStatus])).toEqual([
      ['/callbacks/recording-status', recordingSid, 'in-progress'],
    ]);
  } finally {
    await receiver.close();
  }
});

test("a supervisor's start in Flex while a flow's pause holds: refused without a reason and nothing sent; with one it goes, the reason in the evidence", async () => {
  const em = stack.em;
  const alice = await agentOnCall('alice');
  const sam = await flexUser(em, 'sam', { roles: ['supervisor'] });
  const rec = await em.client.calls(alice.callSid).recordings.create();
  await flowPause(alice.callSid);
  const before = await mark();
  const refused = await agent('/agent/start', sam.token, { CallSid: alice.callSid });
  expect([refused.statusCode, errorCodeOf(refused)]).toEqual([400, 'REASON_REQUIRED']);
  expect((await requestsSince(before)).filter((r) => r.startsWith('POST /2010-04-01/'))).toEqual([]);

  const Reason = 'customer asked for a supervisor';
  const started = await agent('/agent/start', sam.token, { CallSid: alice.callSid, Reason });
  // The paused recording is the call's recording: the start answers it, and its pause stands.
  expect([started.statusCode, started.body]).toMatchObject([
    200,
    { recordingSid: rec.sid, status: 'paused', created: false },
  ]);
  expect((await evidenceEntries(em, alice.callSid)).filter((e) => e.status === 'override')).toMatchObject([
    { by: 'supervisor:sam', action: 'start', pausedBy: FLOW_CALLER, reason: Reason },
  ]);
});
