// Twilio's recording status callbacks in-process: signed ones keep Sync and the evidence true, in any
// order; an unsigned one is refused before anything is written. A live callback for a recording the state
// does not know (late, replayed, or before its start wrote it) is checked with Twilio; one the state may
// have forgotten too, and one Twilio no longer has is written only when it says the recording ended. Once
// its fact is in the evidence, a callback whose state Sync could not take is answered as received; when
// neither was written, or the state refused the fact itself, it is refused.
import twilio from 'twilio';
import { newCall } from '../../../harness/calls';
import { evidenceEntries, servedRequests, syncDocument, writeState } from '../../../harness/functions';
import { contextFor, errorCodeOf, runFunction, useInProcessEmulator } from '../../../harness/in-process';
import { AUTH_TOKEN } from '../../../harness/stack';
import { recordStatusCallback } from '../../../lib/controls/status-callback';
import { mapName } from '../../../lib/sync/call-map';
import { evidenceLog, recordingStore } from '../../../lib/runtime/wiring';
import { twilioClient } from '../../../lib/twilio/client';
import { Deadline } from '../../../lib/twilio/deadline';
import { callOwner } from '../../../lib/twilio/voice';

const stack = useInProcessEmulator();
const URL = 'http://127.0.0.1:3000/callbacks/recording-status';

