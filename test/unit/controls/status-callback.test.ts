// Twilio's recording status callbacks in-process: signed ones keep Sync and the evidence true, in any
// order; an unsigned one is refused before anything is written.
import twilio from 'twilio';
import { newCall } from '../../../harness/calls';
import { evidenceEntries, servedRequests, syncDocument } from '../../../harness/functions';
import { errorCodeOf, runFunction, useInProcessEmulator } from '../../../harness/in-process';
import { AUTH_TOKEN } from '../../../harness/stack';

const stack = useInProcessEmulator();
const URL = 'http://127.0.0.1:3000/callbacks/recording-status';

const callback = (params: Record<string, string>, signed = true) =>
  runFunction(stack.em, '/callbacks/recording-status', params, {
    headers: signed ? { 'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, URL, params) } : {},
  });

async function recorded() {
  const call = await newCall(stack.em.client);
  const rec = await stack.em.client.calls(call.sid).recordings.create();
  return { callSid: call.sid, recordingSid: rec.sid };
}

test('in-progress then completed: Sync follows, each callback is evidence', async () => {
  const { callSid, recordingSid } = await recorded();
  const base = { CallSid: callSid, RecordingSid: recordingSid, AccountSid: 'AC00000000000000000000000000000000' };
  expect((await callback({ ...base, RecordingStatus: 'in-progress' })).statusCode).toBe(204);
  expect((await syncDocument(stack.em, callSid))?.recordings[recordingSid].status).toBe('in-progress');
  expect(
    (await callback({ ...base, RecordingStatus: 'completed', RecordingDuration: '12', RecordingChannels: '2' }))
      .statusCode,
  ).toBe(204);
  expect((await syncDocument(stack.em, callSid))?.recordings[recordingSid]).toMatchObject({
    status: 'completed',
    duration: 12,
    channels: 2,
  });
  expect((await evidenceEntries(stack.em, callSid)).map((e) => [e.source, e.status, e.by])).toEqual([
    ['callback', 'in-progress', 'twilio'],
    ['callback', 'completed', 'twilio'],
  ]);
});

test('a late in-progress after completed never revives the recording', async () => {
  const { callSid, recordingSid } = await recorded();
  const base = { CallSid: callSid, RecordingSid: recordingSid };
  await callback({ ...base, RecordingStatus: 'completed' });
  await callback({ ...base, RecordingStatus: 'in-progress' });
  expect((await syncDocument(stack.em, callSid))?.recordings[recordingSid].status).toBe('completed');
});

test('unsigned, or signed with another token: 403 INVALID_SIGNATURE, nothing read or written', async () => {
  const { callSid, recordingSid } = await recorded();
  const params = { CallSid: callSid, RecordingSid: recordingSid, RecordingStatus: 'completed' };
  const mark = (await servedRequests(stack.em)).length;
  const unsigned = await callback(params, false);
  expect([unsigned.statusCode, errorCodeOf(unsigned)]).toEqual([403, 'INVALID_SIGNATURE']);
  const forged = await runFunction(stack.em, '/callbacks/recording-status', params, {
    headers: { 'x-twilio-signature': twilio.getExpectedTwilioSignature('another-token', URL, params) },
  });
  expect([forged.statusCode, errorCodeOf(forged)]).toEqual([403, 'INVALID_SIGNATURE']);
  expect((await servedRequests(stack.em)).slice(mark)).toEqual([]);
});

test('neither CallSid nor ConferenceSid: 400 MISSING_PARAMETER', async () => {
  const answer = await callback({ RecordingSid: 'RE' + '0'.repeat(32), RecordingStatus: 'completed' });
  expect([answer.statusCode, errorCodeOf(answer)]).toEqual([400, 'MISSING_PARAMETER']);
});
