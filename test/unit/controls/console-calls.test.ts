// The console's list: a refresh learns a call's end without listing every live call again (a call whose
// recordings ended, its state written as the completed callback does, is asked about at once); an agent
// has one name, the one the history keeps, whether TaskRouter or their own token names them. And each rule
// of the list a supervisor reads: newest first, numbers masked, what Twilio knows (or only the SIDs when it
// knows nothing), the Number filter and the count, who is on a call (TaskRouter asked only about the calls
// recorded, and not at all without a workspace), the flows by name, the pause's age and alert, and what a
// refresh brings (a summary written, or an end learned or stamped, since its cursor) with the next cursor.
import { newCall } from '../../../harness/calls';
import { servedRequests } from '../../../harness/functions';
import { atTime, useInProcessEmulator } from '../../../harness/in-process';
import { EMULATOR_WORKSPACE_SID, flexUser, giveTask } from '../../../harness/taskrouter';
import { summarize } from '../../../lib/model/call-summary';
import { emptyDocument, type RecordingDocument } from '../../../lib/model/recording-state';
import { indexCall } from '../../../lib/sync/console-index';
import { verifyFlexToken } from '../../../lib/twilio/flex';

const stack = useInProcessEmulator();
const sync = { serviceSid: 'default', ttlSeconds: 600 };
const options = { sync, alertSeconds: 0 };

function recording(sid: string, status: 'in-progress' | 'completed'): RecordingDocument {
  const at = new Date().toISOString();
  return {
    ...emptyDocument(sid),
    recordings: { ['RE' + sid.slice(2)]: { status, at: { [status]: at } } },
    history: [{ at, action: status === 'completed' ? 'stop' : 'start', recordingSid: 'RE' + sid.slice(2), by: 'http' }],
  };
}

// Each test reads the list from a process of its own (console-calls loaded anew): what a process learns
// and keeps (the shared reading of the index, the live calls' listing, the calls' details) starts empty,
// and the times it sees are set exactly (atTime, the emulator's clock being this process's).

/** The console's list as a process that has learned nothing yet serves it. */
async function freshList() {
  let loaded!: typeof import('../../../lib/controls/console-calls');
  await jest.isolateModulesAsync(async () => {
    loaded = await import('../../../lib/controls/console-calls');
  });
  return loaded.listConsoleCalls;
}

/** How long a process shares one reading of the index (controls/tracked-calls), not read from lib/. */
const SHARED_READ_MS = 2_000;

test('a call that ended with its recording comes ended in the next refresh', async () => {
  const { client } = stack.em;
  const listConsoleCalls = await freshList();
  const [ending, staying] = [await newCall(client), await newCall(client)];
  for (const call of [ending, staying])
    await indexCall(client, sync, call.sid, recording(call.sid, 'in-progress'), true);
  const first = await listConsoleCalls(client, options);
  expect(first.calls.map((c) => [c.sid, c.callStatus]).sort()).toEqual(
    [
      [ending.sid, 'in-progress'],
      [staying.sid, 'in-progress'],
    ].sort(),
  );

  await client.calls(ending.sid).update({ status: 'completed' });
  await indexCall(client, sync, ending.sid, recording(ending.sid, 'completed'), false);
  // The same process's next refresh, a poll later: once its shared reading of the index is over, and
  // while its listing of the live calls (10 s) still says the call is live.
  const next = await atTime(Date.now() + SHARED_READ_MS, () =>
    listConsoleCalls(client, { ...options, since: first.cursor }),
  );
  expect(next.total).toBe(2);
  expect(next.calls.find((c) => c.sid === ending.sid)).toMatchObject({ callStatus: 'completed', live: false });
  expect(next.calls.find((c) => c.sid === ending.sid)?.endTime).toBeDefined();
});

