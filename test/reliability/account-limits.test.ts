// The Functions under the account limits the emulator can enforce: a cap on concurrent requests (they
// retry with backoff and succeed), and both answers of Twilio.CURRENT with nothing recording.
import { invoke, servedRequests } from '../../harness/functions';
import { newCall } from '../../harness/calls';
import { useStack } from '../../harness/stack';

const stack = useStack();
afterEach(() => stack.em.control('POST', '/limits', { concurrentRequests: 0, currentWithNoActiveRecording: '404' }));

test('with a cap of 3 concurrent requests, 6 starts at once all succeed: refused requests are retried', async () => {
  const calls = await Promise.all(Array.from({ length: 6 }, () => newCall(stack.em.client)));
  await stack.em.control('POST', '/limits', { concurrentRequests: 3 });
  const since = performance.timeOrigin + performance.now();
  // Each served request is held a little, so that starts really overlap.
  await stack.em.control('POST', '/faults', { kind: 'latency', ms: 20, count: 1000 });
  const answers = await Promise.all(calls.map((c) => invoke(stack.fx, '/recording/start', { CallSid: c.sid })));
  await stack.em.control('DELETE', '/faults');
  expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
  const requests = (await servedRequests(stack.em)).filter((r) => r.startedAt > since);
  expect(requests.filter((r) => r.status === 429).length).toBeGreaterThan(0);
  // Never more than three requests were being served at once, and three at times.
  const edges = requests
    .filter((r) => r.status !== 429)
    .flatMap((r) => [[r.startedAt, 1] as const, [r.endedAt, -1] as const])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let inFlight = 0;
  let most = 0;
  for (const [, change] of edges) most = Math.max(most, (inFlight += change));
  expect(most).toBe(3);
});

// Twilio does not document what Twilio.CURRENT answers with nothing recording; the toolkit must answer
// NO_ACTIVE_RECORDING either way, asking the call's status only once Twilio refused.
test.each(['404', '21220'])(
  'Twilio.CURRENT answering %s with nothing recording: 409 NO_ACTIVE_RECORDING',
  async (setting) => {
    await stack.em.control('POST', '/limits', { currentWithNoActiveRecording: setting });
    const call = await newCall(stack.em.client);
    const res = await invoke<{ error: { code: string } }>(stack.fx, '/recording/set-status', {
      CallSid: call.sid,
      Status: 'paused',
    });
    expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 409, code: 'NO_ACTIVE_RECORDING' });
  },
);

test('on a call that is not in progress, both settings answer NOT_IN_PROGRESS', async () => {
  for (const setting of ['404', '21220']) {
    await stack.em.control('POST', '/limits', { currentWithNoActiveRecording: setting });
    const call = await newCall(stack.em.client);
    await stack.em.client.calls(call.sid).update({ status: 'completed' });
    const res = await invoke<{ error: { code: string } }>(stack.fx, '/recording/set-status', {
      CallSid: call.sid,
      Status: 'paused',
    });
    expect({ setting, status: res.status, code: res.body.error.code }).toEqual({
      setting,
      status: 409,
      code: 'NOT_IN_PROGRESS',
    });
  }
});
