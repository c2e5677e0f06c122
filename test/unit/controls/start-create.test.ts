// A start's create in-process against the emulator, the claim held: what it asks Twilio for; a create
// Twilio refused (the claim released, the next start goes at once, evidence `refused`) against one answered
// 500 or not at all (the claim kept, the list read again before creating again, at most 3 creates, evidence
// `unknown`); an intent that cannot be logged (nothing created); a Sync write that fails (said, not thrown).
import { newCall } from '../../../harness/calls';
import { callbacksIdle, evidenceEntries, servedRequests, syncDocument } from '../../../harness/functions';
import { instanceOn, useInProcessEmulator } from '../../../harness/in-process';
import type { RunningEmulator } from '../../../harness/stack';
import { CLAIM_KEY, mapName } from '../../../lib/sync/call-map';
import { CLOCK } from '../../../lib/twilio/deadline';

const stack = useInProcessEmulator();

const CALLBACK_URL = 'http://127.0.0.1:9/callbacks/recording-status';
const options = (callSid: string) => ({
  callSid,
  recordingChannels: 'dual' as const,
  recordingTrack: 'inbound' as const,
  trim: 'do-not-trim' as const,
  recordingStatusCallback: CALLBACK_URL,
});

/** A fresh instance, loaded: its starts by a flow, of a request that arrived `ageMs` ago, and that arrival. */
async function instance(em: RunningEmulator) {
  const fx = await instanceOn(em);
  return (callSid: string, ageMs = 0) => {
    const arrival = Date.now() - ageMs;
    return {
      arrival,
      started: fx.lib.start.startCallRecording(fx.deps('studio:FWa', undefined, arrival), options(callSid)),
    };
  };
}
const start = async (em: RunningEmulator, callSid: string) => (await instance(em))(callSid).started;

/** A start that failed: its ControlError. */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the start succeeded');
    },
    (err: { status: number; code: string; message: string; twilioCode?: number }) => err,
  );

/** The claim item of the call's Map, or undefined when there is none. */
async function claimOf(em: RunningEmulator, callSid: string) {
  try {
    const item = await em.client.sync.v1.services('default').syncMaps(mapName(callSid)).syncMapItems(CLAIM_KEY).fetch();
    return item.data as { holder: string; until: number; recordingSid?: string };
  } catch (err) {
    if ((err as { status?: number }).status === 404) return undefined;
    throw err;
  }
}

/** The requests for the call's recordings (list, create) served after `mark`: method and status. */
const recordingRequests = async (em: RunningEmulator, callSid: string, mark = 0) =>
  (await servedRequests(em))
    .slice(mark)
    .filter((r) => r.path.endsWith(`/Calls/${callSid}/Recordings.json`))
    .map((r) => `${r.method} ${r.status}`);

/** The Voice deadline a request arriving at `arrival` gives its claim (twilio/deadline: 10 s less 1 s and Sync's 1.5 s), plus the skew margin. */
const claimUntil = (arrival: number) => arrival + 7_500 + 50;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The intent a start logs before it creates: any recording (`*`), this machine's clock. */
const intent = (control: string) => ({
  id: expect.any(String),
  at: expect.any(String),
  sentAt: expect.any(String),
  recordingSid: '*',
  status: 'start',
  action: 'start',
  by: 'studio:FWa',
  source: 'intent',
  control,
  clock: CLOCK,
});

/** A start's failure: `refused` (Twilio did nothing) or `unknown` (it may have created one); this machine's clock. */
const failed = (control: string, status: 'refused' | 'unknown') => ({
  id: expect.any(String),
  at: expect.any(String),
  sentAt: expect.any(String),
  recordingSid: '*',
  status,
  action: 'start',
  by: 'studio:FWa',
  source: 'control',
  control,
  clock: CLOCK,
});

