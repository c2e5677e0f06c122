// A control Function's handler run in-process as twilio-run runs it (its context, the global Twilio, the
// event it builds), against the emulator: parameters checked before any Twilio request, JSON for Studio
// and HTTP, TwiML that sends a TwiML caller on whatever happened.
import { newCall } from '../../../harness/calls';
import { servedRequests } from '../../../harness/functions';
import { errorCodeOf, runFunction, useInProcessEmulator } from '../../../harness/in-process';

const stack = useInProcessEmulator();
const run = (params: Record<string, unknown>) => runFunction(stack.em, '/recording/set-status', params);
const codeOf = errorCodeOf;

test('a bad parameter is refused with 400 and its JSON code before any request reaches Twilio', async () => {
  const before = (await servedRequests(stack.em)).length;
  const answer = await run({ CallSid: 'CA123', Status: 'paused' });
  expect(answer.statusCode).toBe(400);
  expect(answer.body).toEqual({
    error: {
      code: 'INVALID_PARAMETER',
      message: 'CallSid must be a Call SID: CA and 32 lowercase hexadecimal digits',
    },
  });
  expect((await servedRequests(stack.em)).length).toBe(before);
  const missing = await run({ Status: 'paused' });
  expect([missing.statusCode, codeOf(missing)]).toEqual([400, 'MISSING_PARAMETER']);
  const twice = await run({ CallSid: ['CA' + '0'.repeat(32), 'CA' + '1'.repeat(32)], Status: 'paused' });
  expect([twice.statusCode, codeOf(twice)]).toEqual([400, 'INVALID_PARAMETER']);
  const behaviour = await run({ CallSid: 'CA' + '0'.repeat(32), Status: 'resume', PauseBehavior: 'skip' });
  expect(behaviour.body).toEqual({
    error: { code: 'INVALID_PARAMETER', message: 'PauseBehavior applies only when Status is paused' },
  });
  expect((await servedRequests(stack.em)).length).toBe(before);
});

test('a pause answers JSON naming the recording, its status and the Sync outcome; the history names the flow', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  const recording = await em.client.calls(call.sid).recordings.create();
  const flow = 'FW' + 'a'.repeat(32);
  const answer = await run({ CallSid: call.sid, Status: 'pause', PauseBehavior: 'skip', FlowSid: flow });
  expect(answer.statusCode).toBe(200);
  expect(answer.body).toEqual({
    callSid: call.sid,
    recordingSid: recording.sid,
    status: 'paused',
    recordings: [{ recordingSid: recording.sid, status: 'paused' }],
    synced: true,
  });
  const state = await em.client.sync.v1
    .services('default')
    .syncMaps(`recording-controls-${call.sid}`)
    .syncMapItems('state')
    .fetch();
  expect((state.data as { history: Array<{ by: string; action: string }> }).history).toEqual([
    expect.objectContaining({ by: `studio:${flow}`, action: 'paused (skip)', recordingSid: recording.sid }),
  ]);
});

test('with Next, TwiML redirects the call on: plainly on success, with error=CODE on failure', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  // No recording: the control fails, the call still moves on.
  const failed = await run({ CallSid: call.sid, Status: 'paused', Next: '/after-pause?step=2' });
  expect(failed.toString()).toBe(
    '<?xml version="1.0" encoding="UTF-8"?><Response><Redirect method="POST">/after-pause?step=2&amp;error=NO_ACTIVE_RECORDING</Redirect></Response>',
  );
  await em.client.calls(call.sid).recordings.create();
  const done = await run({ CallSid: call.sid, Status: 'paused', Next: '/after-pause' });
  expect(done.toString()).toBe(
    '<?xml version="1.0" encoding="UTF-8"?><Response><Redirect method="POST">/after-pause</Redirect></Response>',
  );
  const badNext = await run({ CallSid: call.sid, Status: 'paused', Next: '/\\evil.example' });
  expect([badNext.statusCode, codeOf(badNext)]).toEqual([400, 'INVALID_PARAMETER']);
});
