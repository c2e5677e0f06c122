// The Flex plugin's service layer (plugin-recording-controls) against the real Functions in twilio-run
// on the emulator: the agent's token from the emulator's Flex token issuer, the task from its TaskRouter,
// and each answer turned into the button's state as the plugin does.
import { conferenceCalls, newCall } from '../../harness/calls';
import { invoke } from '../../harness/functions';
import { freePort, useStack } from '../../harness/stack';
import { EMULATOR_WORKSPACE_SID, flexUser, giveTask } from '../../harness/taskrouter';
import {
  createRecordingService,
  FunctionError,
  UnreachableError,
} from '../../plugin-recording-controls/src/feature-library/recording-controls/helpers/RecordingService';
import {
  afterAnswer,
  afterFailure,
  afterStatus,
  targetOf,
} from '../../plugin-recording-controls/src/feature-library/recording-controls/helpers/recordingState';

const stack = useStack({ TASKROUTER_WORKSPACE_SID: EMULATOR_WORKSPACE_SID, PAUSE_ALERT_SECONDS: '60' });
const FLOW = { FlowSid: 'FW' + 'a'.repeat(32), ExecutionSid: 'FN' + 'b'.repeat(32) };

const serviceFor = (token: string, baseUrl = stack.fx.url) =>
  createRecordingService({ baseUrl, flexToken: () => token });

/** An agent with a recorded call on an accepted Flex task, as Flex gives a voice task's attributes. */
async function agentOnRecordedCall(identity: string) {
  const agent = await flexUser(stack.em, identity);
  const call = await newCall(stack.em.client);
  await stack.em.client.calls(call.sid).recordings.create();
  await giveTask(stack.em, agent.worker_sid!, { callSid: call.sid });
  const task = { sid: 'WR' + call.sid.slice(2), attributes: { call_sid: call.sid } };
  return { agent, callSid: call.sid, task };
}

const twilioStatus = async (callSid: string) => (await stack.em.client.calls(callSid).recordings.list())[0].status;

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('the Function answered 2xx');
}

