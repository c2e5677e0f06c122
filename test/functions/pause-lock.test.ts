// The lock on a call while a flow's (or another person's) pause holds: every way a person can name a
// recording (Twilio.CURRENT, All, a SID Sync has not seen, stop then start, a second pause, a conference)
// is refused on either of two Function processes, the emulator's truth log shows the pause unbroken, and
// the evidence shows each refusal with who and how.
import { conferenceTwiml, newCall } from '../../harness/calls';
import { evidenceEntries, invoke } from '../../harness/functions';
import { useCluster, type RunningEmulator } from '../../harness/stack';
import { EMULATOR_WORKSPACE_SID, flexUser, giveTask } from '../../harness/taskrouter';
import type { EvidenceEntry } from '../../lib/model/evidence';

const PASSWORD = 'correct horse battery staple';
const cluster = useCluster(2, { ADMIN_PASSWORD: PASSWORD, TASKROUTER_WORKSPACE_SID: EMULATOR_WORKSPACE_SID });
const fx = (i: number) => cluster.fxs[i % cluster.fxs.length];
const FLOW = { FlowSid: 'FW' + 'a'.repeat(32), ExecutionSid: 'FN' + 'b'.repeat(32) };
const FLOW_CALLER = `studio:${FLOW.FlowSid}/${FLOW.ExecutionSid}`;

interface Truth {
  recordings: Array<{ recordingSid: string; changes: Array<{ status: string; at: number }> }>;
}

/** What Twilio (the emulator) applied to each recording of the owner, in order, after its first pause. */
async function afterFirstPause(em: RunningEmulator, query: string): Promise<Record<string, string[]>> {
  const truth = await em.control<Truth>('GET', `/truth?${query}`);
  return Object.fromEntries(
    truth.recordings.map((r) => {
      const statuses = r.changes.map((c) => c.status);
      const first = statuses.indexOf('paused');
      return [r.recordingSid, first < 0 ? [] : statuses.slice(first)];
    }),
  );
}

const evidence = (sid: string): Promise<EvidenceEntry[]> => evidenceEntries(cluster.em, sid);

/** A call in progress, recorded, paused by a flow, and given to an agent as their accepted task. */
async function flowPausedCall(agent = 'alice') {
  const call = await newCall(cluster.em.client);
  const recording = await cluster.em.client.calls(call.sid).recordings.create();
  const paused = await invoke(fx(0), '/recording/set-status', { CallSid: call.sid, Status: 'pause', ...FLOW }, 'json');
  expect(paused.status).toBe(200);
  const user = await flexUser(cluster.em, agent);
  await giveTask(cluster.em, user.worker_sid!, { callSid: call.sid });
  return { callSid: call.sid, recordingSid: recording.sid, token: user.token };
}

const held = { status: 403, body: { error: { code: 'PAUSE_HELD' } } };

