// /recording/status in-process: Twilio's list read beside Sync every time (one Voice request); Twilio's
// answer is what the flow gets, and what Sync is told only when they differ.
import { conferenceCalls, newCall } from '../../../harness/calls';
import { callbacksIdle, evidenceEntries, servedRequests, syncDocument, writeState } from '../../../harness/functions';
import { atTime, contextFor, errorCodeOf, runFunction, useInProcessEmulator } from '../../../harness/in-process';
import { describeRecordings } from '../../../lib/controls/describe';
import { LATEST_EFFECT_MS } from '../../../lib/model/statuses';
import { controlDeps } from '../../../lib/runtime/wiring';
import { callOwner } from '../../../lib/twilio/voice';

const stack = useInProcessEmulator();
const status = (params: Record<string, unknown>, env = {}) =>
  runFunction(stack.em, '/recording/status', params, { env });
const voiceRequests = async (mark: number) =>
  (await servedRequests(stack.em)).slice(mark).filter((r) => r.path.startsWith('/2010-04-01/'));

test('a call Sync never heard of: not recording, unknown, Twilio asked once', async () => {
  const call = await newCall(stack.em.client);
  const mark = (await servedRequests(stack.em)).length;
  const answer = await status({ CallSid: call.sid });
  expect(answer.statusCode).toBe(200);
  expect(answer.body).toEqual({
    callSid: call.sid,
    status: 'not-recording',
    recording: false,
    paused: false,
    known: false,
    checkedWithTwilio: true,
    activeRecordingSids: [],
    recordings: [],
    history: [],
  });
  expect(await voiceRequests(mark)).toHaveLength(1);
});

test('recording per Sync and Twilio: one list read beside Sync, nothing written', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  const rec = await em.client.calls(call.sid).recordings.create();
  await runFunction(em, '/recording/set-status', { CallSid: call.sid, Status: 'in-progress' });
  const mark = (await servedRequests(em)).length;
  const answer = await status({ CallSid: call.sid });
  expect(answer.body).toMatchObject({
    status: 'recording',
    recording: true,
    paused: false,
    known: true,
    checkedWithTwilio: true,
    activeRecordingSids: [rec.sid],
  });
  expect(await voiceRequests(mark)).toHaveLength(1);
  const syncWrites = (await servedRequests(em))
    .slice(mark)
    .filter((r) => r.method === 'POST' && r.path.startsWith('/v1/Services'));
  expect(syncWrites).toEqual([]);
});

test('a pause Sync claims is checked with Twilio: resumed behind its back, the answer is recording, and Sync is told', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  const rec = await em.client.calls(call.sid).recordings.create();
  await runFunction(em, '/recording/set-status', { CallSid: call.sid, Status: 'paused' });
  expect((await status({ CallSid: call.sid })).body).toMatchObject({
    status: 'paused',
    paused: true,
    checkedWithTwilio: true,
    pausedSince: expect.any(String),
    pauseAlert: false,
  });
  // Resumed directly on Twilio: Sync still says paused.
  await em.client.calls(call.sid).recordings(rec.sid).update({ status: 'in-progress' });
  expect((await syncDocument(em, call.sid))?.recordings[rec.sid].status).toBe('paused');
  const answer = await status({ CallSid: call.sid });
  expect(answer.body).toMatchObject({
    status: 'recording',
    recording: true,
    paused: false,
    checkedWithTwilio: true,
    activeRecordingSids: [rec.sid],
  });
  expect((await syncDocument(em, call.sid))?.recordings[rec.sid].status).toBe('in-progress');
});

test('a pause past PAUSE_ALERT_SECONDS is flagged; exactly one of CallSid and ConferenceSid', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  await em.client.calls(call.sid).recordings.create();
  await runFunction(em, '/recording/set-status', { CallSid: call.sid, Status: 'paused' });
  // Asked 1.1 s later by the Function's clock (the emulator's too: it shares this process).
  const later = await atTime(Date.now() + 1_100, () => status({ CallSid: call.sid }, { PAUSE_ALERT_SECONDS: '1' }));
  expect(later.body).toMatchObject({
    paused: true,
    pauseAlert: true,
  });
  const both = await status({ CallSid: call.sid, ConferenceSid: 'CF' + '0'.repeat(32) });
  expect([both.statusCode, errorCodeOf(both)]).toEqual([400, 'INVALID_PARAMETER']);
  const neither = await status({});
  expect([neither.statusCode, errorCodeOf(neither)]).toEqual([400, 'INVALID_PARAMETER']);
});

type Described = {
  status: string;
  activeRecordingSids: string[];
  recordings: Array<Record<string, unknown>>;
  unsettled?: unknown;
};
const described = async (params: Record<string, unknown>) => (await status(params)).body as Described;
const writesSince = async (mark: number) =>
  (await servedRequests(stack.em)).slice(mark).filter((r) => r.method === 'POST' && r.path.startsWith('/v1/Services'));