describe("an agent's button through /agent/set-status", () => {
  test('pause then resume: Twilio pauses and records again, and the button says so', async () => {
    const { agent, callSid, task } = await agentOnRecordedCall('alice');
    const service = serviceFor(agent.token);
    const paused = await service.agentSetStatus(targetOf(task, 'call')!, 'pause');
    expect(paused).toMatchObject({ callSid, status: 'paused' });
    expect(await twilioStatus(callSid)).toBe('paused');
    expect(afterAnswer(paused, 1000, { kind: 'idle' })).toEqual({ kind: 'paused-by-me', since: 1000 });

    const resumed = await service.agentSetStatus(targetOf(task, 'call')!, 'resume');
    expect(afterAnswer(resumed, 2000, { kind: 'paused-by-me', since: 1000 })).toEqual({ kind: 'recording' });
    expect(await twilioStatus(callSid)).toBe('in-progress');
  });

  test("a flow's pause: the resume is refused 403 PAUSE_HELD, shown locked, and Twilio stays paused", async () => {
    const { agent, callSid, task } = await agentOnRecordedCall('bob');
    const flow = await invoke(stack.fx, '/recording/set-status', { CallSid: callSid, Status: 'pause', ...FLOW });
    expect(flow.status).toBe(200);
    const err = await failure(serviceFor(agent.token).agentSetStatus(targetOf(task, 'call')!, 'resume'));
    expect(err).toBeInstanceOf(FunctionError);
    expect(err).toMatchObject({ status: 403, code: 'PAUSE_HELD' });
    expect(afterFailure(err, 'resume', { kind: 'idle' })).toMatchObject({ kind: 'locked', holder: 'flow' });
    expect(await twilioStatus(callSid)).toBe('paused');
  });

  test("Pause pressed during a flow's pause answers paused; the agent's resume is still refused", async () => {
    const { agent, callSid, task } = await agentOnRecordedCall('bea');
    await invoke(stack.fx, '/recording/set-status', { CallSid: callSid, Status: 'pause', ...FLOW });
    const service = serviceFor(agent.token);
    expect(await service.agentSetStatus(targetOf(task, 'call')!, 'pause')).toMatchObject({ status: 'paused' });
    const err = await failure(service.agentSetStatus(targetOf(task, 'call')!, 'resume'));
    expect(afterFailure(err, 'resume', { kind: 'paused-by-me', since: 0 })).toMatchObject({
      kind: 'locked',
      holder: 'flow',
    });
    expect(await twilioStatus(callSid)).toBe('paused');
  });

  test("another agent's pause is locked too, as someone else's", async () => {
    const { agent, callSid, task } = await agentOnRecordedCall('carol');
    const other = await flexUser(stack.em, 'dave');
    await giveTask(stack.em, other.worker_sid!, { callSid });
    await serviceFor(other.token).agentSetStatus({ CallSid: callSid }, 'pause');
    const err = await failure(serviceFor(agent.token).agentSetStatus(targetOf(task, 'call')!, 'resume'));
    expect(afterFailure(err, 'resume', { kind: 'idle' })).toMatchObject({ kind: 'locked', holder: 'someone-else' });
    expect(await twilioStatus(callSid)).toBe('paused');
  });

  test("a call that is not the agent's: the code and message come back to the button", async () => {
    const agent = await flexUser(stack.em, 'erin');
    const call = await newCall(stack.em.client);
    await stack.em.client.calls(call.sid).recordings.create();
    const err = await failure(serviceFor(agent.token).agentSetStatus({ CallSid: call.sid }, 'pause'));
    const state = afterFailure(err, 'pause', { kind: 'idle' });
    expect(state).toMatchObject({ kind: 'error', status: 403, code: 'NOT_YOUR_TASK' });
    expect((state as { message: string }).message).toMatch(/\w/);
    expect(await twilioStatus(call.sid)).toBe('in-progress');
  });

  test('a Flex voice task is a conference: the button pauses the conference its attributes name', async () => {
    const agent = await flexUser(stack.em, 'frank');
    await conferenceCalls(stack.em.client, 'plugin-room');
    const [conference] = await stack.em.client.conferences.list({ friendlyName: 'plugin-room' });
    await giveTask(stack.em, agent.worker_sid!, { conferenceSid: conference.sid });
    const task = { sid: 'WR' + '1'.repeat(32), attributes: { conference: { sid: conference.sid } } };
    const answer = await serviceFor(agent.token).agentSetStatus(targetOf(task, 'conference')!, 'pause');
    expect(answer).toMatchObject({ conferenceSid: conference.sid, status: 'paused' });
    const [recording] = await stack.em.client.conferences(conference.sid).recordings.list();
    expect(recording.status).toBe('paused');
  });

  test('Functions that cannot be reached: "unknown", never "recording"', async () => {
    const { agent, task } = await agentOnRecordedCall('grace');
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const err = await failure(serviceFor(agent.token, nowhere).agentSetStatus(targetOf(task, 'call')!, 'pause'));
    expect(err).toBeInstanceOf(UnreachableError);
    expect(afterFailure(err, 'pause', { kind: 'recording' })).toEqual({ kind: 'unknown', asked: 'pause' });
  });
});

