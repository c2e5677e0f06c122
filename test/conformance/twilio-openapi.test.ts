// Every request the toolkit and its tests send, and every answer the emulator gives, checked against
// Twilio's OpenAPI description by Prism (proxy mode, --errors): a violation turns into a 422 or a 500.
import { callIn, conferenceTwiml, finishedCall, newCall } from '../../harness/calls';
import { startPrism, type RunningPrism } from '../../harness/conformance';
import { callbacksIdle, invoke } from '../../harness/functions';
import { ACCOUNT_SID, startEmulator, startFunctions, type RunningEmulator } from '../../harness/stack';
import { SPEC_EXCEPTIONS } from '../../harness/spec-exceptions';

let em: RunningEmulator;
let prism: RunningPrism;
beforeAll(async () => {
  em = await startEmulator();
  prism = await startPrism(em.url);
});
afterAll(async () => {
  await prism?.stop();
  await em?.close();
});

test('the voice operations the toolkit uses conform, answers included', async () => {
  const c = prism.client;
  // Created queued, fetched while ringing and once answered: every status of the call's life conforms.
  const call = await newCall(c);
  await c.calls.list({ status: 'in-progress', limit: 5 });
  const rec = await c.calls(call.sid).recordings.create({
    recordingStatusCallback: 'http://127.0.0.1:9/unreachable',
    recordingStatusCallbackEvent: ['in-progress', 'completed', 'absent'],
    recordingStatusCallbackMethod: 'POST',
    recordingChannels: 'dual',
    recordingTrack: 'both',
    trim: 'do-not-trim',
  });
  await c.calls(call.sid).recordings.list();
  await c.calls(call.sid).recordings(rec.sid).update({ status: 'paused', pauseBehavior: 'skip' });
  await c.calls(call.sid).recordings('Twilio.CURRENT').update({ status: 'in-progress' });
  await c.calls(call.sid).recordings(rec.sid).update({ status: 'stopped' });
  await c.calls(call.sid).recordings(rec.sid).fetch();
  await c.calls(call.sid).recordings(rec.sid).remove();

  await newCall(c, conferenceTwiml('conformance'));
  const [conference] = await c.conferences.list({ friendlyName: 'conformance', status: 'in-progress' });
  await c.conferences(conference.sid).fetch();
  const [confRec] = await c.conferences(conference.sid).recordings.list();
  await c.conferences(conference.sid).recordings(confRec.sid).update({ status: 'paused', pauseBehavior: 'silence' });
  await c.conferences(conference.sid).recordings(confRec.sid).fetch();
  await c.calls(call.sid).update({ status: 'completed' });

  // An incoming call, fetched while ringing and once its flow has run.
  const flow = {
    initial_state: 'Trigger',
    states: [
      { name: 'Trigger', type: 'trigger', transitions: [{ event: 'incomingCall', next: 'hi' }], properties: {} },
      { name: 'hi', type: 'say-play', transitions: [{ event: 'audioComplete' }], properties: { say: 'Hi' } },
    ],
  };
  const inbound = await callIn(em, { Flow: flow });
  await c.calls(inbound).fetch();
  await finishedCall(em, inbound);
  await expect(c.calls(inbound).fetch()).resolves.toMatchObject({ direction: 'inbound', status: 'completed' });
});

test('the Sync operations the toolkit uses conform', async () => {
  const services = prism.client.sync.v1.services;
  await services('default').fetch();
  await services.list();
  await services.create({ friendlyName: 'conformance' });
  const docs = services('default').documents;
  await docs.create({ uniqueName: 'conformance-doc', data: { recordings: {} }, ttl: 600 });
  await docs('conformance-doc').fetch();
  await docs('conformance-doc').update({ data: { recordings: { a: 1 } }, ifMatch: '0', ttl: 600 });
  await docs.list();
  await docs('conformance-doc').remove();
});

