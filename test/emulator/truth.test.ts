// Twilio may apply an update at any moment between receiving the request and answering it, and each
// request's latency varies. The emulator models both (latency faults' `apply`, jitter) and keeps a truth
// log of every recording status change at the moment it was applied, for tests to judge evidence against.
import { conferenceCalls, newCall } from '../../harness/calls';
import { ACCOUNT_SID, AUTH_TOKEN, startEmulator, type RunningEmulator } from '../../harness/stack';
import type { ServedRequest } from '../../emulator/app';
import { seededRandom } from '../../emulator/latency';
import { percentiles } from '../../bench/measure';
import type { RecordingTruth } from '../../emulator/voice/recordings';

let em: RunningEmulator;
beforeAll(async () => (em = await startEmulator()));
afterAll(() => em.close());
afterEach(() => em.control('POST', '/reset'));

/** The request log's clock: the emulator runs in this process. */
const now = () => performance.timeOrigin + performance.now();

/** Runs `fn`, with when it was sent and when its answer came back (whether it succeeded or not). */
async function timed<T>(fn: () => Promise<T>) {
  const sent = now();
  const outcome = await fn().then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );
  return { ...outcome, sent, answered: now() };
}

const truth = async (query = '') =>
  (await em.control<{ recordings: RecordingTruth[] }>('GET', `/truth${query}`)).recordings;
const served = async () => (await em.control<{ requests: ServedRequest[] }>('GET', '/requests')).requests;

