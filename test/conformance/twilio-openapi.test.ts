// Every request the toolkit and its tests send, and every answer the emulator gives, checked against
// Twilio's OpenAPI description by Prism (proxy mode, --errors): a violation turns into a 422 or a 500,
// and each test ends by reading Prism's log for any violation, in either direction, and checking every
// error answer against Twilio's documented error shape (our own check: the spec describes none).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callIn, conferenceCalls, conferenceTwiml, finishedCall, newCall } from '../../harness/calls';
import { startPrism, type PrismMark, type RunningPrism } from '../../harness/conformance';
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

let mark: PrismMark;
beforeEach(() => {
  mark = prism.mark();
});
afterEach(async () => {
  expect(await prism.problems(mark)).toEqual([]);
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
  const [waiting] = await c.conferences.list({ friendlyName: 'conformance' });
  await c.conferences(waiting.sid).fetch(); // `init`: one participant
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

// Studio v2 (OpenAPI twilio_studio_v2.json): CreateFlow, UpdateFlowValidate, FetchFlow, ListFlow,
// UpdateFlow, ListExecution, FetchExecution, FetchExecutionContext, ListExecutionStep, FetchExecutionStep,
// FetchExecutionStepContext, DeleteFlow; and a refused definition's 81022 passing through.
test('the Studio operations conform: flows, Validate, executions with their steps and contexts', async () => {
  const v2 = prism.client.studio.v2;
  const definition = {
    description: 'conformance',
    initial_state: 'Trigger',
    flags: { allow_concurrent_calls: true },
    states: [
      { name: 'Trigger', type: 'trigger', transitions: [{ event: 'incomingCall', next: 'hi' }], properties: {} },
      { name: 'hi', type: 'say-play', transitions: [{ event: 'audioComplete' }], properties: { say: 'Hi' } },
    ],
  };
  await expect(v2.flowValidate.update({ friendlyName: 'c', status: 'published', definition })).resolves.toMatchObject({
    valid: true,
  });
  const flow = await v2.flows.create({
    friendlyName: 'conformance',
    status: 'draft',
    definition,
    commitMessage: 'first',
  });
  await v2.flows(flow.sid).fetch();
  await v2.flows.list();
  // A second flow, so that a page of one has a next page (PageToken) for Prism to check.
  await v2.flows.create({ friendlyName: 'conformance 2', status: 'draft', definition });
  await (await v2.flows.page({ pageSize: 1 })).nextPage();
  await v2.flows(flow.sid).update({ status: 'published', friendlyName: 'conformance flow' });
  await finishedCall(em, await callIn(em, { Url: flow.webhookUrl }));
  const [execution] = await v2.flows(flow.sid).executions.list();
  await v2.flows(flow.sid).executions(execution.sid).fetch();
  await v2.flows(flow.sid).executions(execution.sid).executionContext().fetch();
  const steps = await v2.flows(flow.sid).executions(execution.sid).steps.list({ pageSize: 1 });
  await v2.flows(flow.sid).executions(execution.sid).steps(steps[0].sid).fetch();
  await v2.flows(flow.sid).executions(execution.sid).steps(steps[0].sid).stepContext().fetch();
  const refused = { ...definition, states: [{ ...definition.states[0], type: 'no-such-widget' }] };
  await expect(
    v2.flowValidate.update({ friendlyName: 'c', status: 'published', definition: refused }),
  ).rejects.toMatchObject({ status: 400, code: 81022 });
  await v2.flows(flow.sid).remove();
  // The Studio paths are checked, not passed through: a create without Status is Prism's 422.
  const unchecked = await prism.client.request({
    method: 'post',
    uri: 'https://studio.twilio.com/v2/Flows',
    data: { FriendlyName: 'c', Definition: JSON.stringify(definition) },
  });
  expect(unchecked.statusCode).toBe(422);
  // That refusal, and nothing else, is what Prism's log shows of this test; afterEach reads on from here.
  expect(await prism.problems(mark)).toEqual([expect.stringContaining('post /v2/Flows ✖  error')]);
  mark = prism.mark();
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
  // DeleteSyncMapItem's If-Match header: a stop removes a finished start claim only at the revision it read.
  const c = await items('c').fetch();
  await expect(items('c').remove({ ifMatch: String(Number(c.revision) + 1) })).rejects.toMatchObject({ status: 412 });
  await items('c').remove({ ifMatch: c.revision });
  await maps.list();
  await expect(items.create({ key: 'a', data: {} })).rejects.toMatchObject({ status: 409, code: 54208 });
  await expect(items('a').update({ data: {}, ifMatch: '0' })).rejects.toMatchObject({ status: 412, code: 54205 });
  await expect(maps('no-such-map').syncMapItems.create({ key: 'k', data: {} })).rejects.toMatchObject({ status: 404 });
  await maps('conformance-map').remove();
});

test('the TaskRouter operations the ownership check and the console use conform: workspaces, workers, tasks, reservations', async () => {
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
  await tr(workspace.sid).tasks.create({ attributes: '{}' });
  await (await tr(workspace.sid).tasks.page({ pageSize: 1 })).nextPage();
  // Flex's routing, done on the control surface.
  const { reservation } = await em.control<{ reservation: { sid: string } }>('POST', '/taskrouter/assign', {
    workspaceSid: workspace.sid,
    workerSid: worker.sid,
    taskSid: task.sid,
  });
  const held = await tr(workspace.sid).workers(worker.sid).reservations.list({ reservationStatus: 'accepted' });
  expect(held.map((r) => r.taskSid)).toEqual([task.sid]);
  await tr(workspace.sid).workers(worker.sid).reservations(reservation.sid).fetch();
  // The console's "who is on the call": the assigned tasks, then each one's accepted reservations.
  await tr(workspace.sid).tasks.list({ assignmentStatus: ['assigned'] });
  const onTask = await tr(workspace.sid).tasks(task.sid).reservations.list({ reservationStatus: 'accepted' });
  expect(onTask.map((r) => [r.workerSid, r.workerName])).toEqual([[worker.sid, 'alice']]);
  await expect(
    tr(workspace.sid)
      .tasks('WT' + '0'.repeat(32))
      .fetch(),
  ).rejects.toMatchObject({ status: 404 });
});

test("error answers pass through with Twilio's codes, in Twilio's documented error shape", async () => {
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
  // The shape itself is checked after each test (problems()); here, that it saw these three.
  expect(prism.errorAnswers(mark).map((a) => a.status)).toEqual([404, 412, 400]);
});

test('the allowed exceptions are few and named', () => {
  expect(SPEC_EXCEPTIONS.map((e) => e.name)).toEqual([
    'Sync Document, List Item and Map Item Data is sent as a JSON string',
    'RecordingStatusCallbackEvent is sent as repeated keys',
    "2010-04-01 list pages' *_uri fields are paths",
    'A conference in progress has reason_conference_ended null',
    "Studio's untyped nullable fields are typed as objects",
  ]);
});

test('the Functions, pointed at Prism, send only conformant requests through a whole call and a conference', async () => {
  const fx = await startFunctions(prism.url);
  try {
    const call = await newCall(em.client);
    const ok = async (path: string, params: Record<string, string>) => {
      const res = await invoke(fx, path, params);
      expect({ path, status: res.status, body: res.body }).toMatchObject({ status: 200 });
      // A Sync write Prism refused would show here; the best-effort ones (the start claim's finish and
      // release, the evidence list's creation) only in Prism's log, which afterEach reads.
      expect({ path, body: res.body }).not.toMatchObject({ body: { synced: false } });
      expect({ path, body: res.body }).not.toMatchObject({ body: { evidenceLogged: false } });
      return res.body;
    };
    await ok('/recording/start', { CallSid: call.sid });
    await ok('/recording/start', { CallSid: call.sid });
    await ok('/recording/set-status', { CallSid: call.sid, Status: 'paused', PauseBehavior: 'skip' });
    await ok('/recording/set-status', { CallSid: call.sid, Status: 'in-progress', All: 'true' });
    await ok('/recording/status', { CallSid: call.sid });
    await ok('/recording/set-status', { CallSid: call.sid, Status: 'stopped' });

    const callbackUrl = `http://localhost:${new URL(fx.url).port}/callbacks/recording-status`;
    await conferenceCalls(em.client, 'conformance-fx', callbackUrl);
    await callbacksIdle(em);
    const [conference] = await em.client.conferences.list({ friendlyName: 'conformance-fx' });
    await ok('/conference/recording/set-status', { ConferenceSid: conference.sid, Status: 'paused' });
    await ok('/conference/recording/set-status', { ConferenceSid: conference.sid, Status: 'in-progress', All: 'true' });
    await callbacksIdle(em);
    const { callbacks } = await em.control<{ callbacks: Array<{ url: string; status: number }> }>('GET', '/callbacks');
    const toFunctions = callbacks.filter((c) => c.url === callbackUrl);
    expect(toFunctions.length).toBeGreaterThanOrEqual(3); // two calls' and the conference's recordings
    expect(toFunctions.map((c) => c.status)).toEqual(toFunctions.map(() => 204));
    // The Functions' requests all reached the emulator: Prism refused none (its log, read after this test, agrees).
    expect(await fx.settledOutput()).not.toMatch(/UNPROCESSABLE_ENTITY|prism\/errors/);
  } finally {
    await fx.stop();
  }
});

describe('the checks can fail', () => {
  // A stand-in for Twilio that answers four requests wrongly and passes the rest to the emulator.
  const callSid = 'CA' + '1'.repeat(32);
  const calls = `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls`;
  const wrong: Record<string, { status: number; body: unknown }> = {
    [`${calls}/${callSid}.json`]: { status: 200, body: { sid: 12, status: 'ringing' } },
    [`${calls}/${callSid}/Recordings.json`]: { status: 404, body: { code: '20404', message: 'not found' } },
    [`${calls}/${callSid}/Recordings/RE${'3'.repeat(32)}.json`]: { status: 202, body: {} },
    // A recording whose channels is text, and whose status is none of the enum's.
    [`${calls}/${callSid}/Recordings/RE${'4'.repeat(32)}.json`]: {
      status: 200,
      body: { sid: `RE${'4'.repeat(32)}`, call_sid: callSid, channels: '1', status: 'recording' },
    },
  };
  let standIn: Server;
  let bad: RunningPrism;
  beforeAll(async () => {
    standIn = createServer((req, res) => {
      const answer = wrong[req.url ?? ''];
      if (answer) {
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
        return;
      }
      fetch(em.url + req.url, { headers: { authorization: req.headers.authorization ?? '' } }).then(async (up) =>
        res.writeHead(up.status, { 'content-type': 'application/json' }).end(await up.text()),
      );
    });
    await new Promise<void>((ok) => standIn.listen(0, '127.0.0.1', ok));
    bad = await startPrism(`http://127.0.0.1:${(standIn.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    await bad?.stop();
    standIn?.close();
  });
  const sent = (method: 'get' | 'post', path: string, data?: Record<string, string>) =>
    bad.client.request({ method, uri: `https://api.twilio.com${path}`, data });

  test('a request that breaks the spec is refused by Prism, and its log shows it', async () => {
    const from = bad.mark();
    const res = await sent('post', `${calls}/${callSid}/Recordings/RE${'2'.repeat(32)}.json`, {
      PauseBehavior: 'skip',
    }); // Status is required
    expect(res.statusCode).toBe(422);
    expect(JSON.stringify(res.body)).toContain('Status');
    expect(await bad.problems(from)).toEqual([expect.stringContaining('UNPROCESSABLE_ENTITY')]);
  });

  test('an answer that breaks the spec is failed by Prism, and its log shows it', async () => {
    const from = bad.mark();
    const res = await sent('get', `${calls}/${callSid}.json`);
    expect(res.statusCode).toBe(500);
    expect(JSON.stringify(res.body)).toContain('sid must be string');
    // Our schema check finds it too.
    expect(await bad.problems(from)).toEqual([
      expect.stringContaining('VIOLATIONS'),
      expect.stringContaining('SCHEMA /sid must be string'),
    ]);
  });

  test('a success status the spec does not list is failed by Prism, and its log shows it', async () => {
    const from = bad.mark();
    expect((await sent('get', `${calls}/${callSid}/Recordings/RE${'3'.repeat(32)}.json`)).statusCode).toBe(500);
    expect(await bad.problems(from)).toEqual([expect.stringContaining('VIOLATIONS')]);
  });

  test("our own check: an answer's wrong JSON type or value outside its enum is caught by the schema (Ajv)", async () => {
    const from = bad.mark();
    expect((await sent('get', `${calls}/${callSid}/Recordings/RE${'4'.repeat(32)}.json`)).statusCode).toBeLessThan(600);
    const problems = await bad.problems(from);
    expect(problems).toContainEqual(expect.stringMatching(/SCHEMA \/channels must be integer/));
    expect(problems).toContainEqual(
      expect.stringMatching(/SCHEMA \/status must be equal to one of the allowed values/),
    );
  });

  test("our own check: an error body not in Twilio's documented shape is caught", async () => {
    const from = bad.mark();
    expect((await sent('get', `${calls}/${callSid}/Recordings.json`)).statusCode).toBe(404);
    expect(await bad.problems(from)).toEqual([
      expect.stringContaining('code is not a Twilio error number'),
      expect.stringContaining('more_info is not'),
      expect.stringContaining('status is not the HTTP status 404'),
    ]);
  });
});
