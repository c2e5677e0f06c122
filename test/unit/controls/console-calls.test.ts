// The console's list: a refresh learns a call's end without listing every live call again (a call whose
// recordings ended, its state written as the completed callback does, is asked about at once); an agent
// has one name, the one the history keeps, whether TaskRouter or their own token names them.
import { newCall } from '../../../harness/calls';
import { useInProcessEmulator } from '../../../harness/in-process';
import { EMULATOR_WORKSPACE_SID, flexUser, giveTask } from '../../../harness/taskrouter';
import { listConsoleCalls } from '../../../lib/controls/console-calls';
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

/** The list once `ready` holds: a process shares one reading of the index a second (controls/tracked-calls). */
async function listedWhen(
  options: Parameters<typeof listConsoleCalls>[1],
  ready: (list: Awaited<ReturnType<typeof listConsoleCalls>>) => boolean,
) {
  let list = await listConsoleCalls(stack.em.client, options);
  for (let i = 0; i < 50 && !ready(list); i++) {
    await new Promise((r) => setTimeout(r, 100));
    list = await listConsoleCalls(stack.em.client, options);
  }
  return list;
}

test('a call that ended with its recording comes ended in the next refresh', async () => {
  const { client } = stack.em;
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
  const next = await listedWhen(
    { ...options, since: first.cursor },
    (list) => list.calls.find((c) => c.sid === ending.sid)?.live === false,
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
  const { calls } = await listedWhen({ ...options, workspaceSid: EMULATOR_WORKSPACE_SID }, (list) =>
    list.calls.some((c) => c.sid === call.sid),
  );
  const row = calls.find((c) => c.sid === call.sid)!;
  expect(row.lastChange?.by).toBe(`agent:${identity}`);
  expect(row.agents.map((a) => `agent:${a}`)).toEqual([row.lastChange?.by]);
  expect(row.agentNames).toEqual({ [identity]: 'Alice Smith' });
});
