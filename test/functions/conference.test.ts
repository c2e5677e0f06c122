import { conferenceCalls } from '../../harness/calls';
import { callbacksIdle, counters, invoke, syncDocument } from '../../harness/functions';
import { useStack } from '../../harness/stack';

const stack = useStack();

/**
 * A conference recorded from the start, whose recording status callbacks reach the Functions: two calls,
 * since Twilio starts a conference (and its recording) only once two participants are bridged
 * (twilio.com/docs/voice/twiml/conference).
 */
async function recordedConference(room: string) {
  const callbackUrl = `http://localhost:${new URL(stack.fx.url).port}/callbacks/recording-status`;
  const calls = await conferenceCalls(stack.em.client, room, callbackUrl);
  const [conference] = await stack.em.client.conferences.list({ friendlyName: room, status: 'in-progress' });
  await callbacksIdle(stack.em);
  const [recording] = await stack.em.client.conferences(conference.sid).recordings.list();
  return { calls, conferenceSid: conference.sid, recordingSid: recording.sid };
}

/** Both calls hang up: the last one out ends the conference. */
const hangUp = (calls: Array<{ sid: string }>) =>
  Promise.all(calls.map((c) => stack.em.client.calls(c.sid).update({ status: 'completed' })));

test('pause and resume the recording Sync learned from the callbacks; the conference ending completes it', async () => {
  const { calls, conferenceSid, recordingSid } = await recordedConference('pci-1');
  expect((await syncDocument(stack.em, conferenceSid))?.recordings[recordingSid]).toMatchObject({
    status: 'in-progress',
    source: 'Conference',
  });

  const pause = await invoke(stack.fx, '/conference/recording/set-status', {
    ConferenceSid: conferenceSid,
    Status: 'pause',
    PauseBehavior: 'skip',
  });
  expect(pause).toMatchObject({ status: 200, body: { conferenceSid, recordingSid, status: 'paused' } });
  expect((await stack.em.client.conferences(conferenceSid).recordings(recordingSid).fetch()).status).toBe('paused');
  expect((await invoke(stack.fx, '/recording/status', { ConferenceSid: conferenceSid })).body).toMatchObject({
    status: 'paused',
    conferenceSid,
  });

  const resume = await invoke(stack.fx, '/conference/recording/set-status', {
    ConferenceSid: conferenceSid,
    Status: 'in-progress',
  });
  expect(resume.body).toMatchObject({ status: 'in-progress' });

  // Paused again when the conference ends: Sync's pause is checked with Twilio, which reads `processing`
  // (OpenAPI recording status enum) until it is completed; the toolkit keeps that as `stopped`.
  await invoke(stack.fx, '/conference/recording/set-status', { ConferenceSid: conferenceSid, Status: 'pause' });
  await hangUp(calls);
  expect((await stack.em.client.conferences(conferenceSid).recordings(recordingSid).fetch()).status).toBe('processing');
  expect((await invoke(stack.fx, '/recording/status', { ConferenceSid: conferenceSid })).body).toMatchObject({
    status: 'not-recording',
    checkedWithTwilio: true,
    recordings: [expect.objectContaining({ recordingSid, status: 'stopped' })],
  });
  await callbacksIdle(stack.em); // processed, and its `completed` callback answered
  expect((await syncDocument(stack.em, conferenceSid))?.recordings[recordingSid]).toMatchObject({
    status: 'completed',
    duration: expect.any(Number),
  });
  const late = await invoke(stack.fx, '/conference/recording/set-status', {
    ConferenceSid: conferenceSid,
    Status: 'paused',
  });
  expect(late).toMatchObject({ status: 409, body: { error: { code: 'NOT_IN_PROGRESS', twilioCode: 21220 } } }); // the conference is over
});

// help center "Getting Started with Recording Status Callbacks": a silent recording ends Absent, error 16102.
test('a silent conference: its recording ends absent (16102), which Sync keeps as final', async () => {
  const { calls, conferenceSid, recordingSid } = await recordedConference('pci-silent');
  for (const c of calls) await stack.em.control('POST', `/calls/${c.sid}/audio`, { silent: true });
  await hangUp(calls);
  await callbacksIdle(stack.em);
  expect(await stack.em.client.conferences(conferenceSid).recordings(recordingSid).fetch()).toMatchObject({
    status: 'absent',
    errorCode: 16102,
  });
  expect((await syncDocument(stack.em, conferenceSid))?.recordings[recordingSid]).toMatchObject({ status: 'absent' });
  expect((await invoke(stack.fx, '/recording/status', { ConferenceSid: conferenceSid })).body).toMatchObject({
    status: 'not-recording',
    activeRecordingSids: [],
  });
});

test('without Sync knowing anything, All=true asks Twilio for the active recordings', async () => {
  const calls = await conferenceCalls(stack.em.client, 'pci-2'); // no callback: Sync knows nothing
  const [conference] = await stack.em.client.conferences.list({ friendlyName: 'pci-2' });
  const res = await invoke(stack.fx, '/conference/recording/set-status', {
    ConferenceSid: conference.sid,
    Status: 'paused',
    All: 'true',
  });
  const recordings = await stack.em.client.conferences(conference.sid).recordings.list();
  expect(recordings.map((r) => r.status)).toEqual(['paused']);
  const [{ sid }] = recordings;
  expect(res).toMatchObject({
    status: 200,
    body: { conferenceSid: conference.sid, status: 'paused', recordings: [{ recordingSid: sid, status: 'paused' }] },
  });
  expect((await syncDocument(stack.em, conference.sid))?.recordings[sid]?.status).toBe('paused');
  await hangUp(calls);
});

test('an unknown conference is 404; a stop is refused before any Twilio request', async () => {
  const unknown = await invoke(stack.fx, '/conference/recording/set-status', {
    ConferenceSid: 'CF' + '1'.repeat(32),
    Status: 'paused',
    RecordingSid: 'RE' + '2'.repeat(32),
  });
  expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND', twilioCode: 20404 } } });
  const before = await counters(stack.em);
  const stop = await invoke(stack.fx, '/conference/recording/set-status', {
    ConferenceSid: 'CF' + '1'.repeat(32),
    Status: 'stop',
  });
  expect(stop).toMatchObject({ status: 400, body: { error: { code: 'NOT_SUPPORTED_FOR_CONFERENCES' } } });
  // The emulator saw no request for it.
  expect((await counters(stack.em)).total).toBe(before.total);
});
