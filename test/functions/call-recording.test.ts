import { newCall } from '../../harness/calls';
import { callbacksIdle, invoke, syncDocument } from '../../harness/functions';
import { useStack } from '../../harness/stack';

const stack = useStack();

const statusOf = async (callSid: string) => (await invoke(stack.fx, '/recording/status', { CallSid: callSid })).body;

test('a whole call: start, pause, resume, stop, with Twilio and Sync agreeing at each step', async () => {
  const call = await newCall(stack.em.client);
  expect(await statusOf(call.sid)).toMatchObject({ status: 'not-recording', recording: false, paused: false });

  const start = await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  expect(start).toMatchObject({ status: 200, body: { callSid: call.sid, status: 'in-progress', created: true } });
  const sid = start.body.recordingSid as string;
  expect(sid).toMatch(/^RE[0-9a-f]{32}$/);
  const onTwilio = await stack.em.client.calls(call.sid).recordings(sid).fetch();
  expect(onTwilio).toMatchObject({ status: 'in-progress', channels: 2, track: 'both' });
  await callbacksIdle(stack.em);
  expect((await syncDocument(stack.em, call.sid))?.recordings[sid]).toMatchObject({
    status: 'in-progress',
    channels: 2,
    source: 'StartCallRecordingAPI',
    track: 'both',
  });
  expect(await statusOf(call.sid)).toMatchObject({ status: 'recording', recording: true, activeRecordingSids: [sid] });

  const pause = await invoke(stack.fx, '/recording/set-status', {
    CallSid: call.sid,
    Status: 'pause',
    PauseBehavior: 'skip',
  });
  expect(pause.body).toMatchObject({ callSid: call.sid, recordingSid: sid, status: 'paused' });
  expect((await stack.em.client.calls(call.sid).recordings(sid).fetch()).status).toBe('paused');
  expect(await statusOf(call.sid)).toMatchObject({ status: 'paused', paused: true, recording: false });
  expect((await syncDocument(stack.em, call.sid))?.recordings[sid]).toMatchObject({
    status: 'paused',
    pauseBehavior: 'skip',
  });

  const resume = await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'resume' });
  expect(resume.body).toMatchObject({ status: 'in-progress' });
  expect((await stack.em.client.calls(call.sid).recordings(sid).fetch()).status).toBe('in-progress');

  const stop = await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'stopped' });
  expect(stop.body).toMatchObject({ status: 'stopped', recordingSid: sid });
  await callbacksIdle(stack.em);
  const doc = await syncDocument(stack.em, call.sid);
  expect(doc?.recordings[sid]).toMatchObject({
    status: 'completed',
    duration: expect.any(Number),
    url: expect.stringContaining(sid),
  });
  // The completed callback may be written before the stop's answer: every change is timed either way.
  expect(Object.keys(doc!.recordings[sid].at ?? {}).sort()).toEqual(['completed', 'in-progress', 'paused', 'stopped']);
  expect(doc?.history.map((h) => h.action)).toEqual(['start', 'paused (skip)', 'in-progress', 'stopped']);
  expect(await statusOf(call.sid)).toMatchObject({ status: 'not-recording' });

  // A stopped recording can never restart: the answer says to start a new one, and Twilio is not asked.
  const again = await invoke(stack.fx, '/recording/set-status', {
    CallSid: call.sid,
    Status: 'resume',
    RecordingSid: sid,
  });
  expect(again).toMatchObject({
    status: 409,
    body: { error: { code: 'RECORDING_ENDED', message: expect.stringContaining('/recording/start') } },
  });
  const second = await invoke(stack.fx, '/recording/start', {
    CallSid: call.sid,
    RecordingChannels: 'mono',
    RecordingTrack: 'inbound',
    Trim: 'trim-silence',
  });
  expect(second.body).toMatchObject({ created: true, status: 'in-progress' });
  expect(second.body.recordingSid).not.toBe(sid);
  expect(
    await stack.em.client
      .calls(call.sid)
      .recordings(second.body.recordingSid as string)
      .fetch(),
  ).toMatchObject({ channels: 1, track: 'inbound' });
});

test('start is idempotent: a second start returns the active recording instead of making another', async () => {
  const call = await newCall(stack.em.client);
  const first = await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  const again = await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  expect(again.body).toMatchObject({ created: false, recordingSid: first.body.recordingSid });
  expect(await stack.em.client.calls(call.sid).recordings.list()).toHaveLength(1);
  await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'pause' });
  expect((await invoke(stack.fx, '/recording/start', { CallSid: call.sid })).body).toMatchObject({
    created: false,
    status: 'paused',
  });

  // Several starts of one call at once (a double-fired widget): one recording, one created.
  const fresh = await newCall(stack.em.client);
  const starts = await Promise.all(
    [1, 2, 3, 4].map(() => invoke(stack.fx, '/recording/start', { CallSid: fresh.sid })),
  );
  expect(starts.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  expect(starts.filter((r) => r.body.created === true)).toHaveLength(1);
  expect(new Set(starts.map((r) => r.body.recordingSid)).size).toBe(1);
  expect(await stack.em.client.calls(fresh.sid).recordings.list()).toHaveLength(1);
});

