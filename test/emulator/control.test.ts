import { newCall } from '../../harness/calls';
import { heldRequests } from '../../harness/functions';
import { startEmulator, type RunningEmulator } from '../../harness/stack';
import { atOrAfter } from '../../emulator/latency';

let em: RunningEmulator;
beforeAll(async () => (em = await startEmulator()));
afterAll(() => em.close());
afterEach(() => em.control('DELETE', '/faults'));

const CREATE_RECORDING = 'POST /2010-04-01/Accounts/:AccountSid/Calls/:CallSid/Recordings.json';
const CREATE_CALL = 'POST /2010-04-01/Accounts/:AccountSid/Calls.json';
const FETCH_CALL = 'GET /2010-04-01/Accounts/:AccountSid/Calls/:CallSid.json';

test('429 faults answer Twilio 20429 with Retry-After, for the next N matching requests only', async () => {
  const call = await newCall(em.client);
  await em.control('POST', '/faults', { kind: '429', count: 2, retryAfter: 3, match: '/Recordings' });
  const res = await em.client.request({
    method: 'get',
    uri: `https://api.twilio.com${call.uri.replace('.json', '/Recordings.json')}`,
  });
  expect(res.statusCode).toBe(429);
  expect(res.body).toMatchObject({ code: 20429, status: 429 });
  expect(res.headers['retry-after']).toBe('3');
  await expect(em.client.calls(call.sid).fetch()).resolves.toMatchObject({ sid: call.sid }); // does not match
  await expect(em.client.calls(call.sid).recordings.list()).rejects.toMatchObject({ status: 429 });
  await expect(em.client.calls(call.sid).recordings.list()).resolves.toEqual([]);
});

test('500 fails before any work; 500-after does the work, then fails', async () => {
  const call = await newCall(em.client);
  await em.control('POST', '/faults', { kind: '500', count: 1 });
  await expect(em.client.calls(call.sid).recordings.create()).rejects.toMatchObject({ status: 500, code: 20500 });
  expect(await em.client.calls(call.sid).recordings.list()).toHaveLength(0);
  await em.control('POST', '/faults', { kind: '500-after', count: 1 });
  await expect(em.client.calls(call.sid).recordings.create()).rejects.toMatchObject({ status: 500 });
  expect(await em.client.calls(call.sid).recordings.list()).toHaveLength(1);
});

test("16114 answers Twilio's transient recording error; method limits a fault", async () => {
  const call = await newCall(em.client);
  await em.control('POST', '/faults', { kind: '16114', count: 1, method: 'POST' });
  await expect(em.client.calls(call.sid).recordings.list()).resolves.toEqual([]); // a GET: not affected
  await expect(em.client.calls(call.sid).recordings.create()).rejects.toMatchObject({ status: 409, code: 16114 });
});

test('hold keeps a request unapplied until released', async () => {
  const before = (await em.client.calls.list()).length;
  await em.control('POST', '/faults', { kind: 'hold', count: 1, method: 'POST', match: '/Calls.json' });
  let answered = false;
  const created = newCall(em.client).then((c) => ((answered = true), c));
  expect(await heldRequests(em, 1)).toEqual([{ method: 'POST', path: expect.stringMatching(/\/Calls\.json$/) }]);
  expect(await em.client.calls.list()).toHaveLength(before); // not applied yet
  expect(answered).toBe(false);
  expect(await em.control('POST', '/held/release')).toEqual({ released: 1 });
  expect((await em.client.calls.list()).map((c) => c.sid)).toContain((await created).sid);
  expect(await em.control('GET', '/held')).toEqual({ held: [] });
});

test('latency delays the answer', async () => {
  await em.control('POST', '/faults', { kind: 'latency', ms: 300, count: 1 });
  const started = Date.now();
  await em.client.calls.list();
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
});

test("a latency is never cut short by the timers' clock: the wait runs until the precise clock reads its end", async () => {
  const until = Date.now() + 20;
  // A timer counts from the event loop's clock, read at the start of its turn: behind the precise one when
  // the wait is reckoned (by up to a millisecond; here 5 ms), so it fires that much early by the precise one.
  let reads = 0;
  const now = () => Date.now() + (reads++ === 0 ? 5 : 0);
  const ran = await new Promise<number>((resolve) => atOrAfter(until, now, () => resolve(Date.now())));
  expect(ran).toBeGreaterThanOrEqual(until);
});

test('an unknown fault kind is refused', async () => {
  expect(await em.refusal('POST', '/faults', { kind: 'teapot' })).toMatchObject({
    message: expect.stringContaining('kind'),
  });
});

test('counters count served requests by route template; reset clears state and counters', async () => {
  await em.control('POST', '/reset');
  const call = await newCall(em.client);
  await em.client.calls(call.sid).recordings.create();
  await em.client.calls(call.sid).recordings.create();
  const counters = await em.control<{ total: number; routes: Record<string, number> }>('GET', '/counters');
  expect(counters.routes[CREATE_RECORDING]).toBe(2);
  expect(counters.routes[CREATE_CALL]).toBe(1);
  // newCall fetches the call until it is answered.
  expect(counters.total).toBe(3 + counters.routes[FETCH_CALL]);
  await em.control('POST', '/reset');
  expect(await em.control('GET', '/counters')).toEqual({ total: 0, routes: {} });
  await expect(em.client.calls(call.sid).fetch()).rejects.toMatchObject({ status: 404 });
});
