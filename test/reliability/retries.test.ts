// Twilio's real failure modes, injected by the emulator: every control holds up or fails clearly, in time.
import { EvidenceLog } from '../../lib/sync/evidence-log';
import { newCall } from '../../harness/calls';
import { counters, invoke, syncDocument } from '../../harness/functions';
import { startFunctions, useStack } from '../../harness/stack';

const stack = useStack();
afterEach(() => stack.em.control('DELETE', '/faults'));

const CREATE = 'POST /2010-04-01/Accounts/:AccountSid/Calls/:CallSid/Recordings.json';
const UPDATE = 'POST /2010-04-01/Accounts/:AccountSid/Calls/:CallSid/Recordings/:Sid.json';
/** Faults answer before routing, so the counters file them apart. */
const FAULTED = 'POST (no route)';
const routeCount = async (route: string) => (await counters(stack.em)).routes[route] ?? 0;

test('429 with Retry-After: the control waits and succeeds', async () => {
  const call = await newCall(stack.em.client);
  await stack.em.control('POST', '/faults', { kind: '429', count: 2, retryAfter: 1, match: '/Recordings' });
  const started = Date.now();
  const res = await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  expect(res).toMatchObject({ status: 200, body: { created: true } });
  expect(Date.now() - started).toBeGreaterThanOrEqual(2000); // honoured both Retry-After waits
});

test('a 5xx on a pause: never sent again (Twilio may have made it), read back, and answered as Twilio says', async () => {
  const call = await newCall(stack.em.client);
  await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  const [updates, faulted] = [await routeCount(UPDATE), await routeCount(FAULTED)];
  await stack.em.control('POST', '/faults', { kind: '500', count: 2, match: '/Recordings/' });
  const refused = await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'paused' });
  expect(refused).toMatchObject({ status: 502, body: { error: { code: 'TWILIO_UNAVAILABLE' } } });
  expect((await routeCount(FAULTED)) - faulted).toBe(1); // the fault fired, once: no second attempt
  expect((await routeCount(UPDATE)) - updates).toBe(0);
  expect((await stack.em.client.calls(call.sid).recordings.list())[0].status).toBe('in-progress');
  expect(Object.values((await syncDocument(stack.em, call.sid))!.recordings)[0].status).toBe('in-progress');
  await stack.em.control('DELETE', '/faults');

  // The same after the work: the read-back shows the pause, so the control is answered as done.
  await stack.em.control('POST', '/faults', { kind: '500-after', count: 1, match: '/Recordings/', method: 'POST' });
  const done = await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'paused' });
  expect(done).toMatchObject({ status: 200, body: { status: 'paused', synced: true } });
  expect((await routeCount(UPDATE)) - updates).toBe(1);
  const log = await new EvidenceLog(stack.em.client, { serviceSid: 'default', ttlSeconds: 600 }).readAll(call.sid);
  expect(log.map((e) => [e.source, e.status])).toEqual(
    expect.arrayContaining([
      ['control', 'error'],
      ['read-back', 'in-progress'],
      ['read-back', 'paused'],
    ]),
  );
});

test('an ambiguous 500 after creating: start adopts the recording it made, never a second', async () => {
  const call = await newCall(stack.em.client);
  await stack.em.control('POST', '/faults', {
    kind: '500-after',
    count: 1,
    method: 'POST',
    match: `/Calls/${call.sid}/Recordings.json`,
  });
  const res = await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  expect(res).toMatchObject({ status: 200, body: { created: false, status: 'in-progress' } });
  const recordings = await stack.em.client.calls(call.sid).recordings.list();
  expect(recordings).toHaveLength(1);
  expect(res.body.recordingSid).toBe(recordings[0].sid);
  expect((await syncDocument(stack.em, call.sid))?.recordings[recordings[0].sid].status).toBe('in-progress');
});

test('a 500 on create before any work: start looks again, finds nothing, and creates once', async () => {
  const call = await newCall(stack.em.client);
  const before = await routeCount(CREATE);
  await stack.em.control('POST', '/faults', {
    kind: '500',
    count: 1,
    method: 'POST',
    match: `/Calls/${call.sid}/Recordings.json`,
  });
  const res = await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  expect(res.body).toMatchObject({ created: true });
  expect((await routeCount(CREATE)) - before).toBe(1);
  expect(await stack.em.client.calls(call.sid).recordings.list()).toHaveLength(1);
});

