// A recording's end as Twilio gives it: stopped, `processing`, then `completed`, or `absent` when too short
// (16101) or silent (16102); a bad status callback URL or event is a warning, not a refusal.
import { newCall } from '../../harness/calls';
import { useEmulatorWithStatusCallbacks } from '../../harness/webhooks';

const stack = useEmulatorWithStatusCallbacks();

const idle = () => stack.em.control('GET', '/callbacks/idle');
const statuses = (sid: string) =>
  stack.app.received
    .filter((r) => r.params.RecordingSid === sid)
    .map((r) => [r.params.RecordingStatus, r.params.ErrorCode]);
const ALL_EVENTS = ['in-progress', 'completed', 'absent'];

// OpenAPI (recording status enum: ... stopped, processing, completed, absent); help center "Getting Started
// with Recording Status Callbacks": Completed fires once processing has finished.
test('a stopped recording is processing for the time set, and its completed callback comes after', async () => {
  expect(await stack.em.control('POST', '/settings', { recordingProcessingMs: 600 })).toMatchObject({
    recordingProcessingMs: 600,
  });
  const call = await newCall(stack.em.client);
  const rec = await stack.em.client.calls(call.sid).recordings.create({
    recordingStatusCallback: `${stack.app.url}/status`,
    recordingStatusCallbackEvent: ALL_EVENTS,
  });
  const stopped = Date.now();
  expect((await stack.em.client.calls(call.sid).recordings(rec.sid).update({ status: 'stopped' })).status).toBe(
    'stopped',
  );
  await new Promise((r) => setTimeout(r, 300));
  expect(await stack.em.client.calls(call.sid).recordings(rec.sid).fetch()).toMatchObject({
    status: 'processing',
    duration: '-1',
  });
  await idle();
  expect(Date.now() - stopped).toBeGreaterThanOrEqual(550);
  expect(statuses(rec.sid)).toEqual([
    ['in-progress', '0'],
    ['completed', '0'],
  ]);
  expect((await stack.em.client.calls(call.sid).recordings(rec.sid).fetch()).status).toBe('completed');
});

// twilio.com/docs/api/errors/16101 ("duration was shorter than the minimum required duration"; Twilio
// publishes no number, so the emulator's minimum is set, not assumed).
test('a recording that kept less audio than the minimum set ends absent with 16101; a long enough one completes', async () => {
  await stack.em.control('POST', '/limits', { minRecordingMs: 1000 });
  const call = await newCall(stack.em.client);
  const asked = { recordingStatusCallback: `${stack.app.url}/status`, recordingStatusCallbackEvent: ALL_EVENTS };
  const short = await stack.em.client.calls(call.sid).recordings.create(asked);
  await stack.em.client.calls(call.sid).recordings(short.sid).update({ status: 'stopped' });
  const long = await stack.em.client.calls(call.sid).recordings.create(asked);
  await stack.em.control('POST', '/clock', { advanceMs: 1500 }); // the kept audio is counted on the emulator's clock
  await stack.em.client.calls(call.sid).update({ status: 'completed' });
  await idle();
  expect(statuses(short.sid)).toEqual([
    ['in-progress', '0'],
    ['absent', '16101'],
  ]);
  expect(await stack.em.client.calls(call.sid).recordings(short.sid).fetch()).toMatchObject({
    status: 'absent',
    errorCode: 16101,
  });
  expect(statuses(long.sid)).toEqual([
    ['in-progress', '0'],
    ['completed', '0'],
  ]);
});

// help center "Getting Started with Recording Status Callbacks": silent recordings are Absent, error 16102.
test('the recording of a call marked silent ends absent with 16102', async () => {
  const call = await newCall(stack.em.client);
  expect(await stack.em.control('POST', `/calls/${call.sid}/audio`, { silent: true })).toEqual({
    sid: call.sid,
    silent: true,
  });
  expect(await stack.em.refusal('POST', `/calls/${call.sid}/audio`, { silent: 'yes' })).toMatchObject({
    error: { code: 'INVALID_REQUEST' },
  });
  const rec = await stack.em.client.calls(call.sid).recordings.create({
    recordingStatusCallback: `${stack.app.url}/status`,
    recordingStatusCallbackEvent: ['absent'],
  });
  await stack.em.client.calls(call.sid).update({ status: 'completed' });
  await idle();
  expect(statuses(rec.sid)).toEqual([['absent', '16102']]);
});

// twilio.com/docs/api/errors/13256 ("the recording will be processed, but status notifications will not be
// sent") and 13621 (an invalid recordingStatusCallbackEvent): warnings in the debugger, not refusals.
test.each([
  ['a URL that is not absolute', { recordingStatusCallback: '/status' }, '13256'],
  ['an unknown event', { recordingStatusCallbackEvent: ['in-progress', 'paused'] }, '13621'],
])('%s: the recording starts and goes on without callbacks; Twilio warns (%s)', async (_what, bad, code) => {
  const call = await newCall(stack.em.client);
  const rec = await stack.em.client.calls(call.sid).recordings.create({
    recordingStatusCallback: `${stack.app.url}/status`,
    recordingStatusCallbackEvent: ALL_EVENTS,
    ...bad,
  });
  expect(rec.status).toBe('in-progress');
  await stack.em.client.calls(call.sid).update({ status: 'completed' });
  await idle();
  expect(statuses(rec.sid)).toEqual([]);
  expect((await stack.em.client.calls(call.sid).recordings(rec.sid).fetch()).status).toBe('completed');
  const { alerts } = await stack.em.control<{ alerts: Array<Record<string, string>> }>(
    'GET',
    `/alerts?resourceSid=${rec.sid}`,
  );
  expect(alerts).toEqual([expect.objectContaining({ error_code: code, log_level: 'warning', resource_sid: rec.sid })]);
});

test('a bad callback method is still refused, as every enum parameter is', async () => {
  const call = await newCall(stack.em.client);
  await expect(
    stack.em.client.calls(call.sid).recordings.create({
      recordingStatusCallback: `${stack.app.url}/status`,
      recordingStatusCallbackMethod: 'PUT',
    }),
  ).rejects.toMatchObject({ status: 400, message: expect.stringContaining('RecordingStatusCallbackMethod') });
});