describe("a flow's pause cannot be lifted by any way of naming the recording", () => {
  test.each([
    ['resume Twilio.CURRENT', { Status: 'resume', RecordingSid: 'Twilio.CURRENT' }],
    ['resume Twilio.CURRENT with All', { Status: 'resume', RecordingSid: 'Twilio.CURRENT', All: 'true' }],
    ['stop Twilio.CURRENT', { Status: 'stop', RecordingSid: 'Twilio.CURRENT' }],
    ['stop with All', { Status: 'stop', All: 'true' }],
  ])('%s: 403 PAUSE_HELD on both instances, the truth log unbroken, each refusal logged', async (how, params) => {
    const { callSid, recordingSid, token } = await flowPausedCall();
    for (const i of [0, 1]) {
      const res = await invoke(fx(i), '/agent/set-status', { Token: token, CallSid: callSid, ...params }, 'json');
      expect(res).toMatchObject(held);
    }
    expect(await afterFirstPause(cluster.em, `callSid=${callSid}`)).toEqual({ [recordingSid]: ['paused'] });
    const refused = (await evidence(callSid)).filter((e) => e.status === 'refused');
    expect(refused).toHaveLength(2);
    expect(refused[0]).toMatchObject({ by: 'agent:alice', recordingSid, pausedBy: FLOW_CALLER });
    expect(refused[0].how).toContain((params as { RecordingSid?: string }).RecordingSid ?? 'All=true');
    void how;
  });

  test('stop refused, then start refused: no new recording runs during the flow step', async () => {
    const { callSid, recordingSid, token } = await flowPausedCall();
    const stop = await invoke(
      fx(1),
      '/agent/set-status',
      { Token: token, CallSid: callSid, Status: 'stop', RecordingSid: 'Twilio.CURRENT' },
      'json',
    );
    expect(stop).toMatchObject(held);
    expect(await invoke(fx(0), '/agent/start', { Token: token, CallSid: callSid }, 'json')).toMatchObject(held);
    expect((await cluster.em.client.calls(callSid).recordings.list()).map((r) => [r.sid, r.status])).toEqual([
      [recordingSid, 'paused'],
    ]);
    const refused = (await evidence(callSid)).filter((e) => e.status === 'refused');
    expect(refused.map((e) => e.action)).toEqual(['stopped', 'start']);
  });

  test('a recording Sync has never seen, paused through the API: its pauser is unknown, so the lock holds', async () => {
    const call = await newCall(cluster.em.client);
    const user = await flexUser(cluster.em, 'alice');
    await giveTask(cluster.em, user.worker_sid!, { callSid: call.sid });
    const recording = await cluster.em.client.calls(call.sid).recordings.create();
    await cluster.em.client.calls(call.sid).recordings(recording.sid).update({ status: 'paused' });
    for (const params of [{ RecordingSid: recording.sid }, { RecordingSid: 'Twilio.CURRENT' }, {}]) {
      const res = await invoke(
        fx(1),
        '/agent/set-status',
        { Token: user.token, CallSid: call.sid, Status: 'resume', ...params },
        'json',
      );
      expect(res).toMatchObject(held);
    }
    expect((await cluster.em.client.calls(call.sid).recordings(recording.sid).fetch()).status).toBe('paused');
    expect((await evidence(call.sid)).filter((e) => e.status === 'refused')[0]).toMatchObject({ pausedBy: 'unknown' });
  });

  test("a second recording's stop is refused too: the lock is on the call, not on one recording", async () => {
    const { callSid, recordingSid, token } = await flowPausedCall();
    const other = await cluster.em.client.calls(callSid).recordings.create();
    const res = await invoke(
      fx(0),
      '/agent/set-status',
      { Token: token, CallSid: callSid, Status: 'stop', RecordingSid: other.sid },
      'json',
    );
    expect(res).toMatchObject(held);
    expect(await afterFirstPause(cluster.em, `callSid=${callSid}`)).toMatchObject({ [recordingSid]: ['paused'] });
    expect((await cluster.em.client.calls(callSid).recordings(other.sid).fetch()).status).toBe('in-progress');
  });

  test("an agent's second pause does not take the flow's pause over", async () => {
    const { callSid, recordingSid, token } = await flowPausedCall();
    const pause = await invoke(fx(0), '/agent/set-status', { Token: token, CallSid: callSid, Status: 'pause' }, 'json');
    expect(pause.status).toBe(200);
    const res = await invoke(fx(1), '/agent/set-status', { Token: token, CallSid: callSid, Status: 'resume' }, 'json');
    expect(res).toMatchObject(held);
    expect(await afterFirstPause(cluster.em, `callSid=${callSid}`)).toEqual({ [recordingSid]: ['paused'] });
  });

  test('who paused follows the latest pause: flow pauses, flow resumes, an agent pauses, that agent resumes', async () => {
    const { callSid, token } = await flowPausedCall();
    const resumed = await invoke(
      fx(1),
      '/recording/set-status',
      { CallSid: callSid, Status: 'resume', ...FLOW },
      'json',
    );
    expect(resumed.status).toBe(200);
    expect(
      (await invoke(fx(0), '/agent/set-status', { Token: token, CallSid: callSid, Status: 'pause' }, 'json')).status,
    ).toBe(200);
    expect(
      (await invoke(fx(1), '/agent/set-status', { Token: token, CallSid: callSid, Status: 'resume' }, 'json')).status,
    ).toBe(200);
  });

  test("another agent's pause holds alike against Twilio.CURRENT", async () => {
    const { callSid, recordingSid, token } = await flowPausedCall('dana');
    await invoke(fx(0), '/recording/set-status', { CallSid: callSid, Status: 'resume', ...FLOW }, 'json');
    const bob = await flexUser(cluster.em, 'bob');
    await giveTask(cluster.em, bob.worker_sid!, { callSid });
    expect(
      (await invoke(fx(0), '/agent/set-status', { Token: token, CallSid: callSid, Status: 'pause' }, 'json')).status,
    ).toBe(200);
    const res = await invoke(
      fx(1),
      '/agent/set-status',
      { Token: bob.token, CallSid: callSid, Status: 'resume', RecordingSid: 'Twilio.CURRENT' },
      'json',
    );
    expect(res).toMatchObject(held);
    expect((await cluster.em.client.calls(callSid).recordings(recordingSid).fetch()).status).toBe('paused');
  });

  test("a conference's flow pause holds against its agent, Twilio.CURRENT and All", async () => {
    const room = `lock-${Date.now()}`;
    await newCall(cluster.em.client, conferenceTwiml(room));
    await newCall(cluster.em.client, conferenceTwiml(room));
    let conference;
    for (let i = 0; i < 100 && !conference; i++) {
      [conference] = await cluster.em.client.conferences.list({ friendlyName: room, status: 'in-progress' });
      if (!conference) await new Promise((r) => setTimeout(r, 50));
    }
    const ConferenceSid = conference!.sid;
    const dana = await flexUser(cluster.em, 'dana');
    await giveTask(cluster.em, dana.worker_sid!, { conferenceSid: ConferenceSid });
    const paused = await invoke(
      fx(0),
      '/conference/recording/set-status',
      { ConferenceSid, Status: 'pause', ...FLOW },
      'json',
    );
    expect(paused.status).toBe(200);
    for (const [i, params] of [{ RecordingSid: 'Twilio.CURRENT' }, { All: 'true' }, {}].entries()) {
      const res = await invoke(
        fx(i),
        '/agent/set-status',
        { Token: dana.token, ConferenceSid, Status: 'resume', ...params },
        'json',
      );
      expect(res).toMatchObject(held);
    }
    const truth = await afterFirstPause(cluster.em, `conferenceSid=${ConferenceSid}`);
    expect(Object.values(truth)).toEqual([['paused']]);
  });
});