test("a new recording is made with the flow's options, and Twilio is asked for every callback: in-progress, completed, absent", async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  const run = (await instance(em))(call.sid);
  const [arrival, started] = [run.arrival, await run.started];
  const sid = started.recordingSid;
  expect(started).toEqual({
    callSid: call.sid,
    recordingSid: sid,
    status: 'in-progress',
    created: true,
    recordings: [{ recordingSid: sid, status: 'in-progress' }],
    synced: true,
  });
  const recording = await em.client.calls(call.sid).recordings(sid).fetch();
  expect([recording.channels, recording.track, recording.source]).toEqual([2, 'inbound', 'StartCallRecordingAPI']);
  expect(await claimOf(em, call.sid)).toEqual({
    holder: expect.any(String),
    until: claimUntil(arrival),
    recordingSid: sid,
  });
  const doc = await syncDocument(em, call.sid);
  expect(doc?.history).toEqual([{ at: expect.any(String), action: 'start', recordingSid: sid, by: 'studio:FWa' }]);
  expect(doc?.recordings[sid]).toMatchObject({ status: 'in-progress', channels: 2, track: 'inbound' });
  const [logged, made] = await evidenceEntries(em, call.sid);
  expect(logged.control).toMatch(UUID);
  expect([logged, made]).toEqual([
    intent(logged.control!),
    {
      id: expect.any(String),
      at: expect.any(String),
      sentAt: expect.any(String),
      recordingSid: sid,
      status: 'in-progress',
      action: 'start',
      by: 'studio:FWa',
      source: 'control',
      control: logged.control,
      clock: CLOCK,
    },
  ]);
  // Its end is posted whichever it is: absent (no audio) here, and completed for the call's next recording.
  await em.control('POST', `/recordings/${sid}/absent`);
  const next = await start(em, call.sid);
  await em.client.calls(call.sid).recordings(next.recordingSid).update({ status: 'stopped' });
  await callbacksIdle(em);
  const { callbacks } = await em.control<{
    callbacks: Array<{ url: string; method: string; params: Record<string, string> }>;
  }>('GET', '/callbacks');
  const posted = (recordingSid: string) =>
    callbacks
      .filter((c) => c.params.RecordingSid === recordingSid)
      .map((c) => [c.url, c.method, c.params.RecordingStatus]);
  expect([posted(sid), posted(next.recordingSid)]).toEqual([
    [
      [CALLBACK_URL, 'POST', 'in-progress'],
      [CALLBACK_URL, 'POST', 'absent'],
    ],
    [
      [CALLBACK_URL, 'POST', 'in-progress'],
      [CALLBACK_URL, 'POST', 'completed'],
    ],
  ]);
});

test('a create Twilio refused (call not in progress, 21220): created once, the claim released, evidence `refused`; the next start goes at once', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  await em.client.calls(call.sid).update({ status: 'completed' });
  const mark = (await servedRequests(em)).length;
  const err = await failure(start(em, call.sid));
  expect([err.status, err.code, err.twilioCode]).toEqual([409, 'NOT_IN_PROGRESS', 21220]);
  expect(err.message).toBe(
    `Twilio cannot record call ${call.sid}: a call is recorded only while it is in progress, answered and not ended (Call ${call.sid} is not in-progress. Cannot perform this operation.)`,
  );
  // A refusal is not ambiguous: no look at the list, no second create.
  expect(await recordingRequests(em, call.sid, mark)).toEqual(['GET 200', 'POST 400']);
  expect(await claimOf(em, call.sid)).toBeUndefined();
  const [logged, refused] = await evidenceEntries(em, call.sid);
  expect([logged, refused]).toEqual([intent(logged.control!), failed(logged.control!, 'refused')]);
  // The claim is free: the next start takes it and sends its own create, instead of waiting for it.
  const next = (await servedRequests(em)).length;
  const again = await failure(start(em, call.sid));
  expect(again.code).toBe('NOT_IN_PROGRESS');
  expect(await recordingRequests(em, call.sid, next)).toEqual(['GET 200', 'POST 400']);
});

test('a create answered 500 three times: the list read before each new create, 3 creates at most, the claim kept, evidence `unknown`', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  const startOn = await instance(em);
  await em.control('POST', '/faults', {
    kind: '500',
    count: 3,
    match: `/Calls/${call.sid}/Recordings.json`,
    method: 'POST',
  });
  const { arrival, started } = startOn(call.sid);
  const err = await failure(started);
  expect([err.status, err.code]).toEqual([502, 'TWILIO_UNAVAILABLE']);
  expect(await recordingRequests(em, call.sid)).toEqual([
    'GET 200',
    'POST 500',
    'GET 200',
    'POST 500',
    'GET 200',
    'POST 500',
  ]);
  // Twilio may have made one: the claim stays the start's until it expires, so the next start lists again.
  expect(await claimOf(em, call.sid)).toEqual({ holder: expect.any(String), until: claimUntil(arrival) });
  const [logged, unknown] = await evidenceEntries(em, call.sid);
  expect([logged, unknown]).toEqual([intent(logged.control!), failed(logged.control!, 'unknown')]);
});

test('a create Twilio carried out but answered 500: the list finds the recording, which is returned as already recording', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  await em.control('POST', '/faults', {
    kind: '500-after',
    count: 1,
    match: `/Calls/${call.sid}/Recordings.json`,
    method: 'POST',
  });
  const started = await start(em, call.sid);
  expect(await recordingRequests(em, call.sid)).toEqual(['GET 200', 'POST 500', 'GET 200']);
  const [recording] = await em.client.calls(call.sid).recordings.list();
  expect(started).toEqual({
    callSid: call.sid,
    recordingSid: recording.sid,
    status: 'in-progress',
    created: false,
    recordings: [{ recordingSid: recording.sid, status: 'in-progress' }],
    synced: true,
  });
  expect((await syncDocument(em, call.sid))?.history).toEqual([
    { at: expect.any(String), action: 'start (already recording)', recordingSid: recording.sid, by: 'studio:FWa' },
  ]);
  const [logged, found] = await evidenceEntries(em, call.sid);
  expect(found).toMatchObject({
    recordingSid: recording.sid,
    status: 'in-progress',
    action: 'start (already recording)',
    source: 'control',
    control: logged.control,
  });
});