test("an agent on a call has the name the history gives their pause, shown by their worker's name", async () => {
  const { client } = stack.em;
  // As Flex makes a worker: its friendly name for people, its contact_uri the Flex identity (escaped as Flex does).
  const identity = 'alice_40example_2Ecom';
  const worker = await client.taskrouter.v1.workspaces(EMULATOR_WORKSPACE_SID).workers.create({
    friendlyName: 'Alice Smith',
    attributes: JSON.stringify({ contact_uri: `client:${identity}`, full_name: 'Alice Smith' }),
  });
  const alice = await verifyFlexToken(client, (await flexUser(stack.em, identity, { workerSid: worker.sid })).token);
  const call = await newCall(client);
  await giveTask(stack.em, worker.sid, { callSid: call.sid });
  const at = new Date().toISOString();
  const recordingSid = 'RE' + call.sid.slice(2);
  await indexCall(
    client,
    sync,
    call.sid,
    {
      ...emptyDocument(call.sid),
      recordings: { [recordingSid]: { status: 'paused', pauseBehavior: 'skip', at: { paused: at } } },
      history: [{ at, action: 'paused (skip)', recordingSid, by: alice.caller }],
    },
    true,
  );
  const { calls } = await (await freshList())(client, { ...options, workspaceSid: EMULATOR_WORKSPACE_SID });
  const row = calls.find((c) => c.sid === call.sid)!;
  expect(row.lastChange?.by).toBe(`agent:${identity}`);
  expect(row.agents.map((a) => `agent:${a}`)).toEqual([row.lastChange?.by]);
  expect(row.agentNames).toEqual({ [identity]: 'Alice Smith' });
});

const iso = (ms: number) => new Date(ms).toISOString();
/** Now, to the second: Sync and Voice stamp their times to the second. */
const wholeSecond = () => Math.floor(Date.now() / 1000) * 1000;

/** A state whose recording has `status` since `at`, each of `by` having acted on it (in order). */
function stateAt(sid: string, at: number, status: 'in-progress' | 'paused' | 'completed', by = ['http']) {
  const recordingSid = 'RE' + sid.slice(2);
  const action = status === 'paused' ? 'paused (skip)' : status === 'completed' ? 'stop' : 'start';
  const doc: RecordingDocument = {
    ...emptyDocument(sid),
    recordings: {
      [recordingSid]: {
        status,
        ...(status === 'paused' ? { pauseBehavior: 'skip' as const } : {}),
        at: { [status]: iso(at) },
      },
    },
    history: by.map((who) => ({ at: iso(at), action, recordingSid, by: who })),
  };
  return doc;
}

/** Indexes the state as a control's write at `at` does (Sync stamping it then). */
const indexAt = (at: number, doc: RecordingDocument, isNew = true) =>
  atTime(at, () => indexCall(stack.em.client, sync, doc.sid, doc, isNew));
/** A call answered at `at`, from +15005550001 to +15005550006 (harness/calls). */
const callAt = (at: number) => atTime(at, () => newCall(stack.em.client));
const hangUpAt = (at: number, sid: string) =>
  atTime(at, () => stack.em.client.calls(sid).update({ status: 'completed' }));

/** How the console shows the emulator's outbound calls: both numbers masked. */
const outbound = { from: '+1500•••0001', to: '+1500•••0006', direction: 'outbound-api' };
/** A row's fields from the index, as Sync stamped the summary at `at`. */
const indexed = (doc: RecordingDocument, at: number, revision = '0') => ({
  ...summarize(doc),
  sid: doc.sid,
  kind: 'call',
  revision,
  createdAt: iso(at),
  updatedAt: iso(at),
});

const taskRouterRequests = async () =>
  (await servedRequests(stack.em))
    .filter((r) => r.path.includes('/Workspaces/'))
    .map((r) => `${r.method} ${r.path} ${r.status}`);

