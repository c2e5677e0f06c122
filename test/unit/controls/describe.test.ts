// /recording/status in-process: from Sync alone while Sync says recording; a pause Sync claims is checked
// with Twilio, and Twilio's answer is what the flow gets and what Sync is told.
import { newCall } from '../../../harness/calls';
import { servedRequests, syncDocument } from '../../../harness/functions';
import { errorCodeOf, runFunction, useInProcessEmulator } from '../../../harness/in-process';

const stack = useInProcessEmulator();
const status = (params: Record<string, unknown>, env = {}) =>
  runFunction(stack.em, '/recording/status', params, { env });
const voiceRequests = async (mark: number) =>
  (await servedRequests(stack.em)).slice(mark).filter((r) => r.path.startsWith('/2010-04-01/'));

test('a call Sync never heard of: not recording, unknown, Twilio not asked', async () => {
  const call = await newCall(stack.em.client);
  const mark = (await servedRequests(stack.em)).length;
  const answer = await status({ CallSid: call.sid });
  expect(answer.statusCode).toBe(200);
  expect(answer.body).toEqual({
    callSid: call.sid,
    status: 'not-recording',
    recording: false,
    paused: false,
    known: false,
    checkedWithTwilio: false,
    activeRecordingSids: [],
    recordings: [],
    history: [],
  });
  expect(await voiceRequests(mark)).toEqual([]);
});

test('recording per Sync: answered from Sync alone', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  const rec = await em.client.calls(call.sid).recordings.create();
  await runFunction(em, '/recording/set-status', { CallSid: call.sid, Status: 'in-progress' });
  const mark = (await servedRequests(em)).length;
  const answer = await status({ CallSid: call.sid });
  expect(answer.body).toMatchObject({
    status: 'recording',
    recording: true,
    paused: false,
    known: true,
    checkedWithTwilio: false,
    activeRecordingSids: [rec.sid],
  });
  expect(await voiceRequests(mark)).toEqual([]);
});

test('a pause Sync claims is checked with Twilio: resumed behind its back, the answer is recording, and Sync is told', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  const rec = await em.client.calls(call.sid).recordings.create();
  await runFunction(em, '/recording/set-status', { CallSid: call.sid, Status: 'paused' });
  expect((await status({ CallSid: call.sid })).body).toMatchObject({
    status: 'paused',
    paused: true,
    checkedWithTwilio: true,
    pausedSince: expect.any(String),
    pauseAlert: false,
  });
  // Resumed directly on Twilio: Sync still says paused.
  await em.client.calls(call.sid).recordings(rec.sid).update({ status: 'in-progress' });
  expect((await syncDocument(em, call.sid))?.recordings[rec.sid].status).toBe('paused');
  const answer = await status({ CallSid: call.sid });
  expect(answer.body).toMatchObject({
    status: 'recording',
    recording: true,
    paused: false,
    checkedWithTwilio: true,
    activeRecordingSids: [rec.sid],
  });
  expect((await syncDocument(em, call.sid))?.recordings[rec.sid].status).toBe('in-progress');
});

test('a pause past PAUSE_ALERT_SECONDS is flagged; exactly one of CallSid and ConferenceSid', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  await em.client.calls(call.sid).recordings.create();
  await runFunction(em, '/recording/set-status', { CallSid: call.sid, Status: 'paused' });
  await new Promise((r) => setTimeout(r, 1100));
  expect((await status({ CallSid: call.sid }, { PAUSE_ALERT_SECONDS: '1' })).body).toMatchObject({
    paused: true,
    pauseAlert: true,
  });
  const both = await status({ CallSid: call.sid, ConferenceSid: 'CF' + '0'.repeat(32) });
  expect([both.statusCode, errorCodeOf(both)]).toEqual([400, 'INVALID_PARAMETER']);
  const neither = await status({});
  expect([neither.statusCode, errorCodeOf(neither)]).toEqual([400, 'INVALID_PARAMETER']);
});