test('recordings Sync never heard of (made through the API, one since ended): counted from Twilio, told to Sync, logged as read-backs', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  const ended = await em.client.calls(call.sid).recordings.create();
  await em.client.calls(call.sid).recordings(ended.sid).update({ status: 'stopped' });
  await callbacksIdle(em);
  const live = await em.client.calls(call.sid).recordings.create();
  const answer = await described({ CallSid: call.sid });
  expect([answer.status, answer.activeRecordingSids]).toEqual(['recording', [live.sid]]);
  const doc = await syncDocument(em, call.sid);
  expect(Object.fromEntries(Object.entries(doc!.recordings).map(([sid, r]) => [sid, r.status]))).toEqual({
    [ended.sid]: 'completed',
    [live.sid]: 'in-progress',
  });
  // What the flow is told of each recording is what Sync now keeps, but the request window (ev).
  expect(answer.recordings).toEqual(
    Object.entries(doc!.recordings).map(([recordingSid, { ev: _ev, ...r }]) => ({ recordingSid, ...r })),
  );
  expect(answer.recordings).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ recordingSid: live.sid, at: { 'in-progress': expect.any(String) } }),
    ]),
  );
  expect((await evidenceEntries(em, call.sid)).map((e) => [e.recordingSid, e.status, e.source]).sort()).toEqual(
    [
      [ended.sid, 'completed', 'read-back'],
      [live.sid, 'in-progress', 'read-back'],
    ].sort(),
  );
});

test("an ended recording Sync dropped (a tombstone) or forgot agrees with Twilio's list: nothing written", async () => {
  const em = stack.em;
  for (const state of [(sid: string) => ({ ended: sid.slice(2, 14) }), () => ({ forgot: true })]) {
    const call = await newCall(em.client);
    const rec = await em.client.calls(call.sid).recordings.create();
    await em.client.calls(call.sid).recordings(rec.sid).update({ status: 'stopped' });
    await callbacksIdle(em);
    await writeState(em, call.sid, { sid: call.sid, recordings: {}, history: [], ...state(rec.sid) });
    const mark = (await servedRequests(em)).length;
    const answer = await described({ CallSid: call.sid });
    expect([answer.status, answer.activeRecordingSids]).toEqual(['not-recording', []]);
    expect(await writesSince(mark)).toEqual([]);
    expect(await evidenceEntries(em, call.sid)).toEqual([]);
  }
});

test('a stopped recording is not active: the call is not recording, and its recording is listed ended', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  const rec = await em.client.calls(call.sid).recordings.create();
  await runFunction(em, '/recording/set-status', { CallSid: call.sid, Status: 'stopped' });
  const answer = await described({ CallSid: call.sid });
  expect(answer).toMatchObject({ status: 'not-recording', recording: false, paused: false, activeRecordingSids: [] });
  expect(answer.recordings.map((r) => [r.recordingSid, r.status])).toEqual([
    [rec.sid, expect.stringMatching(/^(stopped|completed)$/)],
  ]);
});

test('an unknown outcome Sync keeps (unsettled) is said while it may still take effect; past that, Twilio settles it and Sync forgets it', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  const unsettled = { asked: 'paused', since: new Date().toISOString() };
  await writeState(em, call.sid, { sid: call.sid, recordings: {}, history: [], unsettled });
  expect(await described({ CallSid: call.sid })).toMatchObject({ status: 'not-recording', unsettled });
  expect((await syncDocument(em, call.sid))?.unsettled).toEqual(unsettled);

  const older = await newCall(em.client);
  // Sent more than LATEST_EFFECT_MS ago: it can no longer take effect, and Twilio's list is the truth.
  const stale = { asked: 'paused', since: new Date(Date.now() - LATEST_EFFECT_MS - 1000).toISOString() };
  await writeState(em, older.sid, { sid: older.sid, recordings: {}, history: [], unsettled: stale });
  const answer = (await status({ CallSid: older.sid })).body as Record<string, unknown>;
  expect([answer.status, 'unsettled' in answer]).toEqual(['not-recording', false]);
  expect(await syncDocument(em, older.sid)).toEqual({ sid: older.sid, recordings: {}, history: [] });
});

test("a conference: its participants' call recordings count, with Twilio's status only", async () => {
  const em = stack.em;
  const [first] = await conferenceCalls(em.client, 'room-status');
  const [conference] = await em.client.conferences.list({ friendlyName: 'room-status' });
  const [own] = await em.client.conferences(conference.sid).recordings.list();
  const leg = await em.client.calls(first.sid).recordings.create();
  const answer = await described({ ConferenceSid: conference.sid });
  expect([answer.status, [...answer.activeRecordingSids].sort()]).toEqual(['recording', [own.sid, leg.sid].sort()]);
  expect(answer.recordings.find((r) => r.recordingSid === leg.sid)).toEqual({
    recordingSid: leg.sid,
    status: 'in-progress',
  });
});

test("a call Twilio does not know is not recording; Twilio's list not answering is an error, not an answer", async () => {
  const em = stack.em;
  const unknown = 'CA' + '2'.repeat(32);
  expect(await described({ CallSid: unknown })).toMatchObject({
    status: 'not-recording',
    activeRecordingSids: [],
    known: false,
  });
  const call = await newCall(em.client);
  await em.client.calls(call.sid).recordings.create();
  await em.control('POST', '/faults', { kind: '500', count: 1000, match: `${call.sid}/Recordings`, method: 'GET' });
  // Retried until the deadline: the request "arrived" 8 s ago of its 10 s (lib/ loaded once here, as one Function).
  const deps = controlDeps(contextFor(em), Date.now() - 8_000, 'twiml');
  await expect(describeRecordings(deps, callOwner(deps.client, call.sid), 60)).rejects.toMatchObject({
    status: 504,
    code: 'TWILIO_TIMEOUT',
  });
});

test('more active recordings than Sync tracks: each still counts in the answer', async () => {
  const em = stack.em;
  const call = await newCall(em.client);
  const sids: string[] = [];
  for (let i = 0; i < 41; i++) sids.push((await em.client.calls(call.sid).recordings.create()).sid);
  const answer = await described({ CallSid: call.sid });
  expect([answer.status, [...answer.activeRecordingSids].sort()]).toEqual(['recording', [...sids].sort()]);
});
