// Starts that find a recording instead of making one, in-process against the emulator: a call already
// recording (adopted, Sync repaired, evidence logged); a finished claim read with a list that predates its
// recording (read again, not a second recording); a start waiting for another holder's claim that returns
// the holder's recording, or gives up with 503 START_IN_PROGRESS when its own deadline nears.
import { newCall } from '../../../harness/calls';
import {
  createConsoleIndex,
  evidenceEntries,
  heldRequests,
  servedRequests,
  syncDocument,
  waitFor,
  writeState,
} from '../../../harness/functions';
import { instanceOn, useInProcessEmulator } from '../../../harness/in-process';
import type { RunningEmulator } from '../../../harness/stack';
import { CLAIM_KEY, mapName } from '../../../lib/sync/call-map';
import { CLOCK } from '../../../lib/twilio/deadline';
import { startOptions } from './controls';

const stack = useInProcessEmulator();

/** A start by `caller` on a fresh instance, of a request that arrived `ageMs` before the instance was loaded. */
async function start(em: RunningEmulator, callSid: string, caller = 'studio:FWa', ageMs = 0) {
  const fx = await instanceOn(em);
  return fx.lib.start.startCallRecording(fx.deps(caller, undefined, Date.now() - ageMs), startOptions(callSid));
}

/** The Twilio requests served after `mark`, as `METHOD status path-end`, for the call's recordings and its claim. */
async function requestsSince(em: RunningEmulator, callSid: string, mark: number) {
  return (await servedRequests(em)).slice(mark).map((r) => ({
    ...r,
    list: r.method === 'GET' && r.path.endsWith(`/Calls/${callSid}/Recordings.json`),
    create: r.method === 'POST' && r.path.endsWith(`/Calls/${callSid}/Recordings.json`),
    claimRead: r.method === 'GET' && r.path.endsWith(`${mapName(callSid)}/Items/${CLAIM_KEY}`),
    claimWrite: r.method === 'POST' && r.path.endsWith(`${mapName(callSid)}/Items/${CLAIM_KEY}`),
  }));
}
const count = (
  requests: Awaited<ReturnType<typeof requestsSince>>,
  kind: 'list' | 'create' | 'claimRead' | 'claimWrite',
) => requests.filter((r) => r[kind]).length;

const claimItems = (em: RunningEmulator, callSid: string) =>
  em.client.sync.v1.services('default').syncMaps(mapName(callSid)).syncMapItems;

/** Holds the next create of the call's recording at the emulator, unapplied until released. */
const holdCreate = (em: RunningEmulator, callSid: string) =>
  em.control('POST', '/faults', {
    kind: 'hold',
    count: 1,
    match: `/Calls/${callSid}/Recordings.json`,
    method: 'POST',
  });

test('a call already recording: its recording adopted (created false), Sync repaired and settled, the evidence and the claim name it', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  // Started outside the toolkit; Sync knows nothing of it, and still waits for an old outcome to settle.
  const recording = await em.client.calls(call.sid).recordings.create();
  const since = new Date(Date.now() - 60_000).toISOString();
  await writeState(em, call.sid, { sid: call.sid, recordings: {}, history: [], unsettled: { asked: 'paused', since } });
  const mark = (await servedRequests(em)).length;
  const started = await start(em, call.sid);
  expect(started).toEqual({
    callSid: call.sid,
    recordingSid: recording.sid,
    status: 'in-progress',
    created: false,
    recordings: [{ recordingSid: recording.sid, status: 'in-progress' }],
    synced: true,
  });
  expect(count(await requestsSince(em, call.sid, mark), 'create')).toBe(0);
  const doc = await syncDocument(em, call.sid);
  expect(doc).toEqual({
    sid: call.sid,
    recordings: { [recording.sid]: expect.objectContaining({ status: 'in-progress' }) },
    history: [
      { at: expect.any(String), action: 'start (already recording)', recordingSid: recording.sid, by: 'studio:FWa' },
    ],
  });
  const [intent, adopted] = await evidenceEntries(em, call.sid);
  expect(adopted).toEqual({
    id: expect.any(String),
    at: expect.any(String),
    sentAt: expect.any(String),
    recordingSid: recording.sid,
    status: 'in-progress',
    action: 'start (already recording)',
    by: 'studio:FWa',
    source: 'control',
    control: intent.control,
    clock: CLOCK,
  });
  expect((await claimItems(em, call.sid)(CLAIM_KEY).fetch()).data).toMatchObject({ recordingSid: recording.sid });
});

