import { conferenceTwiml, newCall } from '../../harness/calls';
import { callbacksIdle, invoke, syncDocument } from '../../harness/functions';
import { useStack } from '../../harness/stack';

const stack = useStack();

/** A conference recorded from the start, whose recording status callbacks reach the Functions. */
async function recordedConference(room: string) {
  const callbackUrl = `http://localhost:${new URL(stack.fx.url).port}/callbacks/recording-status`;
  const call = await newCall(stack.em.client, conferenceTwiml(room, callbackUrl));
  const [conference] = await stack.em.client.conferences.list({ friendlyName: room, status: 'in-progress' });
  await callbacksIdle(stack.em);
  const [recording] = await stack.em.client.conferences(conference.sid).recordings.list();
  return { call, conferenceSid: conference.sid, recordingSid: recording.sid };
}

test('pause and resume the recording Sync learned from the callbacks; the conference ending completes it', async () => {
  const { call, conferenceSid, recordingSid } = await recordedConference('pci-1');
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

  await stack.em.client.calls(call.sid).update({ status: 'completed' });
  await callbacksIdle(stack.em);
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

test('without Sync knowing anything, All=true asks Twilio for the active recordings', async () => {
  const call = await newCall(stack.em.client, conferenceTwiml('pci-2')); // no callback: Sync knows nothing
  const [conference] = await stack.em.client.conferences.list({ friendlyName: 'pci-2' });
  const res = await invoke(stack.fx, '/conference/recording/set-status', {
    ConferenceSid: conference.sid,
    Status: 'paused',
    All: 'true',
  });
  expect(res).toMatchObject({ status: 200, body: { status: 'paused' } });
  expect(await syncDocument(stack.em, conference.sid)).toMatchObject({ sid: conference.sid });
  await stack.em.client.calls(call.sid).update({ status: 'completed' });
});

test('an unknown conference is 404; stop and start are refused before any Twilio request', async () => {
  const unknown = await invoke(stack.fx, '/conference/recording/set-status', {
    ConferenceSid: 'CF' + '1'.repeat(32),
    Status: 'paused',
    RecordingSid: 'RE' + '2'.repeat(32),
  });
  expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND', twilioCode: 20404 } } });
  const stop = await invoke(stack.fx, '/conference/recording/set-status', {
    ConferenceSid: 'CF' + '1'.repeat(32),
    Status: 'stop',
  });
  expect(stop).toMatchObject({ status: 400, body: { error: { code: 'NOT_SUPPORTED_FOR_CONFERENCES' } } });
});
