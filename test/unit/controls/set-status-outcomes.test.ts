// What a pause, resume or stop comes to when Twilio's answer leaves its outcome open, run in-process against
// the emulator: a 500 Twilio applied and one it did not (read back, answered, logged, written to Sync), no
// answer before the deadline (unknown, Sync marked unsettled), the read-back skipped when the deadline is
// near; a pause's behaviour and reason in the history and the evidence; a stop clearing the start claim;
// and a pause and a resume whose requests overlapped, settled by reading Twilio again.
import { newCall } from '../../../harness/calls';
import {
  evidenceEntries,
  heldRequests,
  inSequence,
  servedRequests,
  setLatency,
  syncDocument,
  waitFor,
} from '../../../harness/functions';
import { instanceOn, useInProcessEmulator } from '../../../harness/in-process';
import type { RunningEmulator } from '../../../harness/stack';
import { control, recordingCall } from './controls';

const stack = useInProcessEmulator();

/** What the evidence log says of each entry that matters here, in order. */
const logged = async (em: RunningEmulator, callSid: string) =>
  (await evidenceEntries(em, callSid)).map((e) => ({
    source: e.source,
    recordingSid: e.recordingSid,
    status: e.status,
    action: e.action,
    by: e.by,
  }));

/** The next change of `recordingSid` to `status` meets `kind` at Twilio. */
const faultOn = (em: RunningEmulator, recordingSid: string, status: string, kind: string, extra: object = {}) =>
  em.control('POST', '/faults', { kind, count: 1, match: recordingSid, method: 'POST', field: status, ...extra });

const recordingGets = async (em: RunningEmulator, mark: number, recordingSid: string) =>
  (await servedRequests(em)).slice(mark).filter((r) => r.method === 'GET' && r.path.includes(recordingSid));

