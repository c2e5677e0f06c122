// Twilio's real failure modes, injected by the emulator: every control holds up or fails clearly, in time.
import { newCall } from '../../harness/calls';
import {
  counters,
  evidenceItems,
  invoke,
  servedRequests,
  servedSince,
  syncDocument,
  waitFor,
} from '../../harness/functions';
import { startFunctions, useStack } from '../../harness/stack';

const stack = useStack();
afterEach(() => stack.em.control('DELETE', '/faults'));

const CREATE = 'POST /2010-04-01/Accounts/:AccountSid/Calls/:CallSid/Recordings.json';
const UPDATE = 'POST /2010-04-01/Accounts/:AccountSid/Calls/:CallSid/Recordings/:Sid.json';
/** Faults answer before routing, so the counters file them apart. */
const FAULTED = 'POST (no route)';
const routeCount = async (route: string) => (await counters(stack.em)).routes[route] ?? 0;
const logMark = async () => (await servedRequests(stack.em)).length;

test('429 with Retry-After: the control waits and succeeds', async () => {
  const call = await newCall(stack.em.client);
  const mark = await logMark();
  await stack.em.control('POST', '/faults', { kind: '429', count: 2, retryAfter: 1, match: '/Recordings' });
  const started = Date.now();
  const res = await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  expect(res).toMatchObject({ status: 200, body: { created: true } });
  expect(await servedSince(stack.em, mark, 429, '/Recordings')).toHaveLength(2); // both faults fired
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
  expect((await evidenceItems(stack.em, call.sid)).map((e) => [e.source, e.action, e.status])).toEqual(
    expect.arrayContaining([
      ['control', 'paused', 'error'],
      ['read-back', undefined, 'in-progress'],
    ]),
  );
  await stack.em.control('DELETE', '/faults');

  // The same after the work: the read-back shows the pause, so the control is answered as done.
  const mark = await logMark();
  await stack.em.control('POST', '/faults', { kind: '500-after', count: 1, match: '/Recordings/', method: 'POST' });
  const done = await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'paused' });
  expect(done).toMatchObject({ status: 200, body: { status: 'paused', synced: true } });
  expect(await servedSince(stack.em, mark, 500, '/Recordings/')).toHaveLength(1); // the fault fired
  expect((await routeCount(UPDATE)) - updates).toBe(1);
  const log = await evidenceItems(stack.em, call.sid);
  expect(log.map((e) => [e.source, e.status])).toEqual(
    expect.arrayContaining([
      ['control', 'error'],
      ['read-back', 'in-progress'],
      ['read-back', 'paused'],
    ]),
  );
});

test('a 5xx on a pause that cannot be read back: Sync says its outcome is unknown, and the log has the try', async () => {
  const call = await newCall(stack.em.client);
  await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  await stack.em.control('POST', '/faults', { kind: '500', count: 1, match: '/Recordings/', method: 'POST' });
  await stack.em.control('POST', '/faults', { kind: '500', count: 100, match: '/Recordings', method: 'GET' });
  const res = await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'paused' });
  expect(res).toMatchObject({ status: 502, body: { error: { code: 'TWILIO_UNAVAILABLE' } } });
  await stack.em.control('DELETE', '/faults');
  // Twilio may have paused: the document must not go on saying only "in-progress".
  expect((await syncDocument(stack.em, call.sid))!.unsettled).toMatchObject({ asked: 'paused' });
  expect((await evidenceItems(stack.em, call.sid)).map((e) => [e.source, e.action, e.status])).toContainEqual([
    'control',
    'paused',
    'error',
  ]);
});

test('an ambiguous 500 after creating: start adopts the recording it made, never a second', async () => {
  const call = await newCall(stack.em.client);
  const mark = await logMark();
  await stack.em.control('POST', '/faults', {
    kind: '500-after',
    count: 1,
    method: 'POST',
    match: `/Calls/${call.sid}/Recordings.json`,
  });
  const res = await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  expect(await servedSince(stack.em, mark, 500, `/Calls/${call.sid}/Recordings.json`)).toHaveLength(1);
  expect(res).toMatchObject({ status: 200, body: { created: false, status: 'in-progress' } });
  const recordings = await stack.em.client.calls(call.sid).recordings.list();
  expect(recordings).toHaveLength(1);
  expect(res.body.recordingSid).toBe(recordings[0].sid);
  expect((await syncDocument(stack.em, call.sid))?.recordings[recordings[0].sid].status).toBe('in-progress');
});

test('a 500 on create before any work: start looks again, finds nothing, and creates once', async () => {
  const call = await newCall(stack.em.client);
  const before = await routeCount(CREATE);
  const mark = await logMark();
  await stack.em.control('POST', '/faults', {
    kind: '500',
    count: 1,
    method: 'POST',
    match: `/Calls/${call.sid}/Recordings.json`,
  });
  const res = await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  expect(res.body).toMatchObject({ created: true });
  // The fault fired (answered before routing: no create counted), then one create made the recording.
  const created = `/Calls/${call.sid}/Recordings.json`;
  expect((await servedSince(stack.em, mark, 500, created)).map((r) => r.route)).toEqual(['(no route)']);
  expect(await servedSince(stack.em, mark, 201, created)).toHaveLength(1);
  expect((await routeCount(CREATE)) - before).toBe(1);
  expect(await stack.em.client.calls(call.sid).recordings.list()).toHaveLength(1);
});

