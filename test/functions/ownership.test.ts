// Who controls which call, and who lifts whose pause, over two Function processes on one emulator:
// agent, supervisor and admin × their own call or another's × a flow's pause or an agent's.
import { conferenceTwiml, newCall } from '../../harness/calls';
import { counters, evidenceEntries, invoke } from '../../harness/functions';
import { useCluster, useStack } from '../../harness/stack';
import { EMULATOR_WORKSPACE_SID, flexUser, giveTask } from '../../harness/taskrouter';
import type { EvidenceEntry } from '../../lib/model/evidence';

const PASSWORD = 'correct horse battery staple';
const cluster = useCluster(2, { ADMIN_PASSWORD: PASSWORD, TASKROUTER_WORKSPACE_SID: EMULATOR_WORKSPACE_SID });
const bare = useStack();
const fx = (i: number) => cluster.fxs[i % cluster.fxs.length];
const FLOW = { FlowSid: 'FW' + 'a'.repeat(32), ExecutionSid: 'FN' + 'b'.repeat(32) };

/** A call in progress, recorded, and the recording's SID. */
async function recordedCall() {
  const call = await newCall(cluster.em.client);
  const recording = await cluster.em.client.calls(call.sid).recordings.create();
  return { callSid: call.sid, recordingSid: recording.sid };
}

const status = async (callSid: string, recordingSid: string) =>
  (await cluster.em.client.calls(callSid).recordings(recordingSid).fetch()).status;

const evidence = (callSid: string): Promise<EvidenceEntry[]> => evidenceEntries(cluster.em, callSid);

describe('ownership: an agent controls only the calls of tasks they have accepted', () => {
  test("an agent's own call: start, pause, stop on either instance", async () => {
    const alice = await flexUser(cluster.em, 'alice');
    const callSid = (await newCall(cluster.em.client)).sid;
    await giveTask(cluster.em, alice.worker_sid!, { callSid });
    const Token = alice.token;
    expect((await invoke(fx(0), '/agent/start', { Token, CallSid: callSid }, 'json')).status).toBe(200);
    expect(
      (await invoke(fx(1), '/agent/set-status', { Token, CallSid: callSid, Status: 'pause' }, 'json')).status,
    ).toBe(200);
    expect((await invoke(fx(0), '/agent/set-status', { Token, CallSid: callSid, Status: 'stop' }, 'json')).status).toBe(
      200,
    );
  });

  test("another's call, a reservation not accepted, and a call that does not exist: the same 403, and Voice is never asked", async () => {
    const bob = await flexUser(cluster.em, 'bob');
    const carol = await flexUser(cluster.em, 'carol');
    const { callSid, recordingSid } = await recordedCall();
    await giveTask(cluster.em, carol.worker_sid!, { callSid });
    const pending = await recordedCall();
    await giveTask(cluster.em, bob.worker_sid!, { callSid: pending.callSid }, 'pending');
    const before = (await counters(cluster.em)).routes;
    const voice = (routes: Record<string, number>) =>
      Object.entries(routes)
        .filter(([route]) => route.includes('/2010-04-01/'))
        .reduce((n, [, c]) => n + c, 0);
    for (const CallSid of [callSid, pending.callSid, 'CA' + '9'.repeat(32)])
      for (const [path, body] of [
        ['/agent/start', {}],
        ['/agent/set-status', { Status: 'stop' }],
        ['/agent/set-status', { Status: 'pause' }],
      ] as const) {
        const res = await invoke(fx(1), path, { Token: bob.token, CallSid, ...body }, 'json');
        expect(res).toMatchObject({ status: 403, body: { error: { code: 'NOT_YOUR_TASK' } } });
      }
    expect(voice((await counters(cluster.em)).routes)).toBe(voice(before));
    expect(await status(callSid, recordingSid)).toBe('in-progress');
  });

  test('a conference: the agent whose task names it pauses it; another agent cannot; a supervisor can', async () => {
    const room = `room-${Date.now()}`;
    await newCall(cluster.em.client, conferenceTwiml(room));
    await newCall(cluster.em.client, conferenceTwiml(room));
    let conference;
    for (let i = 0; i < 100 && !conference; i++) {
      [conference] = await cluster.em.client.conferences.list({ friendlyName: room, status: 'in-progress' });
      if (!conference) await new Promise((r) => setTimeout(r, 50));
    }
    const ConferenceSid = conference!.sid;
    const dana = await flexUser(cluster.em, 'dana');
    const erin = await flexUser(cluster.em, 'erin');
    const sam = await flexUser(cluster.em, 'sam', { roles: ['supervisor'] });
    await giveTask(cluster.em, dana.worker_sid!, { conferenceSid: ConferenceSid });
    const as = (Token: string, Status: string) =>
      invoke(fx(0), '/agent/set-status', { Token, ConferenceSid, Status }, 'json');
    expect((await as(erin.token, 'pause')).body).toMatchObject({ error: { code: 'NOT_YOUR_TASK' } });
    expect((await as(dana.token, 'pause')).status).toBe(200);
    expect((await as(sam.token, 'resume')).status).toBe(200);
  });

  test('without TASKROUTER_WORKSPACE_SID an agent is refused (nothing to check them against); a supervisor is not', async () => {
    const alice = await flexUser(bare.em, 'alice');
    const sam = await flexUser(bare.em, 'sam', { roles: ['supervisor'] });
    const callSid = (await newCall(bare.em.client)).sid;
    await giveTask(bare.em, alice.worker_sid!, { callSid });
    const refused = await invoke(bare.fx, '/agent/start', { Token: alice.token, CallSid: callSid }, 'json');
    expect(refused).toMatchObject({ status: 500, body: { error: { code: 'NOT_CONFIGURED' } } });
    expect((refused.body as { error: { message: string } }).error.message).toContain('TASKROUTER_WORKSPACE_SID');
    expect((await invoke(bare.fx, '/agent/start', { Token: sam.token, CallSid: callSid }, 'json')).status).toBe(200);
  });
});