describe('Twilio answers 500 to a change: the recording is read back', () => {
  test('applied before the 500: the pause is answered as done, the failure and the read-back logged, Sync paused', async () => {
    const em = stack.em;
    const { callSid, recordingSid } = await recordingCall(em);
    await faultOn(em, recordingSid, 'paused', '500-after');
    const mark = (await servedRequests(em)).length;
    const outcome = await control(em, callSid, { status: 'paused', recordingSid, all: false });
    expect(outcome).toEqual({
      ok: true,
      value: {
        callSid,
        recordingSid,
        status: 'paused',
        recordings: [{ recordingSid, status: 'paused' }],
        synced: true,
      },
    });
    expect(await recordingGets(em, mark, recordingSid)).toHaveLength(1);
    expect(await logged(em, callSid)).toEqual([
      { source: 'control', recordingSid, status: 'error', action: 'paused', by: 'studio:FWa' },
      { source: 'read-back', recordingSid, status: 'paused', action: undefined, by: 'twilio' },
    ]);
    const doc = await syncDocument(em, callSid);
    expect(doc?.recordings[recordingSid]?.status).toBe('paused');
    expect(doc?.unsettled).toBeUndefined();
  });

  test('not applied: 502 TWILIO_UNAVAILABLE naming the recording; Sync holds what was read back, settled', async () => {
    const em = stack.em;
    const { callSid, recordingSid } = await recordingCall(em);
    await faultOn(em, recordingSid, 'paused', '500');
    const outcome = await control(em, callSid, { status: 'paused', recordingSid, all: false });
    expect(outcome).toEqual({
      ok: false,
      error: {
        status: 502,
        code: 'TWILIO_UNAVAILABLE',
        twilioCode: 20500,
        message: `Twilio failed (HTTP 500) for recording ${recordingSid} of call ${callSid}; try again`,
      },
    });
    expect((await em.client.calls(callSid).recordings(recordingSid).fetch()).status).toBe('in-progress');
    expect(await logged(em, callSid)).toEqual([
      { source: 'control', recordingSid, status: 'error', action: 'paused', by: 'studio:FWa' },
      { source: 'read-back', recordingSid, status: 'in-progress', action: undefined, by: 'twilio' },
    ]);
    const doc = await syncDocument(em, callSid);
    expect(doc?.recordings[recordingSid]?.status).toBe('in-progress');
    expect(doc?.unsettled).toBeUndefined();
    expect(doc?.history).toEqual([]);
  });

  test('Twilio.CURRENT not applied: Twilio is listed, the answer names an active recording of the call', async () => {
    const em = stack.em;
    const { callSid, recordingSid } = await recordingCall(em);
    await faultOn(em, 'Twilio.CURRENT', 'paused', '500');
    const mark = (await servedRequests(em)).length;
    const outcome = await control(em, callSid, { status: 'paused', all: false });
    expect(outcome).toEqual({
      ok: false,
      error: {
        status: 502,
        code: 'TWILIO_UNAVAILABLE',
        twilioCode: 20500,
        message: `Twilio failed (HTTP 500) for an active recording of call ${callSid}; try again`,
      },
    });
    const served = (await servedRequests(em)).slice(mark);
    expect(
      served.filter((r) => r.method === 'GET' && r.path.endsWith(`/Calls/${callSid}/Recordings.json`)),
    ).toHaveLength(1);
    expect(await logged(em, callSid)).toEqual([
      { source: 'control', recordingSid: 'Twilio.CURRENT', status: 'error', action: 'paused', by: 'studio:FWa' },
      { source: 'read-back', recordingSid, status: 'in-progress', action: undefined, by: 'twilio' },
    ]);
  });

  test('Twilio.CURRENT applied: the listed recording that shows the pause answers it', async () => {
    const em = stack.em;
    const { callSid, recordingSid } = await recordingCall(em);
    await faultOn(em, 'Twilio.CURRENT', 'paused', '500-after');
    const outcome = await control(em, callSid, { status: 'paused', all: false });
    expect(outcome).toMatchObject({
      ok: true,
      value: {
        callSid,
        recordingSid,
        status: 'paused',
        recordings: [{ recordingSid, status: 'paused' }],
        synced: true,
      },
    });
  });

  test('a stop not applied leaves the start claim naming the recording still in progress', async () => {
    const em = stack.em;
    const call = await newCall(em.client);
    const fx = await instanceOn(em);
    const started = await fx.lib.start.startCallRecording(fx.deps('studio:FWa'), {
      callSid: call.sid,
      recordingChannels: 'mono',
      recordingTrack: 'both',
      trim: 'do-not-trim',
      recordingStatusCallback: 'http://127.0.0.1:9/callbacks/recording-status',
    });
    await faultOn(em, started.recordingSid, 'stopped', '500');
    const outcome = await control(em, call.sid, { status: 'stopped', recordingSid: started.recordingSid, all: false });
    expect(outcome).toMatchObject({ ok: false, error: { status: 502, code: 'TWILIO_UNAVAILABLE' } });
    expect((await claimOf(em, call.sid))?.recordingSid).toBe(started.recordingSid);
  });
});

