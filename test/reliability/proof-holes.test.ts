// Issue 27's holes, each run as it was found, against the emulator and twilio-run: what /recording/status
// answers beside recordings made elsewhere and pauses whose instance died, a callback replayed after the
// call's Map expired, the window check when Twilio's list cannot be read, and a conference whose
// participant's own call recording records while the conference is paused.
import { mapName } from '../../lib/sync/call-map';
import { conferenceCalls, newCall } from '../../harness/calls';
import {
  callbacksIdle,
  evidenceEntries,
  invoke,
  servedRequests,
  signedCallback,
  syncDocument,
} from '../../harness/functions';
import { useStack } from '../../harness/stack';

const PASSWORD = 'correct horse battery staple';
const stack = useStack({ ADMIN_PASSWORD: PASSWORD });

interface Status {
  status: string;
  activeRecordingSids: string[];
  checkedWithTwilio: boolean;
}
const statusOf = async (callSid: string) =>
  (await invoke<Status>(stack.fx, '/recording/status', { CallSid: callSid })).body;
const signIn = () =>
  invoke<{ token: string }>(stack.fx, '/console/login', { Password: PASSWORD, Name: 'Test Auditor' }, 'json');
const control = (params: Record<string, string>) => invoke(stack.fx, '/recording/set-status', params);
const start = async (callSid: string) =>
  (await invoke<{ recordingSid: string }>(stack.fx, '/recording/start', { CallSid: callSid })).body.recordingSid;
/** The Sync writes the emulator served since `mark` (a length of its request log). */
const syncWritesSince = async (mark: number) =>
  (await servedRequests(stack.em)).slice(mark).filter((r) => r.method === 'POST' && r.path.startsWith('/v1/Services'));

test('status reads Twilio beside Sync: a recording made through the API records while the toolkit stopped its own', async () => {
  const call = await newCall(stack.em.client);
  const own = await start(call.sid);
  const elsewhere = await stack.em.client.calls(call.sid).recordings.create();
  expect((await control({ CallSid: call.sid, Status: 'stop', RecordingSid: own })).status).toBe(200);
  await callbacksIdle(stack.em);
  expect(await statusOf(call.sid)).toMatchObject({
    status: 'recording',
    activeRecordingSids: [elsewhere.sid],
    checkedWithTwilio: true,
  });
  // What Twilio showed that the evidence lacked is in the evidence now, as a read-back.
  expect(await evidenceEntries(stack.em, call.sid)).toContainEqual(
    expect.objectContaining({ recordingSid: elsewhere.sid, status: 'in-progress', source: 'read-back' }),
  );
  // Sync agrees with Twilio now: the next status writes nothing.
  const mark = (await servedRequests(stack.em)).length;
  expect((await statusOf(call.sid)).status).toBe('recording');
  expect(await syncWritesSince(mark)).toEqual([]);
});

test('status on a call the toolkit never touched answers what Twilio records', async () => {
  const call = await newCall(stack.em.client);
  await stack.em.client.calls(call.sid).recordings.create();
  expect((await statusOf(call.sid)).status).toBe('recording');
});

test('a pause Twilio applied whose instance died before it answered: status says paused, and the evidence logs it', async () => {
  const call = await newCall(stack.em.client);
  const sid = await start(call.sid);
  await callbacksIdle(stack.em);
  // What Twilio holds after an instance was killed once its pause was applied: no answer, no evidence.
  await stack.em.client.calls(call.sid).recordings(sid).update({ status: 'paused' });
  expect((await statusOf(call.sid)).status).toBe('paused');
  expect((await syncDocument(stack.em, call.sid))?.recordings[sid].status).toBe('paused');
  expect(await evidenceEntries(stack.em, call.sid)).toContainEqual(
    expect.objectContaining({ recordingSid: sid, status: 'paused', source: 'read-back' }),
  );
});

test("an in-progress callback replayed after the call's Map expired does not bring the recording back", async () => {
  const call = await newCall(stack.em.client);
  const sid = await start(call.sid);
  expect((await control({ CallSid: call.sid, Status: 'stop', RecordingSid: sid })).status).toBe(200);
  await callbacksIdle(stack.em);
  // Its TTL passed: Sync forgot the call, state and evidence alike.
  await stack.em.client.sync.v1.services('default').syncMaps(mapName(call.sid)).remove();
  const replayed = await signedCallback(stack.fx, {
    CallSid: call.sid,
    RecordingSid: sid,
    RecordingStatus: 'in-progress',
    RecordingStartTime: new Date().toUTCString(),
  });
  expect(replayed.status).toBe(204);
  expect(['in-progress', 'paused']).not.toContain((await syncDocument(stack.em, call.sid))?.recordings[sid]?.status);
  expect((await statusOf(call.sid)).status).toBe('not-recording');
});

test("the window check when Twilio's list cannot be read: unknown, never true", async () => {
  const login = await signIn();
  const call = await newCall(stack.em.client);
  const sid = await start(call.sid);
  await control({ CallSid: call.sid, Status: 'pause', RecordingSid: sid });
  const from = new Date(Date.now() + 200);
  await new Promise((r) => setTimeout(r, 600));
  const window = { Token: login.body.token, CallSid: call.sid, From: from.toISOString() };
  const check = async () =>
    (
      await invoke<{ twilioListed: boolean; window: { insidePause: unknown } }>(
        stack.fx,
        '/console/evidence',
        { ...window, To: new Date(from.getTime() + 200).toISOString() },
        'json',
      )
    ).body;
  expect(await check()).toMatchObject({ twilioListed: true, window: { insidePause: true } });
  await stack.em.control('POST', '/faults', {
    kind: '500',
    count: 100,
    match: `/Calls/${call.sid}/Recordings.json`,
    method: 'GET',
  });
  try {
    expect(await check()).toMatchObject({ twilioListed: false, window: { insidePause: 'unknown' } });
  } finally {
    await stack.em.control('DELETE', '/faults');
  }
});

test("a conference paused while a participant's call recording records: status says recording, the window check false", async () => {
  const login = await signIn();
  const [leg] = await conferenceCalls(stack.em.client, 'legs');
  const [conference] = await stack.em.client.conferences.list({ friendlyName: 'legs', status: 'in-progress' });
  // A dual-channel recording of one participant's call, as Flex setups make: the same audio.
  const legRecording = await stack.em.client.calls(leg.sid).recordings.create({ recordingChannels: 'dual' });
  const paused = await invoke(stack.fx, '/conference/recording/set-status', {
    ConferenceSid: conference.sid,
    Status: 'pause',
  });
  expect(paused).toMatchObject({ status: 200, body: { status: 'paused' } });
  const from = new Date(Date.now() + 200);
  await new Promise((r) => setTimeout(r, 600));
  const status = await invoke<Status>(stack.fx, '/recording/status', { ConferenceSid: conference.sid });
  expect(status.body.status).toBe('recording');
  expect(status.body.activeRecordingSids).toContain(legRecording.sid);
  const evidence = await invoke<{ window: { insidePause: unknown } }>(
    stack.fx,
    '/console/evidence',
    {
      Token: login.body.token,
      ConferenceSid: conference.sid,
      From: from.toISOString(),
      To: new Date(from.getTime() + 200).toISOString(),
    },
    'json',
  );
  expect(evidence.body.window.insidePause).toBe(false);
  // Once the leg's recording ended, the conference is paused.
  await stack.em.client.calls(leg.sid).recordings(legRecording.sid).update({ status: 'stopped' });
  expect((await invoke<Status>(stack.fx, '/recording/status', { ConferenceSid: conference.sid })).body.status).toBe(
    'paused',
  );
});