describe("a flow's pause holds", () => {
  async function flowPaused() {
    const { callSid, recordingSid } = await recordedCall();
    const paused = await invoke(fx(0), '/recording/set-status', { CallSid: callSid, Status: 'pause', ...FLOW }, 'json');
    expect(paused.status).toBe(200);
    return { callSid, recordingSid };
  }

  /**
   * The agent who holds the call tries to end a flow's pause four ways (as asked, the recording named,
   * all, with a reason), on alternate instances: each is refused and logged, and the pause holds.
   */
  async function agentRefused(Status: 'resume' | 'stop', action: 'in-progress' | 'stopped') {
    const alice = await flexUser(cluster.em, 'alice');
    const { callSid, recordingSid } = await flowPaused();
    await giveTask(cluster.em, alice.worker_sid!, { callSid });
    const attempts = [{}, { RecordingSid: recordingSid }, { All: 'true' }, { Reason: 'caller asked' }];
    for (const [i, extra] of attempts.entries()) {
      const res = await invoke(
        fx(i),
        '/agent/set-status',
        { Token: alice.token, CallSid: callSid, Status, ...extra },
        'json',
      );
      expect(res).toMatchObject({ status: 403, body: { error: { code: 'PAUSE_HELD' } } });
    }
    expect(await status(callSid, recordingSid)).toBe('paused');
    const refused = (await evidence(callSid)).filter((e) => e.status === 'refused');
    expect(refused).toHaveLength(attempts.length);
    expect(refused[0]).toMatchObject({
      by: 'agent:alice',
      action,
      recordingSid,
      pausedBy: `studio:${FLOW.FlowSid}/${FLOW.ExecutionSid}`,
    });
    return { alice, callSid, recordingSid };
  }

  test("the agent who holds the call cannot resume a flow's pause: 403 PAUSE_HELD, logged as evidence", async () => {
    const { callSid } = await agentRefused('resume', 'in-progress');
    // The refused attempts do not change the segments: the pause is unbroken.
    const login = await invoke<{ token: string }>(
      fx(0),
      '/console/login',
      { Password: PASSWORD, Name: 'Test Admin' },
      'json',
    );
    const segs = await invoke<{ segments: Array<{ state: string }> }>(
      fx(0),
      '/console/evidence',
      { Token: login.body.token, CallSid: callSid },
      'json',
    );
    // Only the pause's own edges are uncertain: the refused attempts draw nothing.
    expect(segs.body.segments.map((s) => s.state).filter((s) => s !== 'uncertain')).toEqual(['paused']);
  });

  test.each([
    ['supervisor', 'resume', 'in-progress'],
    ['admin', 'resume', 'in-progress'],
    ['supervisor', 'stop', 'stopped'],
    ['admin', 'stop', 'stopped'],
  ])('a %s may %s it only with a Reason, kept in the evidence with their name', async (role, Status, action) => {
    const boss = await flexUser(cluster.em, `${role}-1`, { roles: [role] });
    const { callSid, recordingSid } = await flowPaused();
    const ask = (i: number, extra: Record<string, string> = {}) =>
      invoke(fx(i), '/agent/set-status', { Token: boss.token, CallSid: callSid, Status, ...extra }, 'json');
    expect(await ask(1)).toMatchObject({ status: 400, body: { error: { code: 'REASON_REQUIRED' } } });
    expect(await status(callSid, recordingSid)).toBe('paused');
    const reason = 'payment abandoned, flow stuck';
    expect(await ask(0, { Reason: reason })).toMatchObject({ status: 200, body: { status: action } });
    expect((await evidence(callSid)).find((e) => e.status === 'override')).toMatchObject({
      by: `${role}:${role}-1`,
      action,
      reason,
      recordingSid,
    });
  });

  test("stopping ends a pause too: the agent's stop of a flow's pause is refused alike, and so is a start after it", async () => {
    const { alice, callSid, recordingSid } = await agentRefused('stop', 'stopped');
    // No way round it: the lock is on the call, so a start makes no new recording that would hear the card.
    const start = await invoke(fx(1), '/agent/start', { Token: alice.token, CallSid: callSid }, 'json');
    expect(start).toMatchObject({ status: 403, body: { error: { code: 'PAUSE_HELD' } } });
    expect(await cluster.em.client.calls(callSid).recordings.list()).toHaveLength(1);
    expect(await status(callSid, recordingSid)).toBe('paused');
  });

  test('the flow itself, or a TwiML app, resumes it', async () => {
    const { callSid, recordingSid } = await flowPaused();
    const res = await invoke(fx(1), '/recording/set-status', { CallSid: callSid, Status: 'resume', ...FLOW }, 'json');
    expect(res.status).toBe(200);
    expect(await status(callSid, recordingSid)).toBe('in-progress');
  });

  test('the console signed in with the password is an admin: a Reason is needed there too', async () => {
    const { callSid } = await flowPaused();
    const login = await invoke<{ token: string }>(
      fx(0),
      '/console/login',
      { Password: PASSWORD, Name: 'Test Admin' },
      'json',
    );
    const Token = login.body.token;
    const res = await invoke(fx(1), '/console/control', { Token, CallSid: callSid, Action: 'resume' }, 'json');
    expect(res.body).toMatchObject({ error: { code: 'REASON_REQUIRED' } });
    const ok = await invoke(
      fx(1),
      '/console/control',
      { Token, CallSid: callSid, Action: 'resume', Reason: 'test call placed by QA' },
      'json',
    );
    expect(ok.status).toBe(200);
  });
});