test("the history says who asked: a Studio flow's FlowSid and ExecutionSid, a TwiML caller, or HTTP", async () => {
  const call = await newCall(stack.em.client);
  const flow = { FlowSid: 'FW' + '1'.repeat(32), ExecutionSid: 'FN' + '2'.repeat(32) };
  await invoke(stack.fx, '/recording/start', { CallSid: call.sid, ...flow });
  await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'pause', Next: '/next' });
  await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'resume' });
  expect((await syncDocument(stack.em, call.sid))?.history.map((h) => h.by)).toEqual([
    `studio:${flow.FlowSid}/${flow.ExecutionSid}`,
    'twiml',
    'http',
  ]);
  const bad = await invoke(stack.fx, '/recording/set-status', {
    CallSid: call.sid,
    Status: 'pause',
    FlowSid: 'FN' + '1'.repeat(32),
  });
  expect(bad).toMatchObject({
    status: 400,
    body: { error: { code: 'INVALID_PARAMETER', message: expect.stringContaining('FlowSid') } },
  });
});

describe('which recording a control without RecordingSid means', () => {
  test('none known to Sync: Twilio.CURRENT, and the real SID is recorded', async () => {
    const call = await newCall(stack.em.client);
    const rec = await stack.em.client.calls(call.sid).recordings.create(); // started outside the toolkit
    const pause = await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'paused' });
    expect(pause.body).toMatchObject({ recordingSid: rec.sid, status: 'paused' });
    expect((await syncDocument(stack.em, call.sid))?.recordings[rec.sid].status).toBe('paused');
  });

  test('none at all: 409 NO_ACTIVE_RECORDING, and nothing written to Sync', async () => {
    const call = await newCall(stack.em.client);
    const res = await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'paused' });
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'NO_ACTIVE_RECORDING' } } });
    expect(await syncDocument(stack.em, call.sid)).toBeUndefined();
    const all = await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'paused', All: 'true' });
    expect(all).toMatchObject({ status: 409, body: { error: { code: 'NO_ACTIVE_RECORDING' } } });
  });

  test('one: that one; two: 409 naming both, unless All=true or a RecordingSid', async () => {
    const call = await newCall(stack.em.client);
    const a = (await invoke(stack.fx, '/recording/start', { CallSid: call.sid })).body.recordingSid as string;
    const b = (await stack.em.client.calls(call.sid).recordings.create()).sid;
    await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'paused', RecordingSid: b }); // Sync learns b
    const ambiguous = await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'in-progress' });
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body).toMatchObject({
      error: { code: 'SEVERAL_ACTIVE_RECORDINGS', message: expect.stringContaining(a) },
    });
    expect((ambiguous.body as { error: { message: string } }).error.message).toContain(b);

    const all = await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'paused', All: 'yes' });
    expect(all.status).toBe(200);
    expect(
      (all.body.recordings as Array<{ recordingSid: string; status: string }>).sort((x, y) =>
        x.recordingSid.localeCompare(y.recordingSid),
      ),
    ).toEqual([a, b].sort().map((recordingSid) => ({ recordingSid, status: 'paused' })));
    const [ra, rb] = await Promise.all([a, b].map((s) => stack.em.client.calls(call.sid).recordings(s).fetch()));
    expect([ra.status, rb.status]).toEqual(['paused', 'paused']);

    const one = await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'stop', RecordingSid: a });
    expect(one.body).toMatchObject({ recordingSid: a, status: 'stopped' });
    await callbacksIdle(stack.em);
    const only = await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'resume' });
    expect(only.body).toMatchObject({ recordingSid: b, status: 'in-progress' });
  });
});

describe("Twilio's refusals, mapped", () => {
  test('an unknown call is 404; an ended call is 409 with Twilio code 21220', async () => {
    const unknown = await invoke(stack.fx, '/recording/start', { CallSid: 'CA' + 'f'.repeat(32) });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND', twilioCode: 20404 } } });
    const call = await newCall(stack.em.client);
    await stack.em.client.calls(call.sid).update({ status: 'completed' });
    const ended = await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
    expect(ended).toMatchObject({ status: 409, body: { error: { code: 'NOT_IN_PROGRESS', twilioCode: 21220 } } });
    expect(await syncDocument(stack.em, call.sid)).toBeUndefined();
  });

  test('Twilio.CURRENT with two active recordings is 409 with Twilio code 16108', async () => {
    const call = await newCall(stack.em.client);
    await stack.em.client.calls(call.sid).recordings.create();
    await stack.em.client.calls(call.sid).recordings.create();
    const res = await invoke(stack.fx, '/recording/set-status', {
      CallSid: call.sid,
      Status: 'paused',
      RecordingSid: 'Twilio.CURRENT',
    });
    expect(res).toMatchObject({
      status: 409,
      body: { error: { code: 'SEVERAL_ACTIVE_RECORDINGS', twilioCode: 16108 } },
    });
  });

  test('pausing a paused recording and resuming a running one succeed', async () => {
    const call = await newCall(stack.em.client);
    await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
    expect(
      (await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'resume' })).body,
    ).toMatchObject({ status: 'in-progress' });
    await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'pause' });
    expect(
      (await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'pause' })).body,
    ).toMatchObject({ status: 'paused' });
  });
});