describe("an agent's button reads /agent/status before anything is pressed", () => {
  test("a flow's pause: locked, the flow named, and the agent may not resume; nothing written", async () => {
    const { agent, callSid, task } = await agentOnRecordedCall('judy');
    await invoke(stack.fx, '/recording/set-status', { CallSid: callSid, Status: 'pause', ...FLOW });
    const service = serviceFor(agent.token);
    const status = await service.agentStatus(targetOf(task, 'call')!);
    expect(status).toMatchObject({
      callSid,
      state: 'paused',
      recordings: [{ status: 'paused' }],
      pauses: [
        {
          pausedBy: `studio:${FLOW.FlowSid}/${FLOW.ExecutionSid}`,
          holder: 'flow',
          mayResume: false,
          reasonRequired: false,
          since: expect.stringMatching(/^\d{4}-/),
        },
      ],
    });
    expect(afterStatus(status, 0, { kind: 'idle' })).toMatchObject({ kind: 'locked', holder: 'flow' });
    expect(await twilioStatus(callSid)).toBe('paused');
  });

  test("recording, then the agent's own pause (theirs to resume), then not recording once stopped", async () => {
    const { agent, callSid, task } = await agentOnRecordedCall('kim');
    const service = serviceFor(agent.token);
    const target = targetOf(task, 'call')!;
    expect(await service.agentStatus(target)).toMatchObject({ state: 'recording', pauses: [] });
    await service.agentSetStatus(target, 'pause');
    const paused = await service.agentStatus(target);
    expect(paused.pauses).toMatchObject([{ pausedBy: 'agent:kim', holder: 'you', mayResume: true }]);
    expect(afterStatus(paused, 7, { kind: 'idle' })).toMatchObject({ kind: 'paused-by-me' });
    const [recording] = await stack.em.client.calls(callSid).recordings.list();
    await stack.em.client.calls(callSid).recordings(recording.sid).update({ status: 'stopped' });
    expect(await service.agentStatus(target)).toMatchObject({ state: 'not-recording', pauses: [] });
  });

  test("another agent's pause: someone else's; a call that is not theirs: 403 NOT_YOUR_TASK, nothing read", async () => {
    const { agent, callSid, task } = await agentOnRecordedCall('liam');
    const other = await flexUser(stack.em, 'mia');
    await giveTask(stack.em, other.worker_sid!, { callSid });
    await serviceFor(other.token).agentSetStatus({ CallSid: callSid }, 'pause');
    expect((await serviceFor(agent.token).agentStatus(targetOf(task, 'call')!)).pauses).toMatchObject([
      { pausedBy: 'agent:mia', holder: 'someone-else', mayResume: false },
    ]);
    const stranger = await flexUser(stack.em, 'nora');
    expect(await failure(serviceFor(stranger.token).agentStatus({ CallSid: callSid }))).toMatchObject({
      status: 403,
      code: 'NOT_YOUR_TASK',
    });
  });
});

describe("a supervisor's view through /console/login, /console/calls and /console/control", () => {
  test('signed in with the Flex token; sees the call paused by a flow; lifts it only with a reason', async () => {
    const { callSid } = await agentOnRecordedCall('heidi');
    await invoke(stack.fx, '/recording/set-status', { CallSid: callSid, Status: 'pause', ...FLOW });
    const supervisor = await flexUser(stack.em, 'sam@example.com', { roles: ['agent', 'supervisor'] });
    const service = serviceFor(supervisor.token);
    const { token } = await service.consoleLogin();
    const { alertSeconds, calls } = await service.consoleCalls(token);
    expect(alertSeconds).toBe(60);
    const row = calls.find((c) => c.sid === callSid);
    expect(row).toMatchObject({
      kind: 'call',
      state: 'paused',
      lastChange: { by: expect.stringMatching(/^studio:FW/) },
    });
    expect(row!.agents).toHaveLength(1);

    const refused = await failure(service.consoleControl(token, { CallSid: callSid }, 'resume'));
    expect(refused).toMatchObject({ status: 400, code: expect.stringMatching(/^REASON_/) });
    expect(await twilioStatus(callSid)).toBe('paused');
    await service.consoleControl(token, { CallSid: callSid }, 'resume', 'Customer asked to record the complaint');
    expect(await twilioStatus(callSid)).toBe('in-progress');
  });

  test("an agent's Flex token does not open the console: 403 FORBIDDEN_ROLE", async () => {
    const agent = await flexUser(stack.em, 'ivan');
    expect(await failure(serviceFor(agent.token).consoleLogin())).toMatchObject({
      status: 403,
      code: 'FORBIDDEN_ROLE',
    });
  });
});