describe('no answer before the deadline', () => {
  test('Twilio holds the pause past the Voice deadline: 504, the outcome logged unknown, Sync marked unsettled, no read-back', async () => {
    const em = stack.em;
    const { callSid, recordingSid } = await recordingCall(em);
    await faultOn(em, recordingSid, 'paused', 'hold');
    const mark = (await servedRequests(em)).length;
    const sent = Date.now();
    // The request arrived 6.6 s ago: 0.9 s of Voice time is left, then 1.5 s for Sync, too little for a read-back.
    const pausing = control(em, callSid, { status: 'paused', recordingSid, all: false }, 6_600);
    await heldRequests(em, 1);
    const outcome = await pausing;
    expect(outcome).toEqual({
      ok: false,
      error: {
        status: 504,
        code: 'TWILIO_TIMEOUT',
        message: `Twilio did not answer in time about recording ${recordingSid} of call ${callSid}: the change may or may not have been made`,
      },
    });
    expect(await recordingGets(em, mark, recordingSid)).toEqual([]);
    expect(await logged(em, callSid)).toEqual([
      { source: 'control', recordingSid, status: 'unknown', action: 'paused', by: 'studio:FWa' },
    ]);
    const doc = await syncDocument(em, callSid);
    expect(doc?.unsettled?.asked).toBe('paused');
    expect(Date.parse(doc!.unsettled!.since)).toBeGreaterThanOrEqual(sent);
    expect(Date.parse(doc!.unsettled!.since)).toBeLessThanOrEqual(Date.now());
    expect(doc?.recordings).toEqual({});
    // Twilio may still act: released, the pause is applied after the control answered.
    await em.control('POST', '/held/release');
    await waitFor('the held pause applied', async () =>
      (await em.client.calls(callSid).recordings(recordingSid).fetch()).status === 'paused' ? true : undefined,
    );
  });

  test('a 500 with the deadline near: no read-back, the outcome stays open and Sync is marked unsettled', async () => {
    const em = stack.em;
    const { callSid, recordingSid } = await recordingCall(em);
    await faultOn(em, recordingSid, 'paused', '500-after');
    const mark = (await servedRequests(em)).length;
    // 6.6 s ago: at most 2.4 s left of the request's time, less than a read-back and Sync's write need (2.5 s).
    const outcome = await control(em, callSid, { status: 'paused', recordingSid, all: false }, 6_600);
    expect(outcome).toMatchObject({ ok: false, error: { status: 502, code: 'TWILIO_UNAVAILABLE' } });
    expect(await recordingGets(em, mark, recordingSid)).toEqual([]);
    expect(await logged(em, callSid)).toEqual([
      { source: 'control', recordingSid, status: 'error', action: 'paused', by: 'studio:FWa' },
    ]);
    expect((await syncDocument(em, callSid))?.unsettled?.asked).toBe('paused');
  });

  test('a 500 with time left (5 s ago): read back, and settled', async () => {
    const em = stack.em;
    const { callSid, recordingSid } = await recordingCall(em);
    await faultOn(em, recordingSid, 'paused', '500-after');
    const mark = (await servedRequests(em)).length;
    const outcome = await control(em, callSid, { status: 'paused', recordingSid, all: false }, 5_000);
    expect(outcome).toMatchObject({ ok: true, value: { status: 'paused', synced: true } });
    expect(await recordingGets(em, mark, recordingSid)).toHaveLength(1);
    expect((await syncDocument(em, callSid))?.unsettled).toBeUndefined();
  });
});

describe("a control's history and evidence", () => {
  test('a pause with PauseBehavior and a reason: the history says paused (skip), the evidence keeps the reason', async () => {
    const em = stack.em;
    const { callSid, recordingSid } = await recordingCall(em);
    const outcome = await control(em, callSid, {
      status: 'paused',
      recordingSid,
      pauseBehavior: 'skip',
      all: false,
      reason: 'card number',
    });
    expect(outcome).toMatchObject({ ok: true, value: { status: 'paused', synced: true } });
    const doc = await syncDocument(em, callSid);
    expect(doc?.history.map((h) => [h.action, h.recordingSid, h.by])).toEqual([
      ['paused (skip)', recordingSid, 'studio:FWa'],
    ]);
    expect(doc?.recordings[recordingSid]).toMatchObject({ status: 'paused', pauseBehavior: 'skip' });
    const [entry, ...rest] = await evidenceEntries(em, callSid);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      source: 'control',
      recordingSid,
      status: 'paused',
      action: 'paused',
      pauseBehavior: 'skip',
      reason: 'card number',
      by: 'studio:FWa',
    });
  });

  test('a pause without PauseBehavior nor reason, then a resume: the history says paused, then in-progress; no reason logged', async () => {
    const em = stack.em;
    const { callSid, recordingSid } = await recordingCall(em);
    await control(em, callSid, { status: 'paused', recordingSid, all: false });
    await control(em, callSid, { status: 'in-progress', recordingSid, all: false });
    const doc = await syncDocument(em, callSid);
    expect(doc?.history.map((h) => h.action)).toEqual(['paused', 'in-progress']);
    const entries = await evidenceEntries(em, callSid);
    expect(entries.map((e) => [e.source, e.status])).toEqual([
      ['control', 'paused'],
      ['intent', 'in-progress'],
      ['control', 'in-progress'],
    ]);
    expect(entries.map((e) => 'reason' in e)).toEqual([false, false, false]);
  });
});