test('the full list: every tracked call newest first, numbers masked, as Twilio knows it; the count; the cursor its newest write wherever it stands', async () => {
  const t = wholeSecond();
  const older = await callAt(t - 60_000);
  const newer = await callAt(t - 30_000);
  const [olderState, newerState] = [
    stateAt(older.sid, t - 60_000, 'in-progress'),
    stateAt(newer.sid, t - 30_000, 'in-progress'),
  ];
  await indexAt(t - 60_000, olderState);
  await indexAt(t - 30_000, newerState);

  const list = await (await freshList())(stack.em.client, options);
  const live = (doc: RecordingDocument, at: number) => ({
    ...indexed(doc, at),
    callStatus: 'in-progress',
    ...outbound,
    startTime: iso(at),
    agents: [],
    agentNames: {},
    flows: {},
  });
  expect(list).toEqual({
    calls: [live(newerState, t - 30_000), live(olderState, t - 60_000)],
    total: 2,
    cursor: iso(t - 30_000),
  });
});

test('an empty index lists nothing, and its cursor is the epoch', async () => {
  expect(await (await freshList())(stack.em.client, options)).toEqual({
    calls: [],
    total: 0,
    cursor: '1970-01-01T00:00:00.000Z',
  });
});

test('a pause is aged from when it began, and flagged once past alertSeconds', async () => {
  const t = wholeSecond();
  const [long, short] = [await callAt(t - 60_000), await callAt(t - 60_000)];
  await indexAt(t - 60_000, stateAt(long.sid, t - 30_000, 'paused'));
  await indexAt(t - 60_000, stateAt(short.sid, t - 19_000, 'paused'));
  const listConsoleCalls = await freshList();
  const { calls } = await atTime(t, () => listConsoleCalls(stack.em.client, { ...options, alertSeconds: 20 }));
  expect(Object.fromEntries(calls.map((c) => [c.sid, [c.pausedSince, c.pausedForSeconds, c.pauseAlert]]))).toEqual({
    [long.sid]: [iso(t - 30_000), 30, true],
    [short.sid]: [iso(t - 19_000), 19, false],
  });
});

test('a call Twilio does not know is listed with its SIDs and state alone; a Number filter leaves it out', async () => {
  const unknown = 'CA' + 'e'.repeat(32);
  const t = wholeSecond();
  const state = stateAt(unknown, t - 10_000, 'in-progress');
  await indexAt(t - 10_000, state);
  const listConsoleCalls = await freshList();
  expect(await listConsoleCalls(stack.em.client, options)).toEqual({
    calls: [{ ...indexed(state, t - 10_000), agents: [], agentNames: {}, flows: {} }],
    total: 1,
    cursor: iso(t - 10_000),
  });
  expect(await listConsoleCalls(stack.em.client, { ...options, number: '0001' })).toEqual({
    calls: [],
    total: 0,
    cursor: '1970-01-01T00:00:00.000Z',
  });
});

test('Number keeps the calls whose caller or called number holds the digits, and counts only those', async () => {
  const t = wholeSecond();
  const call = await callAt(t - 20_000);
  await indexAt(t - 20_000, stateAt(call.sid, t - 20_000, 'in-progress'));
  await indexAt(t - 10_000, stateAt('CA' + 'e'.repeat(32), t - 10_000, 'in-progress'));
  const listConsoleCalls = await freshList();
  const listed = async (number: string) => {
    const list = await listConsoleCalls(stack.em.client, { ...options, number });
    return [list.calls.map((c) => c.sid), list.total, list.cursor];
  };
  // The caller's number (+15005550001), the called one (+15005550006), and neither.
  expect(await listed('5550001')).toEqual([[call.sid], 1, iso(t - 20_000)]);
  expect(await listed('0006')).toEqual([[call.sid], 1, iso(t - 20_000)]);
  expect(await listed('999')).toEqual([[], 0, '1970-01-01T00:00:00.000Z']);
});