test('a start after a finished one adopts its recording: one look at the list, one read of the claim, no take-over', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  // The call was recorded before too: its list holds that recording beside the claim's.
  const earlier = await em.client.calls(call.sid).recordings.create();
  await em.client.calls(call.sid).recordings(earlier.sid).update({ status: 'stopped' });
  const first = await start(em, call.sid);
  const mark = (await servedRequests(em)).length;
  const second = await start(em, call.sid, 'studio:FWb');
  expect(second).toMatchObject({ recordingSid: first.recordingSid, created: false, synced: true });
  const served = await requestsSince(em, call.sid, mark);
  expect([count(served, 'list'), count(served, 'claimRead'), count(served, 'claimWrite')]).toEqual([1, 1, 0]);
});

test('a finished claim naming a recording its list predates: the list is read again, and that recording returned', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  // The call was recorded before: the list the start reads first holds that recording, not the claim's.
  const earlier = await em.client.calls(call.sid).recordings.create();
  await em.client.calls(call.sid).recordings(earlier.sid).update({ status: 'stopped' });
  // The start's list is read at once and answered 400 ms later; its claim's creation is held.
  await em.control('POST', '/faults', {
    kind: 'latency',
    ms: 400,
    apply: 'start',
    count: 1,
    match: `/Calls/${call.sid}/Recordings.json`,
    method: 'GET',
  });
  await em.control('POST', '/faults', {
    kind: 'hold',
    count: 1,
    match: `${mapName(call.sid)}/Items`,
    method: 'POST',
    field: CLAIM_KEY,
  });
  const mark = (await servedRequests(em)).length;
  const starting = start(em, call.sid);
  await heldRequests(em, 1);
  // Meanwhile another start made its recording and finished the claim naming it.
  const made = await em.client.calls(call.sid).recordings.create();
  await em.client.sync.v1
    .services('default')
    .syncMaps.create({ uniqueName: mapName(call.sid) })
    .catch(() => undefined);
  await claimItems(em, call.sid).create({
    key: CLAIM_KEY,
    data: { holder: 'another', until: Date.now() + 5_000, recordingSid: made.sid },
  });
  await em.control('POST', '/held/release');
  const started = await starting;
  expect(started).toMatchObject({ recordingSid: made.sid, created: false });
  expect(count(await requestsSince(em, call.sid, mark), 'list')).toBe(2);
  expect((await em.client.calls(call.sid).recordings.list()).map((r) => r.sid).sort()).toEqual(
    [earlier.sid, made.sid].sort(),
  );
});

test('a claim gone between its 409 and its read (expired): the start looks again and creates, its Map and intent asked for once', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  await em.client.sync.v1.services('default').syncMaps.create({ uniqueName: mapName(call.sid) });
  await claimItems(em, call.sid).create({ key: CLAIM_KEY, data: { holder: 'another', until: Date.now() + 5_000 } });
  // The console's index made first: its shards' creations are no request of this start's.
  await createConsoleIndex(em);
  await em.control('POST', '/faults', {
    kind: 'hold',
    count: 1,
    match: `${mapName(call.sid)}/Items/${CLAIM_KEY}`,
    method: 'GET',
  });
  const mark = (await servedRequests(em)).length;
  const starting = start(em, call.sid);
  await heldRequests(em, 1);
  await claimItems(em, call.sid)(CLAIM_KEY).remove();
  await em.control('POST', '/held/release');
  const started = await starting;
  expect(started).toMatchObject({ created: true, synced: true });
  const served = (await servedRequests(em)).slice(mark);
  expect(served.filter((r) => r.method === 'POST' && r.path.endsWith('/Maps'))).toHaveLength(1);
  expect((await evidenceEntries(em, call.sid)).map((e) => [e.source, e.recordingSid])).toEqual([
    ['intent', '*'],
    ['control', started.recordingSid],
  ]);
});