describe("a supervisor's override needs a reason that means something", () => {
  test.each([
    ['no reason', undefined],
    ['x', 'x'],
    ['0', '0'],
    ['false', 'false'],
    ['zero-width spaces', '\u200b'.repeat(40)],
    ['punctuation and spaces', '... --- !!! ??? ,,,'],
    ['nine letters padded', ' a b c d e f g h i \u0000\u200d'],
  ])(
    '%s: 400 REASON_REQUIRED to a resume, a stop and a start, the pause holds, each refusal logged',
    async (_what, Reason) => {
      const { callSid, recordingSid } = await flowPausedCall();
      const sam = await flexUser(cluster.em, 'sam', { roles: ['supervisor'] });
      const asked = { Token: sam.token, CallSid: callSid, ...(Reason === undefined ? {} : { Reason }) };
      for (const [instance, path, params] of [
        [1, '/agent/set-status', { Status: 'resume' }],
        [0, '/agent/set-status', { Status: 'stop', RecordingSid: recordingSid }],
        [1, '/agent/start', {}],
      ] as const) {
        const res = await invoke(fx(instance), path, { ...asked, ...params }, 'json');
        expect(res).toMatchObject({ status: 400, body: { error: { code: 'REASON_REQUIRED' } } });
      }
      expect((await cluster.em.client.calls(callSid).recordings.list()).map((r) => [r.sid, r.status])).toEqual([
        [recordingSid, 'paused'],
      ]);
      expect((await evidence(callSid)).filter((e) => e.status === 'refused').map((e) => e.action)).toEqual([
        'in-progress',
        'stopped',
        'start',
      ]);
    },
  );

  test('ten letters or digits lift it; the reason is kept beside the name, in the segments and the CSV', async () => {
    const { callSid } = await flowPausedCall();
    const sam = await flexUser(cluster.em, 'sam', { roles: ['supervisor'] });
    const Reason = 'Caller hung up, card step abandoned';
    const res = await invoke(
      fx(0),
      '/agent/set-status',
      { Token: sam.token, CallSid: callSid, Status: 'resume', RecordingSid: 'Twilio.CURRENT', Reason },
      'json',
    );
    expect(res).toMatchObject({ status: 200, body: { status: 'in-progress' } });
    expect((await evidence(callSid)).find((e) => e.status === 'override')).toMatchObject({
      by: 'supervisor:sam',
      reason: Reason,
      pausedBy: FLOW_CALLER,
    });
    const login = await invoke<{ token: string }>(
      fx(1),
      '/console/login',
      { Password: PASSWORD, Name: 'Jo Auditor' },
      'json',
    );
    const csv = await invoke<string>(
      fx(1),
      '/console/evidence',
      { Token: login.body.token, CallSid: callSid, Format: 'csv' },
      'json',
    );
    const [header, ...rows] = csv.body.trim().split('\r\n');
    expect(header.split(',')).toContain('reason');
    expect(rows.find((r) => r.includes('supervisor:sam') && r.includes(',recorded,'))).toContain(Reason);
  });
});