test('with no workspace, the agents are those whose token acted on the call, and TaskRouter is not asked', async () => {
  const t = wholeSecond();
  const call = await callAt(t - 10_000);
  const flow = `studio:FW${'1'.repeat(32)}/FN${'2'.repeat(32)}`;
  await indexAt(
    t - 10_000,
    stateAt(call.sid, t - 10_000, 'paused', ['agent:bob_40example_2Ecom', 'http', flow, 'agent:carol']),
  );
  const { calls } = await (await freshList())(stack.em.client, options);
  expect(calls.map((c) => [c.sid, c.agents, c.agentNames])).toEqual([[call.sid, ['bob_40example_2Ecom', 'carol'], {}]]);
  expect(await taskRouterRequests()).toEqual([]);
});

test('TaskRouter is asked about the calls still recorded alone: an ended one shows the agents who acted on it', async () => {
  const identity = 'alice_40example_2Ecom';
  const worker = await stack.em.client.taskrouter.v1.workspaces(EMULATOR_WORKSPACE_SID).workers.create({
    friendlyName: 'Alice Smith',
    attributes: JSON.stringify({ contact_uri: `client:${identity}` }),
  });
  const t = wholeSecond();
  const [recorded, ended] = [await callAt(t - 20_000), await callAt(t - 20_000)];
  for (const call of [recorded, ended]) await giveTask(stack.em, worker.sid, { callSid: call.sid });
  await indexAt(t - 20_000, stateAt(recorded.sid, t - 20_000, 'in-progress', ['agent:bob']));
  await indexAt(t - 20_000, stateAt(ended.sid, t - 20_000, 'completed', ['agent:bob']));
  const { calls } = await (await freshList())(stack.em.client, { ...options, workspaceSid: EMULATOR_WORKSPACE_SID });
  expect(Object.fromEntries(calls.map((c) => [c.sid, [c.agents, c.agentNames]]))).toEqual({
    [recorded.sid]: [[identity], { [identity]: 'Alice Smith' }],
    [ended.sid]: [['bob'], {}],
  });
});

test('with no call recorded, TaskRouter is not asked', async () => {
  const t = wholeSecond();
  const call = await callAt(t - 20_000);
  await indexAt(t - 20_000, stateAt(call.sid, t - 20_000, 'completed', ['agent:bob']));
  const { calls } = await (await freshList())(stack.em.client, { ...options, workspaceSid: EMULATOR_WORKSPACE_SID });
  expect(calls.map((c) => [c.sid, c.agents, c.agentNames])).toEqual([[call.sid, ['bob'], {}]]);
  expect(await taskRouterRequests()).toEqual([]);
});

test('when TaskRouter cannot be read, the list still answers with the agents who acted, and the log says why', async () => {
  const t = wholeSecond();
  const call = await callAt(t - 20_000);
  await indexAt(t - 20_000, stateAt(call.sid, t - 20_000, 'in-progress', ['agent:bob']));
  await stack.em.control('POST', '/faults', { kind: '500', count: 1, match: '/Tasks', method: 'GET' });
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const { calls } = await (await freshList())(stack.em.client, { ...options, workspaceSid: EMULATOR_WORKSPACE_SID });
    expect(calls.map((c) => [c.sid, c.callStatus, c.agents, c.agentNames])).toEqual([
      [call.sid, 'in-progress', ['bob'], {}],
    ]);
    expect(warn.mock.calls).toEqual([
      [
        `recording-controls: the console could not read who is on the calls: Twilio failed (HTTP 500) for the TaskRouter tasks of workspace ${EMULATOR_WORKSPACE_SID}; try again`,
      ],
    ]);
  } finally {
    warn.mockRestore();
  }
  expect(await taskRouterRequests()).toEqual([`GET /v1/Workspaces/${EMULATOR_WORKSPACE_SID}/Tasks 500`]);
});

