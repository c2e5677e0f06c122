// How many Twilio round trips a caller waits for: with Twilio's latency on, the emulator's request log
// shows which of a control's requests ran side by side and which one after another.
import { newCall } from '../../harness/calls';
import type { ServedRequest } from '../../emulator/app';
import {
  callbacksIdle,
  createConsoleIndex,
  inSequence,
  invoke,
  servedRequests,
  setLatency,
  signedCallback,
} from '../../harness/functions';
import { useStack } from '../../harness/stack';

const stack = useStack();
// The console's index exists, as after a service's first calls: its shards' creation is no control's round trip.
beforeAll(() => createConsoleIndex(stack.em));
afterEach(() => setLatency(stack.em, { voice: 0, sync: 0 }));

const now = () => performance.timeOrigin + performance.now();
/** A control's requests, as the emulator served them, and how many of them ran in sequence. */
async function traced(path: string, params: Record<string, string>) {
  const from = now();
  const answer = await invoke(stack.fx, path, params);
  const to = now();
  const requests = (await servedRequests(stack.em)).filter((r) => r.startedAt >= from && r.endedAt <= to);
  return { answer, requests, sequence: inSequence(requests, [from, to]) };
}
const overlap = (a: ServedRequest, b: ServedRequest) => a.startedAt < b.endedAt && b.startedAt < a.endedAt;
const find = (requests: ServedRequest[], method: string, route: RegExp) => {
  const found = requests.filter((r) => r.method === method && route.test(r.route));
  expect(found).toHaveLength(1);
  return found[0];
};
// Callbacks of the recordings started here go nowhere: their Sync writes must not fall inside a control.
const noCallbacks = { RecordingStatusCallback: 'http://127.0.0.1:9/' };

test('set-status: the Sync read runs beside the Twilio update; two round trips in sequence', async () => {
  const call = await newCall(stack.em.client);
  await invoke(stack.fx, '/recording/start', { CallSid: call.sid, ...noCallbacks });
  await setLatency(stack.em, { voice: 150, sync: 80 });
  const { answer, requests, sequence } = await traced('/recording/set-status', { CallSid: call.sid, Status: 'pause' });
  expect(answer.body).toMatchObject({ status: 'paused', synced: true });
  const update = find(requests, 'POST', /Recordings\/:Sid\.json$/);
  const read = find(requests, 'GET', /Maps\/:MapSid\/Items\/:Key$/);
  expect(overlap(update, read)).toBe(true);
  expect(update.path).toContain('Twilio.CURRENT');
  expect(sequence).toBe(2);
});

test("start: the recordings list beside the Sync read, the call's Map and its claim and the start's intent in it, then the create, then the write; three in sequence", async () => {
  const call = await newCall(stack.em.client);
  await setLatency(stack.em, { voice: 150, sync: 80 });
  const { answer, requests, sequence } = await traced('/recording/start', { CallSid: call.sid, ...noCallbacks });
  expect(answer.body).toMatchObject({ created: true, synced: true });
  const list = find(requests, 'GET', /Calls\/:CallSid\/Recordings\.json$/);
  const read = find(requests, 'GET', /Maps\/:MapSid\/Items\/:Key$/);
  const map = find(requests, 'POST', /Maps$/);
  expect(overlap(list, read) && overlap(list, map)).toBe(true);
  const create = find(requests, 'POST', /Calls\/:CallSid\/Recordings\.json$/);
  expect(create.startedAt).toBeGreaterThanOrEqual(list.endedAt);
  // The claim and the intent, items of the call's Map, sent beside its creation, which went out first:
  // Sync applied it first, so neither waits for it. The intent is in the log before the create is sent
  // (model/proof).
  const items = requests.filter(
    (r) => r.method === 'POST' && /Maps\/:MapSid\/Items$/.test(r.route) && r.startedAt < create.startedAt,
  );
  expect(items.map((r) => r.status)).toEqual([201, 201]);
  expect(items.every((r) => overlap(r, map) && overlap(r, list) && r.endedAt <= create.startedAt)).toBe(true);
  expect(sequence).toBe(3);
});

test("stop: the call's finished claim read beside the update and removed beside the writes; the next start pays what a fresh call's does", async () => {
  const call = await newCall(stack.em.client);
  const first = await invoke(stack.fx, '/recording/start', { CallSid: call.sid, ...noCallbacks });
  await setLatency(stack.em, { voice: 150, sync: 80 });
  const stop = await traced('/recording/set-status', { CallSid: call.sid, Status: 'stop' });
  expect(stop.answer.body).toMatchObject({ recordingSid: first.body.recordingSid, status: 'stopped', synced: true });
  const update = find(stop.requests, 'POST', /Recordings\/:Sid\.json$/);
  const claimRead = stop.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/Items/claim'));
  expect(claimRead).toHaveLength(1);
  expect(overlap(update, claimRead[0])).toBe(true);
  const removal = stop.requests.filter((r) => r.method === 'DELETE' && r.path.endsWith('/Items/claim'));
  expect(removal.map((r) => r.status)).toEqual([204]);
  expect(removal[0].startedAt).toBeGreaterThanOrEqual(update.endedAt);
  expect(stop.sequence).toBe(2);
  // The next start creates the claim at once: no 409 on it, no read of it, no take-over; only its finish.
  const again = await traced('/recording/start', { CallSid: call.sid, ...noCallbacks });
  expect(again.answer.body).toMatchObject({ created: true, synced: true });
  const itemCreates = again.requests.filter((r) => r.method === 'POST' && /Maps\/:MapSid\/Items$/.test(r.route));
  expect(itemCreates.map((r) => r.status)).toEqual([201, 201, 201]); // the claim, the intent, the outcome
  const onClaim = again.requests.filter((r) => r.path.endsWith('/Items/claim'));
  expect(onClaim.map((r) => r.method)).toEqual(['POST']);
  expect(onClaim[0].startedAt).toBeGreaterThanOrEqual(find(again.requests, 'POST', /Recordings\.json$/).endedAt);
  expect(again.sequence).toBe(3);
});

test("a call with 60 ended recordings is listed in one request: its start waits for as many round trips as a new call's", async () => {
  const call = await newCall(stack.em.client);
  for (let i = 0; i < 60; i++) {
    const made = await stack.em.client
      .calls(call.sid)
      .recordings.create({ recordingStatusCallback: noCallbacks.RecordingStatusCallback });
    await stack.em.client.calls(call.sid).recordings(made.sid).update({ status: 'stopped' });
  }
  await setLatency(stack.em, { voice: 150, sync: 80 });
  const { answer, requests, sequence } = await traced('/recording/start', { CallSid: call.sid, ...noCallbacks });
  expect(answer.body).toMatchObject({ created: true, synced: true });
  find(requests, 'GET', /Calls\/:CallSid\/Recordings\.json$/); // one page, not one per 50 recordings
  expect(sequence).toBe(3);
});

test('status: one Sync read; a callback: a Sync read, then a write', async () => {
  const call = await newCall(stack.em.client);
  const { answer: started } = await traced('/recording/start', { CallSid: call.sid, ...noCallbacks });
  await callbacksIdle(stack.em);
  await setLatency(stack.em, { voice: 150, sync: 80 });
  expect((await traced('/recording/status', { CallSid: call.sid })).sequence).toBe(1);
  const from = now();
  expect(
    (
      await signedCallback(stack.fx, {
        CallSid: call.sid,
        RecordingSid: started.body.recordingSid as string,
        RecordingStatus: 'completed',
      })
    ).status,
  ).toBe(204);
  expect(inSequence(await servedRequests(stack.em), [from, now()])).toBe(2);
});
