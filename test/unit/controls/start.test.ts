// Starts in-process against the emulator, two instances on one call: one recording however they race,
// including two starts that both find the last start's claim finished and try to take it over.
import { newCall } from '../../../harness/calls';
import { heldRequests, servedRequests, waitFor } from '../../../harness/functions';
import { instanceOn, useInProcessEmulator } from '../../../harness/in-process';
import { startOptions } from './controls';

const stack = useInProcessEmulator();

type Instance = Awaited<ReturnType<typeof instanceOn>>;
const startOn = (fx: Instance, callSid: string) =>
  fx.lib.start.startCallRecording(fx.deps('studio:FWa'), startOptions(callSid));

test('a start creates a recording and finishes its claim naming it; a second start adopts it', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  const fx = await instanceOn(em);
  const first = await startOn(fx, call.sid);
  expect(first).toMatchObject({ callSid: call.sid, status: 'in-progress', created: true, synced: true });
  const claim = await em.client.sync.v1
    .services('default')
    .syncMaps(`recording-controls-${call.sid}`)
    .syncMapItems('claim')
    .fetch();
  expect(claim.data).toMatchObject({ recordingSid: first.recordingSid });
  const second = await startOn(await instanceOn(em), call.sid);
  expect(second).toMatchObject({ recordingSid: first.recordingSid, created: false, synced: true });
  expect(await em.client.calls(call.sid).recordings.list()).toHaveLength(1);
});

test('two starts on a finished claim: one takes it over (If-Match), the other meets 412 and adopts its recording', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  const [a, b] = [await instanceOn(em), await instanceOn(em)];
  const first = await startOn(a, call.sid);
  // Stopped outside the toolkit: the claim still names it, finished.
  await em.client.calls(call.sid).recordings(first.recordingSid).update({ status: 'stopped' });
  const claimPath = `recording-controls-${call.sid}/Items/claim`;
  // The first take-over is held unapplied at the emulator until the other start has taken the claim.
  await em.control('POST', '/faults', { kind: 'hold', count: 1, match: claimPath, method: 'POST' });
  const mark = (await servedRequests(em)).length;
  const starts = [startOn(a, call.sid), startOn(b, call.sid)];
  await heldRequests(em, 1);
  await waitFor('the other start taking the claim over', async () =>
    (await servedRequests(em))
      .slice(mark)
      .find((r) => r.method === 'POST' && r.path.endsWith(claimPath) && r.status === 200),
  );
  await em.control('POST', '/held/release');
  const answers = await Promise.all(starts);
  const served = (await servedRequests(em)).slice(mark);
  expect(served.filter((r) => r.path.endsWith(claimPath) && r.status === 412)).toHaveLength(1);
  expect(new Set(answers.map((a) => a.recordingSid)).size).toBe(1);
  expect(answers.filter((a) => a.created)).toHaveLength(1);
  const recordings = await em.client.calls(call.sid).recordings.list();
  // The stopped one is `processing` until its file is ready, then `completed`.
  expect(recordings.map((r) => (r.status === 'in-progress' ? r.status : 'ended')).sort()).toEqual([
    'ended',
    'in-progress',
  ]);
  expect(recordings.find((r) => r.sid === first.recordingSid)?.status).toMatch(/^(processing|completed)$/);
});