describe("waiting for another start's claim", () => {
  test("returns the holder's recording once it appears, the claim read once, and writes it to Sync when the holder's write missed", async () => {
    const em = stack.em;
    const call = await newCall(em.client);
    await holdCreate(em, call.sid);
    const holder = start(em, call.sid, 'studio:FWa');
    await heldRequests(em, 1);
    // The holder's write of its own start to the state fails (its history entry is action "start").
    await em.control('POST', '/faults', {
      kind: '500',
      count: 1,
      match: `${mapName(call.sid)}/Items`,
      method: 'POST',
      field: '"action":"start","recordingSid"',
    });
    const mark = (await servedRequests(em)).length;
    const waiter = start(em, call.sid, 'studio:FWb');
    // The waiter has looked at the list twice since its first: it is polling.
    await waitFor('the waiter polling the list', async () =>
      count(await requestsSince(em, call.sid, mark), 'list') >= 3 ? true : undefined,
    );
    await em.control('POST', '/held/release');
    const [made, adopted] = await Promise.all([holder, waiter]);
    expect(made).toMatchObject({ created: true, synced: false });
    expect(adopted).toEqual({
      callSid: call.sid,
      recordingSid: made.recordingSid,
      status: 'in-progress',
      created: false,
      recordings: [{ recordingSid: made.recordingSid, status: 'in-progress' }],
      synced: true,
    });
    const served = await requestsSince(em, call.sid, mark);
    expect([count(served, 'claimRead'), count(served, 'create')]).toEqual([1, 1]);
    expect(await em.client.calls(call.sid).recordings.list()).toHaveLength(1);
    const doc = await syncDocument(em, call.sid);
    expect(doc?.recordings[made.recordingSid]).toMatchObject({ status: 'in-progress' });
    expect(doc?.history.map((h) => [h.action, h.by])).toEqual([['start (already recording)', 'studio:FWb']]);
    expect(
      (await evidenceEntries(em, call.sid)).filter((e) => e.by === 'studio:FWb').map((e) => [e.source, e.action]),
    ).toEqual([
      ['intent', 'start'],
      ['control', 'start (already recording)'],
    ]);
  });

  test('gives up with 503 START_IN_PROGRESS when its own deadline nears, creating nothing', async () => {
    const em = stack.em;
    const call = await newCall(em.client);
    await holdCreate(em, call.sid);
    const holder = start(em, call.sid, 'studio:FWa');
    await heldRequests(em, 1);
    const mark = (await servedRequests(em)).length;
    // The request arrived 7.4 s ago: 100 ms are left for its Voice requests, less than one more look.
    const err = await start(em, call.sid, 'studio:FWb', 7_400).then(
      () => undefined,
      (error: { status: number; code: string; message: string }) => error,
    );
    expect(err).toMatchObject({
      status: 503,
      code: 'START_IN_PROGRESS',
      message: `Another start of call ${call.sid} is still under way; ask again to get its recording`,
    });
    expect(count(await requestsSince(em, call.sid, mark), 'list')).toBe(1);
    await em.control('POST', '/held/release');
    expect(await holder).toMatchObject({ created: true });
    expect(await em.client.calls(call.sid).recordings.list()).toHaveLength(1);
  });

  test('gives up, not times out, when its next wait between looks would end too near its deadline (the jitter counted)', async () => {
    const em = stack.em;
    const call = await newCall(em.client);
    // The waiter's instance warmed by a start of another call: its rounds take the time of their requests.
    const waiter = await instanceOn(em);
    await waiter.lib.start.startCallRecording(waiter.deps('studio:FWb'), startOptions((await newCall(em.client)).sid));
    await holdCreate(em, call.sid);
    const holder = start(em, call.sid, 'studio:FWa');
    await heldRequests(em, 1);
    // Its looks at the list take 200 ms and its waits between them are at their longest (1.5 × 150 ms);
    // 620 ms are left for its Voice requests: after its first look, time for a plain wait and a look, not
    // for this wait and a look.
    await em.control('POST', '/faults', {
      kind: 'latency',
      ms: 200,
      count: 2,
      match: `/Calls/${call.sid}/Recordings.json`,
      method: 'GET',
    });
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.99);
    const err = await waiter.lib.start
      .startCallRecording(waiter.deps('studio:FWb', undefined, Date.now() - 6_880), startOptions(call.sid))
      .then(
        () => undefined,
        (error: { status: number; code: string }) => error,
      )
      .finally(() => random.mockRestore());
    expect(err).toMatchObject({ status: 503, code: 'START_IN_PROGRESS' });
    await em.control('DELETE', '/faults');
    expect(await holder).toMatchObject({ created: true });
  });

  test('gives up without another look when one as slow as its last would come after its deadline', async () => {
    const em = stack.em;
    const call = await newCall(em.client);
    await holdCreate(em, call.sid);
    const holder = start(em, call.sid, 'studio:FWa');
    await heldRequests(em, 1);
    // Every look at the list now takes 400 ms; the request has 700 ms left for its Voice requests.
    await em.control('POST', '/faults', {
      kind: 'latency',
      ms: 400,
      count: 2,
      match: `/Calls/${call.sid}/Recordings.json`,
      method: 'GET',
    });
    const err = await start(em, call.sid, 'studio:FWb', 6_800).then(
      () => undefined,
      (error: { status: number; code: string }) => error,
    );
    expect(err).toMatchObject({ status: 503, code: 'START_IN_PROGRESS' });
    await em.control('DELETE', '/faults');
    expect(await holder).toMatchObject({ created: true });
  });
});
