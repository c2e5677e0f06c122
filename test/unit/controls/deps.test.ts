// A control's Deps in-process against the emulator: its fence, before the control sets a guard on it,
// never lets the client send a change of a recording twice (a 16114, where Twilio did nothing, is
// answered as it came). Sync's write failing is said in the answer: start-create.test.ts.
import { newCall } from '../../../harness/calls';
import { servedRequests } from '../../../harness/functions';
import { instanceOn, useInProcessEmulator } from '../../../harness/in-process';

const stack = useInProcessEmulator();

test('a fence with no guard: a change of a recording met with 16114 is not sent again', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  const recording = await em.client.calls(call.sid).recordings.create();
  const fx = await instanceOn(em);
  const deps = fx.deps('studio:FWa');
  await em.control('POST', '/faults', { kind: '16114', count: 2, match: recording.sid, method: 'POST' });
  const mark = (await servedRequests(em)).length;
  await expect(fx.lib.voice.callOwner(deps.client, call.sid).update(recording.sid, 'paused')).rejects.toMatchObject({
    status: 409,
    code: 16114,
  });
  const posts = (await servedRequests(em)).slice(mark).filter((r) => r.method === 'POST');
  expect(posts.map((r) => [r.path.endsWith(`/Recordings/${recording.sid}.json`), r.status])).toEqual([[true, 409]]);
  expect((await em.client.calls(call.sid).recordings(recording.sid).fetch()).status).toBe('in-progress');
});