test('Twilio answering 429 for good: a clear 503 well inside the 10 s Function limit, and no Sync write', async () => {
  const call = await newCall(stack.em.client);
  const mark = await logMark();
  await stack.em.control('POST', '/faults', { kind: '429', count: 1000, retryAfter: 1, match: '/Recordings' });
  const started = Date.now();
  const res = await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  const took = Date.now() - started;
  expect(res).toMatchObject({ status: 503, body: { error: { code: 'TWILIO_RATE_LIMITED', twilioCode: 20429 } } });
  expect((await servedSince(stack.em, mark, 429, '/Recordings')).length).toBeGreaterThan(1); // retried, then gave up
  expect(took).toBeLessThan(10_000);
  expect(await syncDocument(stack.em, call.sid)).toBeUndefined();
});

test('16114 (recording busy): a pause and a resume are retried past their fences; a 404 is not retried', async () => {
  const call = await newCall(stack.em.client);
  await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  const faulted = await routeCount(FAULTED);
  const mark = await logMark();
  await stack.em.control('POST', '/faults', { kind: '16114', count: 2, match: '/Recordings/' });
  expect((await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'paused' })).body).toMatchObject(
    { status: 'paused' },
  );
  expect((await routeCount(FAULTED)) - faulted).toBe(2);
  expect(await servedSince(stack.em, mark, 409, '/Recordings/')).toHaveLength(2); // both were 16114s, then retried
  expect((await stack.em.client.calls(call.sid).recordings.list())[0].status).toBe('paused');
  // A resume refused before Twilio acted is sent again too, while no pause was logged since: a PCI flow's
  // resume does not take its fail branch on a refusal Twilio says to retry.
  await stack.em.control('POST', '/faults', { kind: '16114', count: 1, match: '/Recordings/' });
  const resume = await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'resume' });
  expect(resume).toMatchObject({ status: 200, body: { status: 'in-progress' } });
  expect((await routeCount(FAULTED)) - faulted).toBe(3);
  expect((await stack.em.client.calls(call.sid).recordings.list())[0].status).toBe('in-progress');
  const before = await routeCount(UPDATE);
  const res = await invoke(stack.fx, '/recording/set-status', {
    CallSid: call.sid,
    Status: 'paused',
    RecordingSid: 'RE' + '0'.repeat(32),
  });
  expect(res.status).toBe(404);
  expect((await routeCount(UPDATE)) - before).toBe(1);
  // A refused pause is in the log as tried, like a refused resume.
  const refused = (await evidenceItems(stack.em, call.sid)).filter((e) => e.status === 'refused');
  expect(refused.map((e) => [e.action, e.recordingSid])).toEqual([['paused', 'RE' + '0'.repeat(32)]]);
});

test('a resume refused with 429 is never sent again over a pause logged since: it answers the refusal', async () => {
  const call = await newCall(stack.em.client);
  await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'pause' });
  const mark = await logMark();
  await stack.em.control('POST', '/faults', {
    kind: '429',
    count: 1,
    retryAfter: 1,
    match: `/Calls/${call.sid}/Recordings/`,
    method: 'POST',
  });
  const resume = invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'resume' });
  await waitFor('the resume refused 429', async () =>
    (await servedSince(stack.em, mark, 429, '/Recordings/')).length > 0 ? true : undefined,
  );
  // Another caller pauses while the resume waits out Retry-After: its pause is logged before the retry.
  const pause = await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'pause' });
  expect(pause).toMatchObject({ status: 200, body: { status: 'paused' } });
  expect(await resume).toMatchObject({ status: 503, body: { error: { code: 'TWILIO_RATE_LIMITED' } } });
  expect((await stack.em.client.calls(call.sid).recordings.list())[0].status).toBe('paused');
  expect(await servedSince(stack.em, mark, 429, '/Recordings/')).toHaveLength(1);
});

test('Twilio unreachable: retried within the budget, then a clear 502, and no Sync write', async () => {
  const closed = await startFunctions('http://127.0.0.1:9'); // nothing listens on port 9
  try {
    const call = await newCall(stack.em.client);
    const started = Date.now();
    const res = await invoke(closed, '/recording/start', { CallSid: call.sid });
    expect(res).toMatchObject({ status: 502, body: { error: { code: 'TWILIO_UNREACHABLE' } } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await syncDocument(stack.em, call.sid)).toBeUndefined();
  } finally {
    await closed.stop();
  }
});

/** A pause whose Twilio update is answered `ms` late, with the time its answer took. */
async function slowPause(ms: number) {
  const call = await newCall(stack.em.client);
  await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  const mark = await logMark();
  await stack.em.control('POST', '/faults', { kind: 'latency', ms, count: 1, match: '/Recordings/', method: 'POST' });
  const started = Date.now();
  const res = await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'pause' });
  const took = Date.now() - started;
  const updates = (await servedRequests(stack.em)).slice(mark).filter((r) => r.route === UPDATE.split(' ')[1]);
  return { call, res, took, slowest: Math.max(0, ...updates.map((r) => r.endedAt - r.startedAt)) };
}

test('Twilio answering a pause in 3.9 s: the Function waits for it and says what Twilio did, inside 10 s', async () => {
  const { call, res, took, slowest } = await slowPause(3900);
  expect(slowest).toBeGreaterThanOrEqual(3900); // the fault fired: the pause took Twilio 3.9 s to answer
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
