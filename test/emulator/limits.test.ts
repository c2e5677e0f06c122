// Account limits the control surface can switch on: a cap on concurrent requests, what Twilio.CURRENT
// answers with nothing recording, and the request log that shows requests overlapping in time.
import { heldRequests, servedRequests } from '../../harness/functions';
import { newCall } from '../../harness/calls';
import { startEmulator, type RunningEmulator } from '../../harness/stack';

let em: RunningEmulator;
beforeAll(async () => (em = await startEmulator()));
afterAll(() => em.close());
afterEach(() => em.control('POST', '/reset'));

const requests = () => servedRequests(em);

// twilio.com/docs/api/errors/20429: never processed, safe to retry after "a short period"; no Retry-After named.
test('over the concurrency cap a request is refused with 429 and 20429, without Retry-After; under it, served', async () => {
  const call = await newCall(em.client);
  expect(await em.control('POST', '/limits', { concurrentRequests: 2 })).toMatchObject({ concurrentRequests: 2 });
  // Two requests held in flight while a third arrives.
  await em.control('POST', '/faults', { kind: 'hold', count: 2 });
  const slow = [em.client.calls(call.sid).fetch(), em.client.calls(call.sid).fetch()];
  await heldRequests(em, 2);
  const res = await em.client.request({ method: 'get', uri: `https://api.twilio.com${call.uri}` });
  await em.control('POST', '/held/release');
  expect(res.statusCode).toBe(429);
  expect(res.body).toMatchObject({ code: 20429, status: 429 });
  expect(res.headers['retry-after']).toBeUndefined();
  await expect(Promise.all(slow)).resolves.toHaveLength(2);
  await expect(em.client.calls(call.sid).fetch()).resolves.toMatchObject({ sid: call.sid });
});

test('the request log shows method, route template, path, status and overlapping times; reset clears it', async () => {
  await em.control('POST', '/faults', { kind: 'latency', ms: 200, count: 2 });
  await Promise.all([em.client.calls.list(), em.client.conferences.list()]);
  const [a, b] = await requests();
  expect(a).toMatchObject({
    method: 'GET',
    route: expect.stringMatching(/^\/2010-04-01\/Accounts\/:AccountSid\/(Calls|Conferences)\.json$/),
    status: 200,
  });
  expect(a.path).toMatch(/^\/2010-04-01\/Accounts\/AC\w+\/(Calls|Conferences)\.json$/);
  expect(a.startedAt).toBeLessThan(b.endedAt);
  expect(b.startedAt).toBeLessThan(a.endedAt);
  expect(a.endedAt - a.startedAt).toBeGreaterThanOrEqual(190);
  await em.control('POST', '/reset');
  expect(await requests()).toEqual([]);
});

test.each([
  ['404', { status: 404, code: 20404 }],
  ['21220', { status: 400, code: 21220 }],
])('Twilio.CURRENT with no active recording answers as set: %s', async (setting, answer) => {
  await em.control('POST', '/limits', { currentWithNoActiveRecording: setting });
  const call = await newCall(em.client);
  await expect(
    em.client.calls(call.sid).recordings('Twilio.CURRENT').update({ status: 'paused' }),
  ).rejects.toMatchObject(answer);
  // With one recording the setting does not matter.
  const rec = await em.client.calls(call.sid).recordings.create();
  expect((await em.client.calls(call.sid).recordings('Twilio.CURRENT').update({ status: 'paused' })).sid).toBe(rec.sid);
});

test('bad limits are refused and change nothing', async () => {
  expect(await em.refusal('POST', '/limits', { currentWithNoActiveRecording: '500' })).toMatchObject({
    error: { code: 'INVALID_SETTING' },
  });
  expect(await em.refusal('POST', '/limits', { concurrentRequests: 1.5 })).toMatchObject({
    error: { message: expect.stringContaining('whole number') },
  });
  expect(await em.refusal('POST', '/limits', { syncWritesPerSecond: -1 })).toMatchObject({
    error: { code: 'INVALID_SETTING' },
  });
  expect(await em.control('POST', '/limits', {})).toEqual({
    concurrentRequests: 0,
    currentWithNoActiveRecording: '404',
    syncWritesPerSecond: 20,
    syncLargeWritesPerSecond: 2,
    syncReadsPerSecond: 20,
    syncCreationsPerSecond: 20,
    syncBurstWindowSeconds: 10,
    minRecordingMs: 0,
  });
});