const claimOf = async (em: RunningEmulator, callSid: string) =>
  em.client.sync.v1
    .services('default')
    .syncMaps(`recording-controls-${callSid}`)
    .syncMapItems('claim')
    .fetch()
    .then(
      (item) => item.data as { recordingSid?: string },
      () => undefined,
    );

describe('a stop and the start claim', () => {
  async function started(em: RunningEmulator) {
    const call = await newCall(em.client);
    const fx = await instanceOn(em);
    const start = await fx.lib.start.startCallRecording(fx.deps('studio:FWa'), {
      callSid: call.sid,
      recordingChannels: 'mono',
      recordingTrack: 'both',
      trim: 'do-not-trim',
      recordingStatusCallback: 'http://127.0.0.1:9/callbacks/recording-status',
    });
    expect((await claimOf(em, call.sid))?.recordingSid).toBe(start.recordingSid);
    return { callSid: call.sid, recordingSid: start.recordingSid };
  }

  test('a stop of the recording the claim names removes the claim', async () => {
    const em = stack.em;
    const { callSid, recordingSid } = await started(em);
    const outcome = await control(em, callSid, { status: 'stopped', recordingSid, all: false });
    expect(outcome).toMatchObject({ ok: true, value: { status: 'stopped', synced: true } });
    expect(await claimOf(em, callSid)).toBeUndefined();
  });

  test('a pause leaves the claim, and does not read it', async () => {
    const em = stack.em;
    const { callSid, recordingSid } = await started(em);
    const mark = (await servedRequests(em)).length;
    await control(em, callSid, { status: 'paused', recordingSid, all: false });
    const served = (await servedRequests(em)).slice(mark);
    expect(served.filter((r) => r.path.endsWith('/Items/claim'))).toEqual([]);
    expect((await claimOf(em, callSid))?.recordingSid).toBe(recordingSid);
  });
});

describe('a pause and a resume whose requests overlapped', () => {
  test("the pause answered last, applied last: Sync is read back to Twilio's truth (paused), the read-back logged", async () => {
    const em = stack.em;
    const { callSid, recordingSid } = await recordingCall(em);
    // The pause is held unapplied at Twilio while a resume is sent, applied and answered: its window
    // lies inside the pause's, so Sync cannot tell their order from the windows.
    await faultOn(em, recordingSid, 'paused', 'hold');
    const pausing = control(em, callSid, { status: 'paused', recordingSid, all: false }, 0, 'studio:FWa');
    await heldRequests(em, 1);
    // The pause's read of Sync, sent beside its update, has found no document yet.
    await waitFor("the pause's Sync read", async () =>
      (await servedRequests(em)).find((r) => r.method === 'GET' && r.path.endsWith(`${callSid}/Items/state`)),
    );
    const resume = await control(em, callSid, { status: 'in-progress', recordingSid, all: false }, 0, 'studio:FWb');
    expect(resume).toMatchObject({ ok: true, value: { status: 'in-progress', synced: true } });
    expect((await syncDocument(em, callSid))?.recordings[recordingSid]?.status).toBe('in-progress');
    const mark = (await servedRequests(em)).length;
    await em.control('POST', '/held/release');
    const pause = await pausing;
    // The pause's first write (a create: its read found none) met the resume's document (409), was made
    // again on a fresh read; the read-back's write reads the document anew: no second conflict.
    const conflicts = (await servedRequests(em))
      .slice(mark)
      .filter((r) => r.method === 'POST' && r.path.endsWith(`recording-controls-${callSid}/Items`) && r.status === 409);
    expect(conflicts).toHaveLength(1);
    expect(pause).toMatchObject({ ok: true, value: { status: 'paused', synced: true } });
    expect((await em.client.calls(callSid).recordings(recordingSid).fetch()).status).toBe('paused');
    expect((await syncDocument(em, callSid))?.recordings[recordingSid]?.status).toBe('paused');
    expect(await logged(em, callSid)).toEqual([
      { source: 'intent', recordingSid, status: 'in-progress', action: 'in-progress', by: 'studio:FWb' },
      { source: 'control', recordingSid, status: 'in-progress', action: 'in-progress', by: 'studio:FWb' },
      { source: 'control', recordingSid, status: 'paused', action: 'paused', by: 'studio:FWa' },
      { source: 'read-back', recordingSid, status: 'paused', action: undefined, by: 'twilio' },
    ]);
  });
});

