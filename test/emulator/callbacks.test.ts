import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { conferenceCalls, newCall } from '../../harness/calls';
import { startEmulator, AUTH_TOKEN, type RunningEmulator } from '../../harness/stack';

interface Received {
  method: string;
  url: string;
  params: Record<string, string>;
  signature: string;
}

let em: RunningEmulator;
let server: Server;
let hookUrl: string;
let received: Received[] = [];

beforeAll(async () => {
  em = await startEmulator();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const [path, query = ''] = (req.url ?? '').split('?');
      received.push({
        method: req.method ?? '',
        url: `${hookUrl.replace(/\/hook$/, '')}${path}${query ? `?${query}` : ''}`,
        params: Object.fromEntries(new URLSearchParams(req.method === 'GET' ? query : body)),
        signature: String(req.headers['x-twilio-signature']),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await em.close();
  await new Promise((ok) => server.close(ok));
});
beforeEach(() => (received = []));

const idle = () => em.control('GET', '/callbacks/idle');
const validPost = (r: Received) => twilio.validateRequest(AUTH_TOKEN, r.signature, r.url, r.params);

test('each event asked for is delivered, signed, with Twilio parameters', async () => {
  const call = await newCall(em.client);
  const rec = await em.client.calls(call.sid).recordings.create({
    recordingStatusCallback: hookUrl,
    recordingStatusCallbackEvent: ['in-progress', 'completed'],
    recordingChannels: 'dual',
  });
  await em.client.calls(call.sid).recordings(rec.sid).update({ status: 'stopped' });
  await idle();
  expect(received.map((r) => r.params.RecordingStatus)).toEqual(['in-progress', 'completed']);
  for (const r of received) {
    expect(r.method).toBe('POST');
    expect(validPost(r)).toBe(true);
    expect(r.params).toMatchObject({
      AccountSid: em.emulator.context.accountSid,
      CallSid: call.sid,
      RecordingSid: rec.sid,
      RecordingChannels: '2',
      RecordingSource: 'StartCallRecordingAPI',
      RecordingTrack: 'both',
      RecordingUrl: expect.stringContaining(rec.sid),
    });
    expect(r.params.RecordingStartTime).toMatch(/\+0000$/);
    // Call status callbacks carry these; Twilio's recording status callback parameters do not.
    expect(r.params).not.toHaveProperty('CallbackSource');
    expect(r.params).not.toHaveProperty('Timestamp');
  }
  expect(Number(received[1].params.RecordingDuration)).toBeGreaterThanOrEqual(0);
  // A tampered parameter no longer matches the signature.
  expect(validPost({ ...received[1], params: { ...received[1].params, RecordingStatus: 'absent' } })).toBe(false);
});

test('only the events asked for: the default is completed; GET puts parameters in the query', async () => {
  const call = await newCall(em.client);
  await em.client
    .calls(call.sid)
    .recordings.create({ recordingStatusCallback: hookUrl, recordingStatusCallbackMethod: 'GET' });
  await em.client.calls(call.sid).update({ status: 'completed' });
  await idle();
  expect(received).toHaveLength(1);
  expect(received[0]).toMatchObject({ method: 'GET', params: { RecordingStatus: 'completed', CallSid: call.sid } });
  expect(twilio.validateRequest(AUTH_TOKEN, received[0].signature, received[0].url, {})).toBe(true);
});

// twilio.com/docs/voice/twiml/conference: recorded from the start once two participants are bridged.
test('conference recordings report ConferenceSid; absent can be triggered; deliveries are logged and replayable', async () => {
  await conferenceCalls(em.client, 'cb-room', hookUrl);
  await idle();
  const [conference] = await em.client.conferences.list({ friendlyName: 'cb-room' });
  expect(received[0].params).toMatchObject({
    ConferenceSid: conference.sid,
    RecordingStatus: 'in-progress',
    RecordingSource: 'Conference',
  });
  expect(received[0].params.CallSid).toBeUndefined();
  await em.control('POST', `/recordings/${received[0].params.RecordingSid}/absent`);
  await idle();
  expect(received[1].params).toMatchObject({ RecordingStatus: 'absent', ErrorCode: '16102' });

  const { callbacks } = await em.control<{
    callbacks: Array<{ id: number; status: number; params: Record<string, string> }>;
  }>('GET', '/callbacks');
  const first = callbacks.find((c) => c.params.ConferenceSid === conference.sid)!;
  expect(first.status).toBe(204);
  await em.control('POST', `/callbacks/${first.id}/replay`);
  expect(received[2].params).toEqual(received[0].params);
});

test('the API answer does not wait for a slow callback', async () => {
  const slow = createServer(() => undefined); // never answers
  await new Promise<void>((ok) => slow.listen(0, '127.0.0.1', ok));
  const call = await newCall(em.client);
  const started = Date.now();
  await em.client.calls(call.sid).recordings.create({
    recordingStatusCallback: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`,
    recordingStatusCallbackEvent: ['in-progress'],
  });
  // A delivery waits 15 s for an answer: well under that, however busy the machine, is not waiting for it.
  expect(Date.now() - started).toBeLessThan(7_500);
  slow.closeAllConnections();
  slow.close();
  await idle();
});