test('a create never answered (the deadline): evidence `unknown`, the claim kept; the next start waits for it and returns the recording Twilio made', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  const startOn = await instance(em);
  await em.control('POST', '/faults', {
    kind: 'hold',
    count: 1,
    match: `/Calls/${call.sid}/Recordings.json`,
    method: 'POST',
  });
  // The request arrived 6.5 s ago: its Voice requests have 1 s left.
  const { arrival, started } = startOn(call.sid, 6_500);
  const err = await failure(started);
  expect([err.status, err.code]).toEqual([504, 'TWILIO_TIMEOUT']);
  expect(await claimOf(em, call.sid)).toEqual({ holder: expect.any(String), until: claimUntil(arrival) });
  const [logged, unknown] = await evidenceEntries(em, call.sid);
  expect([logged, unknown]).toEqual([intent(logged.control!), failed(logged.control!, 'unknown')]);
  // Twilio carries the create out after all.
  await em.control('POST', '/held/release');
  const [made] = await em.client.calls(call.sid).recordings.list();
  const next = await start(em, call.sid);
  expect(next).toMatchObject({ recordingSid: made.sid, created: false });
  expect(await em.client.calls(call.sid).recordings.list()).toHaveLength(1);
});

test('a start whose intent cannot be logged: 503 EVIDENCE_UNAVAILABLE, no create sent, the claim released', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  // The intent's append and its one retry after a 5xx.
  await em.control('POST', '/faults', {
    kind: '500',
    count: 2,
    match: `${mapName(call.sid)}/Items`,
    method: 'POST',
    field: 'log-',
  });
  const err = await failure(start(em, call.sid));
  expect([err.status, err.code, err.message]).toEqual([
    503,
    'EVIDENCE_UNAVAILABLE',
    `Twilio failed (HTTP 500) for the evidence log of ${call.sid}; try again: no recording was started, so that no pause is claimed over it`,
  ]);
  expect(await recordingRequests(em, call.sid)).toEqual(['GET 200']);
  expect(await claimOf(em, call.sid)).toBeUndefined();
  const entries = await evidenceEntries(em, call.sid);
  expect(entries).toEqual([failed(entries[0].control!, 'refused')]);
});

test("Sync's write failing: the recording is returned, synced false with the error, the claim and the evidence still name it", async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  // The state's creation (the Map item `state`), not retried: a create Sync may have applied.
  await em.control('POST', '/faults', {
    kind: '500',
    count: 1,
    match: `${mapName(call.sid)}/Items`,
    method: 'POST',
    field: 'state',
  });
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const started = await start(em, call.sid);
    const [recording] = await em.client.calls(call.sid).recordings.list();
    expect(started).toEqual({
      callSid: call.sid,
      recordingSid: recording.sid,
      status: 'in-progress',
      created: true,
      recordings: [{ recordingSid: recording.sid, status: 'in-progress' }],
      synced: false,
      syncError: {
        code: 'TWILIO_UNAVAILABLE',
        message: `Twilio failed (HTTP 500) for the Sync document of ${call.sid}; try again`,
      },
    });
    expect(warn).toHaveBeenCalledWith(
      `recording-controls: Twilio made the change but the Sync document of ${call.sid} missed it (TWILIO_UNAVAILABLE): the next control or callback repairs it`,
    );
  } finally {
    warn.mockRestore();
  }
  expect(await syncDocument(em, call.sid)).toBeUndefined();
  const [recording] = await em.client.calls(call.sid).recordings.list();
  expect((await claimOf(em, call.sid))?.recordingSid).toBe(recording.sid);
  expect((await evidenceEntries(em, call.sid)).map((e) => [e.source, e.recordingSid, e.status])).toEqual([
    ['intent', '*', 'start'],
    ['control', recording.sid, 'in-progress'],
  ]);
});

test('a start without an evidence log (Deps without one) starts, logging nothing', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  const fx = await instanceOn(em);
  const started = await fx.lib.start.startCallRecording(
    { ...fx.deps('studio:FWa'), evidence: undefined },
    options(call.sid),
  );
  expect(started).toMatchObject({ created: true, synced: true });
  expect(started).not.toHaveProperty('evidenceLogged');
  expect(await evidenceEntries(em, call.sid)).toEqual([]);
});