test('Twilio answering 429 for good: a clear 503 well inside the 10 s Function limit, and no Sync write', async () => {
  const call = await newCall(stack.em.client);
  await stack.em.control('POST', '/faults', { kind: '429', count: 1000, retryAfter: 1, match: '/Recordings' });
  const started = Date.now();
  const res = await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  const took = Date.now() - started;
  expect(res).toMatchObject({ status: 503, body: { error: { code: 'TWILIO_RATE_LIMITED', twilioCode: 20429 } } });
  expect(took).toBeLessThan(9000);
  expect(await syncDocument(stack.em, call.sid)).toBeUndefined();
});

test('16114 (recording busy): a pause is retried past its fence, a resume never; a 404 is not retried', async () => {
  const call = await newCall(stack.em.client);
  await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  const faulted = await routeCount(FAULTED);
  await stack.em.control('POST', '/faults', { kind: '16114', count: 2, match: '/Recordings/' });
  expect((await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'paused' })).body).toMatchObject(
    { status: 'paused' },
  );
  expect((await routeCount(FAULTED)) - faulted).toBe(2);
  expect((await stack.em.client.calls(call.sid).recordings.list())[0].status).toBe('paused');
  // A resume sent again could undo a pause sent meanwhile from another instance: it is answered at once.
  await stack.em.control('POST', '/faults', { kind: '16114', count: 1, match: '/Recordings/' });
  const resume = await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'resume' });
  expect(resume).toMatchObject({ status: 503, body: { error: { code: 'RECORDING_BUSY' } } });
  expect((await routeCount(FAULTED)) - faulted).toBe(3);
  expect((await stack.em.client.calls(call.sid).recordings.list())[0].status).toBe('paused');
  const before = await routeCount(UPDATE);
  const res = await invoke(stack.fx, '/recording/set-status', {
    CallSid: call.sid,
    Status: 'paused',
    RecordingSid: 'RE' + '0'.repeat(32),
  });
  expect(res.status).toBe(404);
  expect((await routeCount(UPDATE)) - before).toBe(1);
});

test('Twilio unreachable: retried within the budget, then a clear 502, and no Sync write', async () => {
  const closed = await startFunctions('http://127.0.0.1:9'); // nothing listens on port 9
  try {
    const call = await newCall(stack.em.client);
    const started = Date.now();
    const res = await invoke(closed, '/recording/start', { CallSid: call.sid });
    expect(res).toMatchObject({ status: 502, body: { error: { code: 'TWILIO_UNREACHABLE' } } });
    expect(Date.now() - started).toBeLessThan(9000);
    expect(await syncDocument(stack.em, call.sid)).toBeUndefined();
  } finally {
    await closed.stop();
  }
});

/** A pause whose Twilio update is answered `ms` late, with the time its answer took. */
async function slowPause(ms: number) {
  const call = await newCall(stack.em.client);
  await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  await stack.em.control('POST', '/faults', { kind: 'latency', ms, count: 1, match: '/Recordings/', method: 'POST' });
  const started = Date.now();
  const res = await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'pause' });
  return { call, res, took: Date.now() - started };
}

test('Twilio answering a pause in 3.9 s: the Function waits for it and says what Twilio did, inside 10 s', async () => {
  const { call, res, took } = await slowPause(3900);
  expect(took).toBeLessThan(10_000);
  expect(res).toMatchObject({ status: 200, body: { status: 'paused', synced: true } });
  expect((await stack.em.client.calls(call.sid).recordings.list())[0].status).toBe('paused');
});

test('Twilio still silent at the deadline: 504 TWILIO_TIMEOUT inside 10 s, saying the change may have been made', async () => {
  const { res, took } = await slowPause(9500);
  expect(took).toBeLessThan(10_000);
  expect(res).toMatchObject({
    status: 504,
    body: { error: { code: 'TWILIO_TIMEOUT', message: expect.stringContaining('may or may not') } },
  });
});