describe('where a latency fault applies the change', () => {
  test('start applies at once and holds the answer; end applies just before answering', async () => {
    const call = await newCall(em.client);
    const rec = em.client.calls(call.sid).recordings((await em.client.calls(call.sid).recordings.create()).sid);
    await em.control('POST', '/faults', { kind: 'latency', ms: 400, apply: 'start', match: '/Recordings/' });
    const pause = await timed(() => rec.update({ status: 'paused' }));
    await em.control('POST', '/faults', { kind: 'latency', ms: 400, apply: 'end', match: '/Recordings/' });
    const resume = await timed(() => rec.update({ status: 'in-progress' }));

    const [{ changes }] = await truth(`?callSid=${call.sid}`);
    expect(changes.map((c) => c.status)).toEqual(['in-progress', 'paused', 'in-progress']);
    const [, paused, resumed] = changes;
    expect(paused.at).toBeGreaterThan(pause.sent);
    // At once is well under the 400 ms hold, however busy the machine (this process sends and applies).
    expect(paused.at - pause.sent).toBeLessThan(200);
    expect(pause.answered - paused.at).toBeGreaterThan(350);
    expect(resumed.at - resume.sent).toBeGreaterThan(390);
    expect(resume.answered - resumed.at).toBeLessThan(200);
    // The request log times the answer as sent, after the hold.
    const updates = (await served()).filter((r) => r.method === 'POST' && r.path.includes('/Recordings/'));
    expect(updates.map((r) => r.endedAt - r.startedAt)).toEqual([expect.any(Number), expect.any(Number)]);
    for (const r of updates) expect(r.endedAt - r.startedAt).toBeGreaterThanOrEqual(398);
    expect(updates[0].endedAt - paused.at).toBeGreaterThan(350);
  });

  test('random applies somewhere within the latency, a different place each time', async () => {
    const call = await newCall(em.client);
    const rec = em.client.calls(call.sid).recordings((await em.client.calls(call.sid).recordings.create()).sid);
    const N = 20;
    await em.control('POST', '/faults', { kind: 'latency', ms: 150, count: N, apply: 'random', match: '/Recordings/' });
    const requests = [];
    for (let i = 0; i < N; i++)
      requests.push(await timed(() => rec.update({ status: i % 2 === 0 ? 'paused' : 'in-progress' })));
    const [{ changes }] = await truth(`?callSid=${call.sid}`);
    expect(changes).toHaveLength(N + 1);
    const fractions = requests.map((r, i) => {
      expect(r.answered - r.sent).toBeGreaterThanOrEqual(148); // the whole latency, wherever the change falls
      return (changes[i + 1].at - r.sent) / (r.answered - r.sent);
    });
    for (const f of fractions) expect(f > 0 && f < 1).toBe(true);
    expect(Math.min(...fractions)).toBeLessThan(0.4);
    expect(Math.max(...fractions)).toBeGreaterThan(0.6);
  });

  test('an unknown apply is refused, on faults and on jitter', async () => {
    const fault = await fetch(`${em.url}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'latency', ms: 10, apply: 'middle' }),
    });
    expect(fault.status).toBe(400);
    expect(await fault.json()).toEqual({ message: "apply must be 'start', 'end' or 'random'" });
    expect(await em.refusal('POST', '/latency', { voice: { minMs: 1, maxMs: 2 }, apply: 'middle' })).toEqual({
      error: { code: 'INVALID_LATENCY', message: "apply must be 'start', 'end' or 'random'" },
    });
    expect(await em.refusal('POST', '/latency', { voice: { minMs: 50, maxMs: 10 } })).toMatchObject({
      error: { code: 'INVALID_LATENCY' },
    });
    expect(await em.refusal('POST', '/latency', { flex: { minMs: 1, maxMs: 2 } })).toMatchObject({
      error: { code: 'INVALID_LATENCY', message: expect.stringContaining('flex') },
    });
  });
});

describe('jitter', () => {
  const JITTER = { voice: { minMs: 40, maxMs: 150 }, sync: { minMs: 20, maxMs: 60 }, apply: 'random' };

  test('is in force until cleared or reset, and answers what is in force', async () => {
    expect(await em.control('GET', '/latency')).toEqual({ voice: null, sync: null, apply: 'end' });
    expect(await em.control('POST', '/latency', JITTER)).toEqual(JITTER);
    expect(await em.control('GET', '/latency')).toEqual(JITTER);
    await em.control('DELETE', '/latency');
    expect(await em.control('GET', '/latency')).toEqual({ voice: null, sync: null, apply: 'end' });
    await em.control('POST', '/latency', JITTER);
    await em.control('POST', '/reset');
    expect(await em.control('GET', '/latency')).toEqual({ voice: null, sync: null, apply: 'end' });
  });

  test('with a seed, the latencies are drawn from it: a randomized test replays them from its seed', async () => {
    const call = await newCall(em.client);
    const seeded = { voice: { minMs: 0, maxMs: 300 }, sync: null, apply: 'end', seed: 7 };
    expect(await em.control('POST', '/latency', seeded)).toEqual(seeded);
    const since = now();
    for (let i = 0; i < 10; i++) await em.client.calls(call.sid).fetch();
    await em.control('DELETE', '/latency');
    const measured = (await served()).filter((r) => r.startedAt >= since).map((r) => r.endedAt - r.startedAt);
    // One draw per request (apply end), in order: a busy machine only adds to each; timers may fire 2 ms early.
    const draw = seededRandom(7);
    const drawn = measured.map(() => 300 * draw());
    expect(measured.map((ms, i) => ms >= drawn[i] - 2)).toEqual(Array(10).fill(true));
    expect(await em.refusal('POST', '/latency', { ...seeded, seed: -1 })).toEqual({
      error: { code: 'INVALID_LATENCY', message: 'seed must be a whole number from 0 to 2^32 - 1' },
    });
  });

  test("every request waits a latency in its product's range, not always the same; Flex none", async () => {
    const call = await newCall(em.client);
    // Seeded and applied at the end: each request's latency is known, one draw per Voice or Sync request.
    await em.control('POST', '/latency', { ...JITTER, apply: 'end', seed: 11 });
    const since = now();
    for (let i = 0; i < 30; i++) await em.client.calls(call.sid).fetch();
    for (let i = 0; i < 5; i++) await em.client.sync.v1.services('default').fetch();
    for (let i = 0; i < 5; i++)
      await fetch(`${em.url}/v1/Accounts/${ACCOUNT_SID}/Tokens/validate`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ token: 'not-a-token' }),
      });
    const ms = (r: ServedRequest) => r.endedAt - r.startedAt;
    const requests = (await served()).filter((r) => r.startedAt >= since);
    const voice = requests.filter((r) => r.path.startsWith('/2010-04-01/')).map(ms);
    const sync = requests.filter((r) => r.path.startsWith('/v1/Services')).map(ms);
    const flex = requests.filter((r) => r.path.includes('/Tokens/')).map(ms);
    expect([voice.length, sync.length, flex.length]).toEqual([30, 5, 5]);
    const draw = seededRandom(11);
    const drawn = (range: { minMs: number; maxMs: number }, count: number) =>
      Array.from({ length: count }, () => range.minMs + draw() * (range.maxMs - range.minMs));
    const [voiceDrawn, syncDrawn] = [drawn(JITTER.voice, 30), drawn(JITTER.sync, 5)];
    // Each waits at least its draw (a timer may fire 2 ms early). A busy machine adds to some answers, not to
    // most: a request drawn from another range, or waiting twice, moves the median of what it adds.
    const median = (xs: number[]) => percentiles(xs).p50;
    const added = (measured: number[], expected: number[]) => measured.map((m, i) => m - expected[i]);
    expect(Math.min(...added(voice, voiceDrawn))).toBeGreaterThanOrEqual(-2);
    expect(Math.min(...added(sync, syncDrawn))).toBeGreaterThanOrEqual(-2);
    expect(median(added(voice, voiceDrawn))).toBeLessThan(10);
    expect(median(added(sync, syncDrawn))).toBeLessThan(10);
    expect(Math.max(...voice) - Math.min(...voice)).toBeGreaterThan(10);
    expect(median(flex)).toBeLessThan(10);
  });

  test('with a 500-after fault on top: the change is applied, and the answer is 500', async () => {
    const call = await newCall(em.client);
    const rec = em.client.calls(call.sid).recordings((await em.client.calls(call.sid).recordings.create()).sid);
    await em.control('POST', '/latency', JITTER);
    await em.control('POST', '/faults', { kind: '500-after', count: 1, match: '/Recordings/' });
    const pause = await timed(() => rec.update({ status: 'paused', pauseBehavior: 'skip' }));
    expect(pause.error).toMatchObject({ status: 500 });
    expect(pause.answered - pause.sent).toBeGreaterThanOrEqual(38);
    const [{ changes }] = await truth(`?callSid=${call.sid}`);
    expect(changes[1]).toMatchObject({ status: 'paused', pauseBehavior: 'skip', source: 'api' });
    expect(changes[1].at).toBeGreaterThan(pause.sent);
    expect(changes[1].at).toBeLessThan(pause.answered);
    expect((await rec.fetch()).status).toBe('paused');
  });
});

describe('the truth log', () => {
  test('lists every change as applied, in order, each within its request; filters by call', async () => {
    await em.control('POST', '/latency', { voice: { minMs: 20, maxMs: 120 }, apply: 'random' });
    const call = await newCall(em.client);
    const other = await newCall(em.client);
    const recordings = em.client.calls(call.sid).recordings;
    const create = await timed(() => recordings.create());
    const first = recordings(create.value!.sid);
    const pause = await timed(() => first.update({ status: 'paused', pauseBehavior: 'skip' }));
    const repause = await timed(() => first.update({ status: 'paused', pauseBehavior: 'skip' })); // no change
    const resume = await timed(() => first.update({ status: 'in-progress' }));
    const stop = await timed(() => first.update({ status: 'stopped' }));
    const createSecond = await timed(() => recordings.create());
    const resumeRunning = await timed(() => recordings(createSecond.value!.sid).update({ status: 'in-progress' })); // no change
    const end = await timed(() => em.client.calls(call.sid).update({ status: 'completed' }));
    const otherRec = await em.client.calls(other.sid).recordings.create();
    for (const r of [create, pause, repause, resume, stop, createSecond, resumeRunning, end])
      expect(r.error).toBeUndefined();
    await em.control('GET', '/callbacks/idle'); // and the recordings processed

    const mine = await truth(`?callSid=${call.sid}`);
    expect(mine.map((t) => [t.recordingSid, t.callSid])).toEqual([
      [create.value!.sid, call.sid],
      [createSecond.value!.sid, call.sid],
    ]);
    const within = (at: number, r: { sent: number; answered: number }) => {
      expect(at).toBeGreaterThan(r.sent);
      expect(at).toBeLessThan(r.answered);
    };
    const [a, b] = mine.map((t) => t.changes);
    expect(a).toEqual([
      { status: 'in-progress', at: expect.any(Number), source: 'api' },
      { status: 'paused', at: expect.any(Number), pauseBehavior: 'skip', source: 'api' },
      { status: 'in-progress', at: expect.any(Number), source: 'api' },
      { status: 'stopped', at: expect.any(Number), source: 'api' },
      { status: 'completed', at: expect.any(Number), source: 'processing' },
    ]);
    [create, pause, resume, stop].forEach((r, i) => within(a[i].at, r));
    // A stopped recording is `processing` before it is completed (the OpenAPI status enum; 200 ms here by default).
    // Measured from the stop as applied, not as answered: a busy machine may deliver the answer late.
    expect(a[4].at - a[3].at).toBeGreaterThanOrEqual(190);
    expect(b).toEqual([
      { status: 'in-progress', at: expect.any(Number), source: 'api' },
      { status: 'stopped', at: expect.any(Number), source: 'call-ended' },
      { status: 'completed', at: expect.any(Number), source: 'processing' },
    ]);
    within(b[0].at, createSecond);
    within(b[1].at, end);
    const all = [...a, ...b].map((c) => c.at);
    expect(all.slice(0, 5)).toEqual([...all.slice(0, 5)].sort((x, y) => x - y));

    expect((await truth(`?callSid=${other.sid}`)).map((t) => t.recordingSid)).toEqual([otherRec.sid]);
    expect((await truth()).map((t) => t.recordingSid)).toEqual([
      create.value!.sid,
      createSecond.value!.sid,
      otherRec.sid,
    ]);
  });

  // twilio.com/docs/voice/twiml/conference: recorded from the start once two participants are bridged.
  test('conference recordings: started and completed by the conference, absent from the control surface; reset clears the log', async () => {
    const [a, a2] = await conferenceCalls(em.client, 'truth');
    const [conference] = await em.client.conferences.list({ friendlyName: 'truth', status: 'in-progress' });
    const [rec] = await em.client.conferences(conference.sid).recordings.list();
    await em.control('POST', `/recordings/${rec.sid}/absent`);
    await em.client.calls(a.sid).update({ status: 'completed' });
    await em.client.calls(a2.sid).update({ status: 'completed' });
    expect(await truth(`?conferenceSid=${conference.sid}`)).toEqual([
      {
        recordingSid: rec.sid,
        conferenceSid: conference.sid,
        changes: [
          { status: 'in-progress', at: expect.any(Number), source: 'conference' },
          { status: 'absent', at: expect.any(Number), source: 'control' },
        ],
      },
    ]);
    expect(await truth(`?callSid=${a.sid}`)).toEqual([]);

    const [b, b2] = await conferenceCalls(em.client, 'truth-ends');
    const [ends] = await em.client.conferences.list({ friendlyName: 'truth-ends', status: 'in-progress' });
    await em.client.calls(b.sid).update({ status: 'completed' });
    await em.client.calls(b2.sid).update({ status: 'completed' });
    await em.control('GET', '/callbacks/idle');
    const [{ changes }] = await truth(`?conferenceSid=${ends.sid}`);
    expect(changes.map((c) => [c.status, c.source])).toEqual([
      ['in-progress', 'conference'],
      ['stopped', 'conference'],
      ['completed', 'processing'],
    ]);
    await em.control('POST', '/reset');
    expect(await truth()).toEqual([]);
  });
});
