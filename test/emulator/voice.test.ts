import { newCall } from '../../harness/calls';
import { startEmulator, ACCOUNT_SID, type RunningEmulator } from '../../harness/stack';

let em: RunningEmulator;
beforeAll(async () => (em = await startEmulator()));
afterAll(() => em.close());

describe('calls', () => {
  test('a created call is in progress and can be fetched, listed and ended', async () => {
    const call = await newCall(em.client);
    expect(call.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(call.status).toBe('in-progress');
    expect((await em.client.calls(call.sid).fetch()).to).toBe('+15005550006');
    expect((await em.client.calls.list({ status: 'in-progress' })).map((c) => c.sid)).toContain(call.sid);
    expect((await em.client.calls(call.sid).update({ status: 'completed' })).status).toBe('completed');
    await expect(em.client.calls(call.sid).update({ status: 'completed' })).rejects.toMatchObject({
      status: 400,
      code: 21220,
    });
  });

  test("a call needs To, From and Url or Twiml, with Twilio's codes", async () => {
    const post = (body: Record<string, string>) =>
      em.client.request({
        method: 'post',
        uri: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`,
        data: body,
      });
    expect((await post({ From: '+1', Url: 'https://x.test/' })).body).toMatchObject({ code: 21201, status: 400 });
    expect((await post({ To: '+1', Url: 'https://x.test/' })).body).toMatchObject({ code: 21213 });
    expect((await post({ To: '+1', From: '+2' })).body).toMatchObject({ code: 21205 });
  });

  test('an unknown call is 404 20404, another account in the path is 401 20003', async () => {
    await expect(em.client.calls('CA' + '0'.repeat(32)).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    const res = await em.client.request({
      method: 'get',
      uri: `https://api.twilio.com/2010-04-01/Accounts/AC${'1'.repeat(32)}/Calls.json`,
    });
    expect(res.body).toMatchObject({ status: 401, code: 20003 });
  });
});

describe('call recordings', () => {
  test('start, pause, resume, stop, with the parameters kept', async () => {
    const call = await newCall(em.client);
    const rec = await em.client
      .calls(call.sid)
      .recordings.create({ recordingChannels: 'dual', recordingTrack: 'inbound', trim: 'do-not-trim' });
    expect(rec).toMatchObject({
      status: 'in-progress',
      channels: 2,
      track: 'inbound',
      source: 'StartCallRecordingAPI',
      callSid: call.sid,
    });
    const recordings = em.client.calls(call.sid).recordings;
    expect((await recordings(rec.sid).update({ status: 'paused', pauseBehavior: 'skip' })).status).toBe('paused');
    expect((await recordings(rec.sid).update({ status: 'paused' })).status).toBe('paused'); // idempotent
    expect((await recordings(rec.sid).update({ status: 'in-progress' })).status).toBe('in-progress');
    expect((await recordings(rec.sid).update({ status: 'in-progress' })).status).toBe('in-progress'); // idempotent
    expect((await recordings(rec.sid).update({ status: 'stopped' })).status).toBe('stopped');
    expect((await recordings(rec.sid).fetch()).status).toBe('processing');
    await em.control('GET', '/callbacks/idle'); // processed
    const done = await recordings(rec.sid).fetch();
    expect(done.status).toBe('completed');
    expect(Number(done.duration)).toBeGreaterThanOrEqual(0);
    await expect(recordings(rec.sid).update({ status: 'in-progress' })).rejects.toMatchObject({
      status: 400,
      code: 21220,
    });
  });

  test('bad enums are refused with the parameter named', async () => {
    const call = await newCall(em.client);
    await expect(em.client.calls(call.sid).recordings.create({ recordingChannels: 'stereo' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('RecordingChannels'),
    });
    const rec = await em.client.calls(call.sid).recordings.create();
    await expect(
      em.client.calls(call.sid).recordings(rec.sid).update({ status: 'paused', pauseBehavior: 'mute' }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('PauseBehavior'),
    });
    await expect(
      em.client
        .calls(call.sid)
        .recordings(rec.sid)
        .update({ status: 'absent' as never }),
    ).rejects.toMatchObject({ status: 400 });
  });

  // OpenAPI: the recording status enum has `processing` between `stopped` and `completed`.
  test('recording needs an in-progress call (21220); ending the call stops its recordings, processed then completed', async () => {
    const call = await newCall(em.client);
    const rec = await em.client.calls(call.sid).recordings.create();
    await em.client.calls(call.sid).update({ status: 'completed' });
    expect(await em.client.calls(call.sid).recordings(rec.sid).fetch()).toMatchObject({
      status: 'processing',
      duration: '-1',
    });
    await em.control('GET', '/callbacks/idle');
    expect((await em.client.calls(call.sid).recordings(rec.sid).fetch()).status).toBe('completed');
    await expect(em.client.calls(call.sid).recordings.create()).rejects.toMatchObject({ status: 400, code: 21220 });
  });

  test('Twilio.CURRENT resolves only with exactly one active recording', async () => {
    const call = await newCall(em.client);
    const current = () => em.client.calls(call.sid).recordings('Twilio.CURRENT');
    await expect(current().update({ status: 'paused' })).rejects.toMatchObject({ status: 404, code: 20404 });
    const first = await em.client.calls(call.sid).recordings.create();
    expect((await current().update({ status: 'paused' })).sid).toBe(first.sid);
    await em.client.calls(call.sid).recordings.create();
    await expect(current().update({ status: 'in-progress' })).rejects.toMatchObject({ code: 16108 });
    await em.client.calls(call.sid).recordings(first.sid).update({ status: 'stopped' });
    await expect(current().fetch()).resolves.toMatchObject({ status: 'in-progress' });
  });

  test('list, fetch and delete; an unknown recording is 404', async () => {
    const call = await newCall(em.client);
    const rec = await em.client.calls(call.sid).recordings.create();
    expect((await em.client.calls(call.sid).recordings.list()).map((r) => r.sid)).toEqual([rec.sid]);
    await em.client.calls(call.sid).recordings(rec.sid).remove();
    await expect(em.client.calls(call.sid).recordings(rec.sid).fetch()).rejects.toMatchObject({
      status: 404,
      code: 20404,
    });
  });
});