const callback = (params: Record<string, string>, signed = true) =>
  runFunction(stack.em, '/callbacks/recording-status', params, {
    headers: signed ? { 'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, URL, params) } : {},
  });

async function recorded() {
  const call = await newCall(stack.em.client);
  const rec = await stack.em.client.calls(call.sid).recordings.create();
  return { callSid: call.sid, recordingSid: rec.sid };
}

test('in-progress then completed: Sync follows, each callback is evidence', async () => {
  const { callSid, recordingSid } = await recorded();
  const base = { CallSid: callSid, RecordingSid: recordingSid, AccountSid: 'AC00000000000000000000000000000000' };
  expect((await callback({ ...base, RecordingStatus: 'in-progress' })).statusCode).toBe(204);
  expect((await syncDocument(stack.em, callSid))?.recordings[recordingSid].status).toBe('in-progress');
  expect(
    (await callback({ ...base, RecordingStatus: 'completed', RecordingDuration: '12', RecordingChannels: '2' }))
      .statusCode,
  ).toBe(204);
  expect((await syncDocument(stack.em, callSid))?.recordings[recordingSid]).toMatchObject({
    status: 'completed',
    duration: 12,
    channels: 2,
  });
  expect((await evidenceEntries(stack.em, callSid)).map((e) => [e.source, e.status, e.by])).toEqual([
    ['callback', 'in-progress', 'twilio'],
    ['callback', 'completed', 'twilio'],
  ]);
});

test('a late in-progress after completed never revives the recording', async () => {
  const { callSid, recordingSid } = await recorded();
  const base = { CallSid: callSid, RecordingSid: recordingSid };
  await callback({ ...base, RecordingStatus: 'completed' });
  await callback({ ...base, RecordingStatus: 'in-progress' });
  expect((await syncDocument(stack.em, callSid))?.recordings[recordingSid].status).toBe('completed');
});

test('unsigned, or signed with another token: 403 INVALID_SIGNATURE, nothing read or written', async () => {
  const { callSid, recordingSid } = await recorded();
  const params = { CallSid: callSid, RecordingSid: recordingSid, RecordingStatus: 'completed' };
  const mark = (await servedRequests(stack.em)).length;
  const unsigned = await callback(params, false);
  expect([unsigned.statusCode, errorCodeOf(unsigned)]).toEqual([403, 'INVALID_SIGNATURE']);
  const forged = await runFunction(stack.em, '/callbacks/recording-status', params, {
    headers: { 'x-twilio-signature': twilio.getExpectedTwilioSignature('another-token', URL, params) },
  });
  expect([forged.statusCode, errorCodeOf(forged)]).toEqual([403, 'INVALID_SIGNATURE']);
  expect((await servedRequests(stack.em)).slice(mark)).toEqual([]);
});

test('neither CallSid nor ConferenceSid: 400 MISSING_PARAMETER', async () => {
  const answer = await callback({ RecordingSid: 'RE' + '0'.repeat(32), RecordingStatus: 'completed' });
  expect([answer.statusCode, errorCodeOf(answer)]).toEqual([400, 'MISSING_PARAMETER']);
  expect((answer.body as { error: { message: string } }).error.message).toBe('CallSid or ConferenceSid is required');
});

/** The GETs of one recording Twilio served after `mark`: the callback checking it. */
const fetchesOf = async (recordingSid: string, mark: number) =>
  (await servedRequests(stack.em))
    .slice(mark)
    .filter((r) => r.method === 'GET' && r.path.endsWith(`/Recordings/${recordingSid}.json`));

/** The next `count` creations of the call's Map items whose form names `field` fail (500). */
const itemCreationsFail = (callSid: string, field: string, count: number) =>
  stack.em.control('POST', '/faults', {
    kind: '500',
    count,
    match: `${mapName(callSid)}/Items`,
    method: 'POST',
    field,
  });

/** The next write of the call's state to Sync, its creation (not retried: Sync may have applied it), fails. */
const stateWriteFails = (callSid: string) => itemCreationsFail(callSid, 'state', 1);

/** The next append to the call's evidence log fails, and its one retry. */
const evidenceFails = (callSid: string) => itemCreationsFail(callSid, 'log-', 2);

/** A recording the call had, deleted on Twilio since (404). */
async function deleted(callSid: string) {
  const rec = await stack.em.client.calls(callSid).recordings.create();
  await stack.em.client.calls(callSid).recordings(rec.sid).remove();
  return rec.sid;
}

test("each callback is evidence as it came, with the recording's start time", async () => {
  const { callSid, recordingSid } = await recorded();
  const answer = await callback({
    CallSid: callSid,
    RecordingSid: recordingSid,
    RecordingStatus: 'completed',
    RecordingStartTime: 'Mon, 07 Dec 2026 12:00:00 +0000',
  });
  expect(answer.statusCode).toBe(204);
  expect(await evidenceEntries(stack.em, callSid)).toEqual([
    {
      id: expect.any(String),
      at: expect.any(String),
      recordingSid,
      status: 'completed',
      by: 'twilio',
      source: 'callback',
      startTime: '2026-12-07T12:00:00.000Z',
    },
  ]);
});

test('a live callback for a recording the state does not know (late or replayed): what Twilio answers now is written, not the callback', async () => {
  const { callSid, recordingSid } = await recorded();
  await stack.em.client.calls(callSid).recordings(recordingSid).update({ status: 'paused' });
  const mark = (await servedRequests(stack.em)).length;
  const answer = await callback({ CallSid: callSid, RecordingSid: recordingSid, RecordingStatus: 'in-progress' });
  expect(answer.statusCode).toBe(204);
  expect(await fetchesOf(recordingSid, mark)).toHaveLength(1);
  const doc = await syncDocument(stack.em, callSid);
  expect(doc?.recordings[recordingSid]).toMatchObject({
    status: 'paused',
    ev: [expect.any(Number), expect.any(Number), expect.any(String)],
  });
  // The evidence keeps what the callback said.
  expect((await evidenceEntries(stack.em, callSid)).map((e) => [e.source, e.status])).toEqual([
    ['callback', 'in-progress'],
  ]);
});

test('a live callback for a recording the state knows is merged without asking Twilio', async () => {
  const { callSid, recordingSid } = await recorded();
  const base = { CallSid: callSid, RecordingSid: recordingSid, RecordingStatus: 'in-progress' };
  await callback(base);
  const mark = (await servedRequests(stack.em)).length;
  const url = `https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000000/Recordings/${recordingSid}`;
  expect((await callback({ ...base, RecordingUrl: url })).statusCode).toBe(204);
  expect(await fetchesOf(recordingSid, mark)).toEqual([]);
  expect((await syncDocument(stack.em, callSid))?.recordings[recordingSid]).toMatchObject({
    status: 'in-progress',
    url,
  });
});

test('the state may have forgotten the recording and Twilio no longer has it (404): a completed callback is written, a live one is not', async () => {
  const call = await newCall(stack.em.client);
  await writeState(stack.em, call.sid, { sid: call.sid, recordings: {}, history: [], forgot: true });
  const [ended, live] = [await deleted(call.sid), await deleted(call.sid)];
  const completed = await callback({ CallSid: call.sid, RecordingSid: ended, RecordingStatus: 'completed' });
  const inProgress = await callback({ CallSid: call.sid, RecordingSid: live, RecordingStatus: 'in-progress' });
  expect([completed.statusCode, inProgress.statusCode]).toEqual([204, 204]);
  const doc = await syncDocument(stack.em, call.sid);
  expect(Object.fromEntries(Object.entries(doc!.recordings).map(([sid, r]) => [sid, r.status]))).toEqual({
    [ended]: 'completed',
  });
  expect((await evidenceEntries(stack.em, call.sid)).map((e) => [e.recordingSid, e.status])).toEqual([
    [ended, 'completed'],
    [live, 'in-progress'],
  ]);
});

test('the state refuses the fact (a 41st active recording): 409 TOO_MANY_RECORDINGS, said to Twilio, the evidence logged', async () => {
  const { callSid, recordingSid } = await recorded();
  const others = Array.from({ length: 40 }, (_, i) => `RE${String(i).padStart(32, '0')}`);
  await writeState(stack.em, callSid, {
    sid: callSid,
    recordings: Object.fromEntries(others.map((sid) => [sid, { status: 'in-progress' }])),
    history: [],
  });
  const answer = await callback({ CallSid: callSid, RecordingSid: recordingSid, RecordingStatus: 'in-progress' });
  expect([answer.statusCode, errorCodeOf(answer)]).toEqual([409, 'TOO_MANY_RECORDINGS']);
  expect((await syncDocument(stack.em, callSid))?.recordings[recordingSid]).toBeUndefined();
  expect((await evidenceEntries(stack.em, callSid)).map((e) => [e.recordingSid, e.status])).toEqual([
    [recordingSid, 'in-progress'],
  ]);
});

describe('Sync unavailable', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  test("the fact in the evidence: answered 204 (Twilio never sends it again), the state's miss in the log", async () => {
    const { callSid, recordingSid } = await recorded();
    await stateWriteFails(callSid);
    const answer = await callback({ CallSid: callSid, RecordingSid: recordingSid, RecordingStatus: 'completed' });
    expect(answer.statusCode).toBe(204);
    expect(warn).toHaveBeenCalledWith(
      `recording-controls: the completed callback of ${recordingSid} is kept in the evidence log of ${callSid}, but its state missed it: Twilio failed (HTTP 500) for the Sync document of ${callSid}; try again`,
    );
    expect(await syncDocument(stack.em, callSid)).toBeUndefined();
    expect((await evidenceEntries(stack.em, callSid)).map((e) => [e.recordingSid, e.status])).toEqual([
      [recordingSid, 'completed'],
    ]);
  });

  test('neither the state nor the evidence written: refused, 502 TWILIO_UNAVAILABLE', async () => {
    const { callSid, recordingSid } = await recorded();
    await stateWriteFails(callSid);
    await evidenceFails(callSid);
    const answer = await callback({ CallSid: callSid, RecordingSid: recordingSid, RecordingStatus: 'completed' });
    expect([answer.statusCode, errorCodeOf(answer)]).toEqual([502, 'TWILIO_UNAVAILABLE']);
    expect(await evidenceEntries(stack.em, callSid)).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
  });

  test('without an evidence log to keep the fact: refused', async () => {
    const { callSid, recordingSid } = await recorded();
    await stateWriteFails(callSid);
    const context = contextFor(stack.em);
    const deadline = Deadline.fromArrival(Date.now());
    const client = twilioClient(context, deadline);
    const recording = recordStatusCallback(recordingStore(context, deadline, client), callOwner(client, callSid), {
      recordingSid,
      status: 'completed',
      details: {},
    });
    await expect(recording).rejects.toMatchObject({ status: 502, code: 'TWILIO_UNAVAILABLE' });
  });

  test('a live callback Twilio cannot be asked about (5xx to the deadline): kept in the evidence, the state untouched, the miss in the log', async () => {
    const { callSid, recordingSid } = await recorded();
    await stack.em.control('POST', '/faults', {
      kind: '500',
      count: 10,
      match: `/Recordings/${recordingSid}.json`,
      method: 'GET',
    });
    const context = contextFor(stack.em);
    const deadline = Deadline.fromArrival(Date.now());
    const client = twilioClient(context, deadline);
    // Twilio's requests of this callback have 300 ms: no time to retry the 500.
    const owner = callOwner(twilioClient(context, new Deadline(Date.now() + 300)), callSid);
    await recordStatusCallback(
      recordingStore(context, deadline, client),
      owner,
      { recordingSid, status: 'in-progress', details: {} },
      evidenceLog(context, client),
    );
    expect(warn).toHaveBeenCalledWith(
      `recording-controls: the in-progress callback of ${recordingSid} is kept in the evidence log of ${callSid}, but its state missed it: Twilio failed (HTTP 500) for recording ${recordingSid} of call ${callSid}; try again`,
    );
    expect(await syncDocument(stack.em, callSid)).toBeUndefined();
    expect((await evidenceEntries(stack.em, callSid)).map((e) => [e.recordingSid, e.status])).toEqual([
      [recordingSid, 'in-progress'],
    ]);
  });

  test('a live callback Twilio cannot be asked about, and the evidence not written either: refused 502 naming the recording', async () => {
    const { callSid, recordingSid } = await recorded();
    await stack.em.control('POST', '/faults', {
      kind: '500',
      count: 10,
      match: `/Recordings/${recordingSid}.json`,
      method: 'GET',
    });
    await evidenceFails(callSid);
    const context = contextFor(stack.em);
    const deadline = Deadline.fromArrival(Date.now());
    const client = twilioClient(context, deadline);
    const owner = callOwner(twilioClient(context, new Deadline(Date.now() + 300)), callSid);
    // Twilio's error as it came was answered 500 INTERNAL_ERROR, "the control failed unexpectedly".
    await expect(
      recordStatusCallback(
        recordingStore(context, deadline, client),
        owner,
        { recordingSid, status: 'in-progress', details: {} },
        evidenceLog(context, client),
      ),
    ).rejects.toMatchObject({
      status: 502,
      code: 'TWILIO_UNAVAILABLE',
      message: `Twilio failed (HTTP 500) for recording ${recordingSid} of call ${callSid}; try again`,
    });
  });
});
