import twilio from 'twilio';
import { newCall } from '../../harness/calls';
import { callbacksIdle, invoke, signedCallback, syncDocument, writeState } from '../../harness/functions';
import { AUTH_TOKEN, useStack } from '../../harness/stack';

const stack = useStack();

const RE = () => 'RE' + [...Array(32)].map(() => Math.floor(Math.random() * 16).toString(16)).join('');
const CA = () => 'CA' + [...Array(32)].map(() => Math.floor(Math.random() * 16).toString(16)).join('');

test("the emulator's signed callbacks are accepted and answered 204", async () => {
  const call = await newCall(stack.em.client);
  await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  await stack.em.client.calls(call.sid).update({ status: 'completed' });
  await callbacksIdle(stack.em);
  const { callbacks } = await stack.em.control<{
    callbacks: Array<{ status: number; params: Record<string, string> }>;
  }>('GET', '/callbacks');
  expect(callbacks.map((c) => [c.params.RecordingStatus, c.status])).toEqual([
    ['in-progress', 204],
    ['completed', 204],
  ]);
});

test('unsigned, tampered or wrongly signed callbacks are refused with 403 and change nothing', async () => {
  const callSid = CA();
  const params = {
    CallSid: callSid,
    RecordingSid: RE(),
    RecordingStatus: 'completed',
    AccountSid: 'AC00000000000000000000000000000000',
  };
  const unsigned = await invoke(stack.fx, '/callbacks/recording-status', params);
  expect(unsigned).toMatchObject({ status: 403, body: { error: { code: 'INVALID_SIGNATURE' } } });
  const wrongKey = await signedCallback(stack.fx, params, 'x'.repeat(32));
  expect(wrongKey.status).toBe(403);
  const port = new URL(stack.fx.url).port;
  const good = await signedCallback(stack.fx, { ...params, RecordingStatus: 'in-progress' });
  expect(good.status).toBe(204);
  // Tampered: a valid signature, Twilio's over one body, sent with another.
  const url = `http://localhost:${port}/callbacks/recording-status`;
  const signedBody = { ...params, RecordingStatus: 'in-progress' };
  const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, signedBody);
  expect(twilio.validateRequest(AUTH_TOKEN, signature, url, signedBody)).toBe(true);
  const send = (body: Record<string, string>) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(body),
    });
  expect((await send(params)).status).toBe(403);
  expect((await send(signedBody)).status).toBe(204); // the same signature with the body it was made for
  expect((await syncDocument(stack.em, callSid))?.recordings[params.RecordingSid].status).toBe('in-progress');
});

test('a callback URL with a query string is checked as Twilio signs it: the full URL, the body apart', async () => {
  const port = new URL(stack.fx.url).port;
  const url = `http://localhost:${port}/callbacks/recording-status?foo=bar&tenant=a%20b`;
  const params = { CallSid: CA(), RecordingSid: RE(), RecordingStatus: 'in-progress' };
  const send = (signature: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params),
    });
  expect((await send(twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params))).status).toBe(204);
  // Signed for the URL without its query: not what Twilio would have sent.
  expect((await send(twilio.getExpectedTwilioSignature(AUTH_TOKEN, url.split('?')[0], params))).status).toBe(403);
  // A GET callback: everything in the query, signed with no body.
  const get = `http://localhost:${port}/callbacks/recording-status?${new URLSearchParams({ ...params, RecordingStatus: 'completed' })}`;
  expect(
    (await fetch(get, { headers: { 'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, get, {}) } }))
      .status,
  ).toBe(204);
});

test('bad callback parameters are 400', async () => {
  const res = await signedCallback(stack.fx, { CallSid: CA(), RecordingSid: 'RE1', RecordingStatus: 'completed' });
  expect(res.status).toBe(400);
  expect(JSON.parse(res.body)).toMatchObject({
    error: { code: 'INVALID_PARAMETER', message: expect.stringContaining('RecordingSid') },
  });
  expect((await signedCallback(stack.fx, { RecordingSid: RE(), RecordingStatus: 'completed' })).status).toBe(400);
});

test('late, repeated and out-of-order callbacks leave the latest truth; final states stay final', async () => {
  const callSid = CA();
  const recordingSid = RE();
  const base = {
    CallSid: callSid,
    RecordingSid: recordingSid,
    RecordingChannels: '2',
    RecordingSource: 'StartCallRecordingAPI',
  };
  expect(
    (
      await signedCallback(stack.fx, {
        ...base,
        RecordingStatus: 'completed',
        RecordingDuration: '42',
        RecordingUrl: `https://api.twilio.com/x/${recordingSid}`,
      })
    ).status,
  ).toBe(204);
  expect(
    (await signedCallback(stack.fx, { ...base, RecordingStatus: 'in-progress', RecordingDuration: '0' })).status,
  ).toBe(204);
  expect(
    (await signedCallback(stack.fx, { ...base, RecordingStatus: 'completed', RecordingDuration: '42' })).status,
  ).toBe(204);
  const doc = await syncDocument(stack.em, callSid);
  expect(doc?.recordings[recordingSid]).toMatchObject({
    status: 'completed',
    duration: 42,
    channels: 2,
    url: expect.stringContaining(recordingSid),
  });

  // A late in-progress never overrides a pause made by a control.
  const call = await newCall(stack.em.client);
  const started = await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  await invoke(stack.fx, '/recording/set-status', { CallSid: call.sid, Status: 'paused' });
  await callbacksIdle(stack.em);
  const { callbacks } = await stack.em.control<{ callbacks: Array<{ id: number; params: Record<string, string> }> }>(
    'GET',
    '/callbacks',
  );
  const inProgress = callbacks.find(
    (c) => c.params.RecordingSid === started.body.recordingSid && c.params.RecordingStatus === 'in-progress',
  )!;
  await stack.em.control('POST', `/callbacks/${inProgress.id}/replay`);
  expect((await syncDocument(stack.em, call.sid))?.recordings[started.body.recordingSid as string].status).toBe(
    'paused',
  );
});

test('a late callback for a recording the document dropped and forgot is checked with Twilio, and never revives it', async () => {
  const call = await newCall(stack.em.client);
  const recording = await stack.em.client.calls(call.sid).recordings.create();
  await stack.em.client.calls(call.sid).recordings(recording.sid).update({ status: 'stopped' });
  // A document that has forgotten some of its tombstones (more than it keeps) and does not name this one.
  await writeState(stack.em, call.sid, { sid: call.sid, recordings: {}, history: [], forgot: true });
  const late = await signedCallback(stack.fx, {
    CallSid: call.sid,
    RecordingSid: recording.sid,
    RecordingStatus: 'in-progress',
    AccountSid: 'AC00000000000000000000000000000000',
  });
  expect(late.status).toBe(204);
  // What Twilio answered when asked, as the document keeps it: stopped (Twilio's processing) or completed, never missing.
  expect(['stopped', 'completed']).toContain(
    (await syncDocument(stack.em, call.sid))?.recordings[recording.sid]?.status,
  );
  const requests = await stack.em.control<{ requests: Array<{ method: string; path: string }> }>('GET', '/requests');
  expect(
    requests.requests.some((r) => r.method === 'GET' && r.path.endsWith(`/Recordings/${recording.sid}.json`)),
  ).toBe(true);
});