test('the flows that acted are named as Studio names them; one Studio does not know is left out', async () => {
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
  const execution = 'FN' + '0'.repeat(32);
  const t = wholeSecond();
  const call = await callAt(t - 10_000);
  await indexAt(
    t - 10_000,
    stateAt(call.sid, t - 10_000, 'paused', [
      `studio:${unknown}/${execution}`,
      'http',
      `studio:${flow.sid}/${execution}`,
    ]),
  );
  const { calls } = await (await freshList())(stack.em.client, options);
  expect(calls.map((c) => [c.sid, c.flows])).toEqual([[call.sid, { [flow.sid]: 'PCI payment' }]]);
});

describe('a refresh (Since: an earlier cursor)', () => {
  test('answers the calls whose summary was written since the cursor, looking back 5 s, and counts all', async () => {
    const t = wholeSecond();
    const calls = [await callAt(t - 60_000), await callAt(t - 60_000), await callAt(t - 60_000)];
    const [old, before, at] = [t - 60_000, t - 21_000, t - 20_000];
    for (const [call, when] of [
      [calls[0], old],
      [calls[1], before],
      [calls[2], at],
    ] as const)
      await indexAt(when, stateAt(call.sid, when, 'in-progress'));
    // The cursor 15 s ago: a summary written 20 s ago is still within the overlap, one 21 s ago is not.
    const list = await (await freshList())(stack.em.client, { ...options, since: iso(t - 15_000) });
    expect([list.calls.map((c) => [c.sid, c.updatedAt]), list.total, list.cursor]).toEqual([
      [[calls[2].sid, iso(at)]],
      3,
      iso(t - 15_000),
    ]);
  });

  test('brings a call whose end this process learned since the cursor, though its summary and Twilio end are older', async () => {
    const t = wholeSecond();
    const [ended, recorded] = [await callAt(t - 60_000), await callAt(t - 60_000)];
    await indexAt(t - 60_000, stateAt(ended.sid, t - 60_000, 'in-progress'));
    await indexAt(t - 60_000, stateAt(recorded.sid, t - 60_000, 'in-progress'));
    await hangUpAt(t - 50_000, ended.sid);
    // This process learns of the end at t: exactly the cursor less the overlap.
    const listConsoleCalls = await freshList();
    const list = await atTime(t, () => listConsoleCalls(stack.em.client, { ...options, since: iso(t + 5_000) }));
    expect(list).toEqual({
      calls: [
        expect.objectContaining({
          sid: ended.sid,
          callStatus: 'completed',
          endTime: iso(t - 50_000),
          durationSeconds: 10,
          live: true,
        }),
      ],
      total: 2,
      cursor: iso(t + 5_000),
    });
  });

  test("brings a call Twilio ended since the cursor by Twilio's clock, and its end moves the cursor", async () => {
    const t = wholeSecond();
    // Listed newest first: late (ended 2 min after t), boundary (ended at the cursor less the overlap), early.
    const [early, boundary, late] = [await callAt(t - 63_000), await callAt(t - 62_000), await callAt(t - 61_000)];
    for (const [call, at] of [
      [early, t - 63_000],
      [boundary, t - 62_000],
      [late, t - 61_000],
    ] as const)
      await indexAt(at, stateAt(call.sid, at, 'in-progress'));
    await hangUpAt(t + 120_000, late.sid);
    await hangUpAt(t + 55_000, boundary.sid);
    await hangUpAt(t + 54_000, early.sid);
    // The cursor a minute ahead of this process's clock (Twilio's): what it learns now is older than the cursor.
    const list = await (await freshList())(stack.em.client, { ...options, since: iso(t + 60_000) });
    expect([list.calls.map((c) => [c.sid, c.callStatus, c.endTime]), list.total, list.cursor]).toEqual([
      [
        [late.sid, 'completed', iso(t + 120_000)],
        [boundary.sid, 'completed', iso(t + 55_000)],
      ],
      3,
      iso(t + 120_000),
    ]);
  });
});