describe("an agent's pause", () => {
  test('that agent or a supervisor lifts it; another agent on the call cannot', async () => {
    const alice = await flexUser(cluster.em, 'alice');
    const bob = await flexUser(cluster.em, 'bob');
    const sam = await flexUser(cluster.em, 'sam', { roles: ['supervisor'] });
    const { callSid, recordingSid } = await recordedCall();
    await giveTask(cluster.em, alice.worker_sid!, { callSid });
    await giveTask(cluster.em, bob.worker_sid!, { callSid });
    const as = (Token: string, Status: string, i = 0) =>
      invoke(fx(i), '/agent/set-status', { Token, CallSid: callSid, Status }, 'json');

    expect((await as(alice.token, 'pause')).status).toBe(200);
    expect((await as(bob.token, 'resume', 1)).body).toMatchObject({ error: { code: 'PAUSE_HELD' } });
    expect((await as(alice.token, 'resume', 1)).status).toBe(200);

    expect((await as(alice.token, 'pause')).status).toBe(200);
    expect((await as(sam.token, 'resume', 1)).status).toBe(200);
    expect(await status(callSid, recordingSid)).toBe('in-progress');

    // A stop ends a pause as a resume does: another agent's is refused, the pauser's own goes through.
    expect((await as(alice.token, 'pause')).status).toBe(200);
    expect((await as(bob.token, 'stop', 1)).body).toMatchObject({ error: { code: 'PAUSE_HELD' } });
    expect(await status(callSid, recordingSid)).toBe('paused');
    expect((await as(alice.token, 'stop', 1)).status).toBe(200);
    expect(await status(callSid, recordingSid)).toMatch(/^(stopped|processing|completed)$/);
  });
});
