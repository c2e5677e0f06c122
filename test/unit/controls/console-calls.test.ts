// The console's refresh learns a call's end without listing every live call again: a call whose
// recordings ended (its state written, as the completed callback does) is asked about at once.
import { newCall } from '../../../harness/calls';
import { useInProcessEmulator } from '../../../harness/in-process';
import { listConsoleCalls } from '../../../lib/controls/console-calls';
import { emptyDocument, type RecordingDocument } from '../../../lib/model/recording-state';
import { indexCall } from '../../../lib/sync/console-index';

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
  // A process shares one reading of the index a second (controls/tracked-calls): the first one after it.
  let next = await listConsoleCalls(client, { ...options, since: first.cursor });
  for (let i = 0; i < 50 && next.calls.find((c) => c.sid === ending.sid)?.live !== false; i++) {
    await new Promise((r) => setTimeout(r, 100));
    next = await listConsoleCalls(client, { ...options, since: first.cursor });
  }
  expect(next.total).toBe(2);
  expect(next.calls.find((c) => c.sid === ending.sid)).toMatchObject({ callStatus: 'completed', live: false });
  expect(next.calls.find((c) => c.sid === ending.sid)?.endTime).toBeDefined();
});