test('the Sync List operations of the evidence log conform, paging included', async () => {
  const lists = prism.client.sync.v1.services('default').syncLists;
  await lists.create({ uniqueName: 'conformance-log', ttl: 600 });
  await lists('conformance-log').fetch();
  for (let i = 0; i < 3; i++) await lists('conformance-log').syncListItems.create({ data: { i }, collectionTtl: 600 });
  const items = await lists('conformance-log').syncListItems.list({ order: 'asc', pageSize: 2 });
  expect(items.map((item) => item.data)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
  await lists('conformance-log').syncListItems.list({ order: 'desc', from: '1', bounds: 'exclusive' });
  await lists('conformance-log').syncListItems(0).fetch();
  await lists.list();
  await expect(lists('no-such-log').syncListItems.create({ data: {} })).rejects.toMatchObject({ status: 404 });
});

test("the Sync Map operations of a call's state and evidence conform, paging and If-Match included", async () => {
  const maps = prism.client.sync.v1.services('default').syncMaps;
  await maps.create({ uniqueName: 'conformance-map', ttl: 600 });
  await maps('conformance-map').fetch();
  const items = maps('conformance-map').syncMapItems;
  for (const key of ['b', 'a', 'c']) await items.create({ key, data: { key }, collectionTtl: 600 });
  const state = await items('a').fetch();
  await items('a').update({ data: { key: 'a', n: 1 }, ifMatch: state.revision, collectionTtl: 600 });
  expect((await items.list({ order: 'asc', pageSize: 2 })).map((i) => i.key)).toEqual(['a', 'b', 'c']);
  await items.page({ order: 'desc', pageSize: 2 });
  await items('c').remove();
  await maps.list();
  await expect(items.create({ key: 'a', data: {} })).rejects.toMatchObject({ status: 409, code: 54208 });
  await expect(items('a').update({ data: {}, ifMatch: '0' })).rejects.toMatchObject({ status: 412, code: 54205 });
  await expect(maps('no-such-map').syncMapItems.create({ key: 'k', data: {} })).rejects.toMatchObject({ status: 404 });
  await maps('conformance-map').remove();
});

test('the TaskRouter operations the ownership check uses conform: workspaces, workers, tasks, reservations', async () => {
  const tr = prism.client.taskrouter.v1.workspaces;
  const workspace = await tr.create({ friendlyName: 'conformance' });
  await tr.list({ friendlyName: 'conformance' });
  await tr(workspace.sid).fetch();
  const worker = await tr(workspace.sid).workers.create({ friendlyName: 'alice', attributes: '{"roles":["agent"]}' });
  await tr(workspace.sid).workers.list();
  await tr(workspace.sid).workers(worker.sid).fetch();
  const task = await tr(workspace.sid).tasks.create({
    attributes: JSON.stringify({ call_sid: 'CA' + '1'.repeat(32) }),
  });
  await tr(workspace.sid).tasks(task.sid).fetch();
  await tr(workspace.sid).tasks.list({ assignmentStatus: ['pending'] });
  // Flex's routing, done on the control surface.
  const { reservation } = await em.control<{ reservation: { sid: string } }>('POST', '/taskrouter/assign', {
    workspaceSid: workspace.sid,
    workerSid: worker.sid,
    taskSid: task.sid,
  });
  const held = await tr(workspace.sid).workers(worker.sid).reservations.list({ reservationStatus: 'accepted' });
  expect(held.map((r) => r.taskSid)).toEqual([task.sid]);
  await tr(workspace.sid).workers(worker.sid).reservations(reservation.sid).fetch();
  await expect(
    tr(workspace.sid)
      .tasks('WT' + '0'.repeat(32))
      .fetch(),
  ).rejects.toMatchObject({ status: 404 });
});

test("error answers pass through with Twilio's codes", async () => {
  const c = prism.client;
  await expect(c.calls('CA' + '0'.repeat(32)).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  await c.sync.v1.services('default').documents.create({ uniqueName: 'conflict', data: {} });
  await c.sync.v1
    .services('default')
    .documents('conflict')
    .update({ data: { n: 1 }, ifMatch: '0' });
  await expect(
    c.sync.v1
      .services('default')
      .documents('conflict')
      .update({ data: { n: 2 }, ifMatch: '0' }),
  ).rejects.toMatchObject({
    status: 412,
    code: 54103,
  });
  const ended = await newCall(c);
  await c.calls(ended.sid).update({ status: 'completed' });
  await expect(c.calls(ended.sid).recordings.create()).rejects.toMatchObject({ status: 400, code: 21220 });
});

test('the check can fail: a request that breaks the spec is refused by Prism, not passed on', async () => {
  const res = await prism.client.request({
    method: 'post',
    uri: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/CA${'1'.repeat(32)}/Recordings/RE${'2'.repeat(32)}.json`,
    data: { PauseBehavior: 'skip' }, // Status is required
  });
  expect(res.statusCode).toBe(422);
  expect(JSON.stringify(res.body)).toContain('Status');
});

test('the allowed exceptions are few and named', () => {
  expect(SPEC_EXCEPTIONS.map((e) => e.name)).toEqual([
    'Sync Document, List Item and Map Item Data is sent as a JSON string',
    'RecordingStatusCallbackEvent is sent as repeated keys',
    "2010-04-01 list pages' *_uri fields are paths",
    'A conference in progress has reason_conference_ended null',
  ]);
});

test('the Functions, pointed at Prism, send only conformant requests through a whole call and a conference', async () => {
  const fx = await startFunctions(prism.url);
  try {
    const call = await newCall(em.client);
    const ok = async (path: string, params: Record<string, string>) => {
      const res = await invoke(fx, path, params);
      expect({ path, status: res.status, body: res.body }).toMatchObject({ status: 200 });
      return res.body;
    };
    await ok('/recording/start', { CallSid: call.sid });
    await ok('/recording/start', { CallSid: call.sid });
    await ok('/recording/set-status', { CallSid: call.sid, Status: 'paused', PauseBehavior: 'skip' });
    await ok('/recording/set-status', { CallSid: call.sid, Status: 'in-progress', All: 'true' });
    await ok('/recording/status', { CallSid: call.sid });
    await ok('/recording/set-status', { CallSid: call.sid, Status: 'stopped' });

    const callbackUrl = `http://localhost:${new URL(fx.url).port}/callbacks/recording-status`;
    await newCall(em.client, conferenceTwiml('conformance-fx', callbackUrl));
    await callbacksIdle(em);
    const [conference] = await em.client.conferences.list({ friendlyName: 'conformance-fx' });
    await ok('/conference/recording/set-status', { ConferenceSid: conference.sid, Status: 'paused' });
    await ok('/conference/recording/set-status', { ConferenceSid: conference.sid, Status: 'in-progress', All: 'true' });
    await callbacksIdle(em);
    const { callbacks } = await em.control<{ callbacks: Array<{ url: string; status: number }> }>('GET', '/callbacks');
    const toFunctions = callbacks.filter((c) => c.url === callbackUrl);
    expect(toFunctions.length).toBeGreaterThanOrEqual(3); // two calls' and the conference's recordings
    expect(toFunctions.map((c) => c.status)).toEqual(toFunctions.map(() => 204));
  } finally {
    await fx.stop();
  }
});