describe('a password sign-in names the person', () => {
  test('no Name: 400; with a Name the evidence keeps console:admin (name)', async () => {
    const bare = await invoke(fx(0), '/console/login', { Password: PASSWORD }, 'json');
    expect(bare).toMatchObject({ status: 400, body: { error: { code: 'MISSING_PARAMETER' } } });
    const { callSid } = await flowPausedCall();
    const login = await invoke<{ token: string }>(
      fx(0),
      '/console/login',
      { Password: PASSWORD, Name: 'Jo Smith' },
      'json',
    );
    const res = await invoke(
      fx(1),
      '/console/control',
      { Token: login.body.token, CallSid: callSid, Action: 'resume', Reason: 'test call placed by QA' },
      'json',
    );
    expect(res.status).toBe(200);
    expect((await evidence(callSid)).find((e) => e.status === 'override')).toMatchObject({
      by: 'console:admin (Jo Smith)',
    });
  });
});

describe("the runtime's own keys are not the client's", () => {
  const PATHS = [
    '/recording/start',
    '/recording/set-status',
    '/recording/status',
    '/conference/recording/set-status',
    '/callbacks/recording-status',
    '/console/login',
    '/console/logout',
    '/console/calls',
    '/console/control',
    '/console/evidence',
    '/agent/start',
    '/agent/set-status',
  ];

  test.each(PATHS)('%s: a body naming `request` is refused 400 RESERVED_PARAMETER', async (path) => {
    const forged = { request: { headers: { 'content-length': '9999' } }, CallSid: 'CA' + '1'.repeat(32) };
    const res = await invoke(fx(0), path, forged, 'json');
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'RESERVED_PARAMETER' } } });
  });

  test('a query that rewrites the headers cannot smuggle a token in the URL', async () => {
    const { callSid, token } = await flowPausedCall();
    const query = new URLSearchParams({
      'request[headers][content-type]': 'application/json',
      'request[headers][content-length]': '9999',
      Token: token,
    });
    const res = await invoke(fx(1), `/agent/set-status?${query}`, { CallSid: callSid, Status: 'pause' }, 'json');
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'RESERVED_PARAMETER' } } });
    const form = await invoke(fx(1), `/agent/set-status?request=x`, {
      Token: token,
      CallSid: callSid,
      Status: 'pause',
    });
    expect(form).toMatchObject({ status: 400, body: { error: { code: 'RESERVED_PARAMETER' } } });
  });

  test('a forged X-Forwarded-For in the event is refused before any Sync request', async () => {
    const before = await cluster.em.control<{ routes: Record<string, number> }>('GET', '/counters');
    const sync = (routes: Record<string, number>) =>
      Object.entries(routes)
        .filter(([route]) => route.includes('/v1/Services'))
        .reduce((n, [, c]) => n + c, 0);
    for (let i = 0; i < 5; i++) {
      const res = await invoke(
        fx(i),
        '/console/login',
        {
          Password: 'guess',
          Name: 'x',
          request: { headers: { 'x-forwarded-for': `10.0.0.${i}` }, cookies: { a: 'b' } },
        },
        'json',
      );
      expect(res).toMatchObject({ status: 400, body: { error: { code: 'RESERVED_PARAMETER' } } });
    }
    const after = await cluster.em.control<{ routes: Record<string, number> }>('GET', '/counters');
    expect(sync(after.routes)).toBe(sync(before.routes));
  });

  test('a control with Next answers the refusal as TwiML, so the call moves on', async () => {
    const res = await invoke(fx(0), '/recording/set-status?request=x', {
      CallSid: 'CA' + '1'.repeat(32),
      Status: 'pause',
      Next: '/next',
    });
    expect(res.contentType).toContain('xml');
    expect(res.body).toContain('error=RESERVED_PARAMETER');
  });
});