describe('settling what overlapping controls leave open', () => {
  /**
   * Instance A pauses while the pause is held at Twilio, B resumes meanwhile (its window inside A's), and
   * after the hold is released, A's write finds B's status concurrent. `wrap` may change A's owner first.
   */
  async function overlapped(em: RunningEmulator, wrap?: (owner: import('../../../lib/twilio/voice').Owner) => void) {
    const { callSid, recordingSid } = await recordingCall(em);
    await faultOn(em, recordingSid, 'paused', 'hold');
    const a = await instanceOn(em);
    const deps = a.deps('studio:FWa');
    const owner = a.lib.voice.callOwner(deps.client, callSid);
    wrap?.(owner);
    const pausing = a.lib.setStatus
      .setRecordingStatus(deps, owner, { status: 'paused', recordingSid, all: false })
      .then(
        (value) => ({ ok: true as const, value }),
        (error: { code?: string }) => ({ ok: false as const, error }),
      );
    await heldRequests(em, 1);
    await control(em, callSid, { status: 'in-progress', recordingSid, all: false }, 0, 'studio:FWb');
    return { callSid, recordingSid, pausing };
  }

  test("the read-back's append is awaited: the answer comes once Twilio's truth is in the log", async () => {
    const em = stack.em;
    const { callSid, recordingSid, pausing } = await overlapped(em);
    // The read-back's entry is slow to append: an answer that did not wait for it would come first.
    await em.control('POST', '/faults', { kind: 'latency', ms: 300, count: 1, method: 'POST', field: 'read-back' });
    await em.control('POST', '/held/release');
    expect(await pausing).toMatchObject({ ok: true, value: { status: 'paused', synced: true } });
    expect((await evidenceEntries(em, callSid)).filter((e) => e.source === 'read-back')).toMatchObject([
      { recordingSid, status: 'paused', by: 'twilio' },
    ]);
  });

  test("when the read-back fails, the control still answers what Twilio did, and says Sync's order is unknown", async () => {
    const em = stack.em;
    const { callSid, recordingSid, pausing } = await overlapped(em);
    // Twilio refuses the read 429 with a minute to wait: no time to retry it.
    await em.control('POST', '/faults', { kind: '429', retryAfter: 60, count: 1, match: recordingSid, method: 'GET' });
    await em.control('POST', '/held/release');
    expect(await pausing).toEqual({
      ok: true,
      value: {
        callSid,
        recordingSid,
        status: 'paused',
        recordings: [{ recordingSid, status: 'paused' }],
        synced: false,
        syncError: {
          code: 'TWILIO_RATE_LIMITED',
          message:
            "The recording's order against a concurrent control is unknown: Twilio kept answering 429 Too Many Requests; try again later",
        },
      },
    });
    // Sync keeps the resume's status (stale: Twilio's is paused), and the answer says so.
    expect((await syncDocument(em, callSid))?.recordings[recordingSid]?.status).toBe('in-progress');
  });

  test('controls that keep overlapping each read-back: after 3 read-backs, 200 with synced false, SYNC_UNSETTLED', async () => {
    const em = stack.em;
    const b = await instanceOn(em);
    let reads = 0;
    let callSid = '';
    const { pausing, ...rest } = await overlapped(em, (owner) => {
      const fetch = owner.fetch.bind(owner);
      // Each read-back reads Twilio, then another control changes the recording before it is answered:
      // the read is older than that control's answer, and its window overlaps it.
      owner.fetch = async (sid) => {
        const read = await fetch(sid);
        reads += 1;
        const deps = b.deps('studio:FWb');
        await b.lib.setStatus.setRecordingStatus(deps, b.lib.voice.callOwner(deps.client, callSid), {
          status: read.status === 'paused' ? 'in-progress' : 'paused',
          recordingSid: sid,
          all: false,
        });
        return read;
      };
    });
    callSid = rest.callSid;
    await em.control('POST', '/held/release');
    expect(await pausing).toMatchObject({
      ok: true,
      value: {
        status: 'paused',
        synced: false,
        syncError: {
          code: 'SYNC_UNSETTLED',
          message: 'Concurrent controls kept changing the recording; its Sync status may be stale',
        },
      },
    });
    expect(reads).toBe(3);
    const readBacks = (await evidenceEntries(em, callSid)).filter((e) => e.source === 'read-back');
    expect(readBacks.map((e) => e.status)).toEqual(['paused', 'in-progress', 'paused']);
  });
});

describe('a document that cannot track one more recording (40 active)', () => {
  test('the pause stands on Twilio, its history is written, and the answer says TOO_MANY_RECORDINGS', async () => {
    const em = stack.em;
    const { callSid, recordingSid } = await recordingCall(em);
    const fx = await instanceOn(em);
    const others = Array.from({ length: 40 }, (_, i) => `RE${String(i).padStart(32, '0')}`);
    await fx.deps('studio:FWa').store.update(callSid, (doc) => ({
      ...doc,
      recordings: Object.fromEntries(others.map((sid) => [sid, { status: 'in-progress' as const }])),
    }));
    const outcome = await control(em, callSid, { status: 'paused', recordingSid, all: false });
    expect(outcome).toMatchObject({
      ok: true,
      value: {
        status: 'paused',
        synced: false,
        syncError: {
          code: 'TOO_MANY_RECORDINGS',
          message: `${callSid} already has 40 active recordings in its Sync document; ${recordingSid} is not tracked`,
        },
      },
    });
    const doc = await syncDocument(em, callSid);
    expect(doc?.recordings[recordingSid]).toBeUndefined();
    expect(doc?.history.map((h) => [h.action, h.recordingSid])).toEqual([['paused', recordingSid]]);
  });
});

test('a change that cannot reach Twilio: 502 TWILIO_UNREACHABLE, logged unknown, read back, and Sync marked unsettled', async () => {
  const em = stack.em;
  const { callSid, recordingSid } = await recordingCall(em);
  const a = await instanceOn(em);
  const deps = a.deps('studio:FWa');
  // The update alone goes to a port nothing listens on (a lost connection: Twilio may have acted).
  const nowhere = await instanceOn(em, { TWILIO_API_BASE_URL: 'http://127.0.0.1:9' });
  const lost = nowhere.lib.voice.callOwner(nowhere.deps('studio:FWa').client, callSid);
  const owner = { ...a.lib.voice.callOwner(deps.client, callSid), update: lost.update };
  const sent = Date.now();
  await expect(
    a.lib.setStatus.setRecordingStatus(deps, owner, { status: 'paused', recordingSid, all: false }),
  ).rejects.toMatchObject({ status: 502, code: 'TWILIO_UNREACHABLE' });
  expect(await logged(em, callSid)).toEqual([
    { source: 'control', recordingSid, status: 'unknown', action: 'paused', by: 'studio:FWa' },
    { source: 'read-back', recordingSid, status: 'in-progress', action: undefined, by: 'twilio' },
  ]);
  const doc = await syncDocument(em, callSid);
  expect(doc?.recordings[recordingSid]?.status).toBe('in-progress');
  expect(doc?.unsettled?.asked).toBe('paused');
  expect(Date.parse(doc!.unsettled!.since)).toBeGreaterThanOrEqual(sent);
});

test('a pause waits for two round trips in sequence: the Sync read runs beside the update, the writes after it', async () => {
  const em = stack.em;
  const { callSid, recordingSid } = await recordingCall(em);
  // A first control makes the call's Map and the console's index: no round trip of the one measured.
  await control(em, callSid, { status: 'in-progress', recordingSid, all: false });
  await setLatency(em, { voice: 120, sync: 60 });
  const from = performance.timeOrigin + performance.now();
  const outcome = await control(em, callSid, { status: 'paused', recordingSid, all: false });
  const to = performance.timeOrigin + performance.now();
  await setLatency(em, { voice: 0, sync: 0 });
  expect(outcome).toMatchObject({ ok: true, value: { status: 'paused', synced: true } });
  expect(inSequence(await servedRequests(em), [from, to])).toBe(2);
});

describe('All=true: each recording answered on its own', () => {
  /** A call with two active recordings; `first` meets `fault` on its pause. */
  async function twoRecordings(em: RunningEmulator, fault: string) {
    const { callSid, recordingSid: first } = await recordingCall(em);
    const second = (await em.client.calls(callSid).recordings.create()).sid;
    await faultOn(em, first, 'paused', fault);
    return { callSid, first, second };
  }

  test("two 500s, one applied: 502 for the other; the applied one's read-back confirms only its own", async () => {
    const em = stack.em;
    const { callSid, first, second } = await twoRecordings(em, '500');
    await faultOn(em, second, 'paused', '500-after');
    const outcome = await control(em, callSid, { status: 'paused', all: true });
    expect(outcome).toEqual({
      ok: false,
      error: {
        status: 502,
        code: 'TWILIO_UNAVAILABLE',
        twilioCode: 20500,
        message: `Twilio failed (HTTP 500) for recording ${first} of call ${callSid}; try again`,
      },
    });
    const doc = await syncDocument(em, callSid);
    expect([doc?.recordings[first]?.status, doc?.recordings[second]?.status]).toEqual(['in-progress', 'paused']);
    expect(doc?.unsettled).toBeUndefined();
    expect((await logged(em, callSid)).map((e) => [e.source, e.recordingSid, e.status]).sort()).toEqual(
      [
        ['control', first, 'error'],
        ['control', second, 'error'],
        ['read-back', first, 'in-progress'],
        ['read-back', second, 'paused'],
      ].sort(),
    );
  });

  test('one paused, one whose 500 cannot be read back before the deadline: Sync is marked unsettled', async () => {
    const em = stack.em;
    const { callSid, first, second } = await twoRecordings(em, '500-after');
    const outcome = await control(em, callSid, { status: 'paused', all: true }, 6_600);
    expect(outcome).toMatchObject({ ok: false, error: { status: 502, code: 'TWILIO_UNAVAILABLE' } });
    const doc = await syncDocument(em, callSid);
    // The applied one is written; the open one is not (nothing was read of it), and the document says so.
    expect(doc?.recordings[second]?.status).toBe('paused');
    expect(doc?.recordings[first]).toBeUndefined();
    expect(doc?.unsettled?.asked).toBe('paused');
  });
});

test('a read-back that fails leaves the outcome open: 502 for the 500, and Sync marked unsettled', async () => {
  const em = stack.em;
  const { callSid, recordingSid } = await recordingCall(em);
  await faultOn(em, recordingSid, 'paused', '500-after');
  // Twilio refuses the read 429 with a minute to wait: no time to retry it.
  await em.control('POST', '/faults', { kind: '429', retryAfter: 60, count: 1, match: recordingSid, method: 'GET' });
  const outcome = await control(em, callSid, { status: 'paused', recordingSid, all: false });
  expect(outcome).toEqual({
    ok: false,
    error: {
      status: 502,
      code: 'TWILIO_UNAVAILABLE',
      twilioCode: 20500,
      message: `Twilio failed (HTTP 500) for recording ${recordingSid} of call ${callSid}; try again`,
    },
  });
  expect(await logged(em, callSid)).toEqual([
    { source: 'control', recordingSid, status: 'error', action: 'paused', by: 'studio:FWa' },
  ]);
  expect((await syncDocument(em, callSid))?.unsettled?.asked).toBe('paused');
});
