// Studio's and TaskRouter's lists come in pages of PageSize as Sync's do (OpenAPI twilio_studio_v2
// ListFlow, ListExecution, ListExecutionStep and twilio_taskrouter_v1 ListWorkspace, ListTask: PageSize
// 1 to 1000, Page, PageToken; meta.next_page_url to follow).
import { callIn, finishedCall } from '../../harness/calls';
import { flowOf, sayWidget, triggerTo } from '../../harness/flows';
import { startEmulator, type RunningEmulator } from '../../harness/stack';

let em: RunningEmulator;
beforeAll(async () => (em = await startEmulator()));
afterAll(() => em.close());
beforeEach(() => em.control('POST', '/reset'));

const routes = async () => (await em.control<{ routes: Record<string, number> }>('GET', '/counters')).routes;
const studio = () => em.client.studio.v2.flows;
const flow = flowOf(
  triggerTo('one'),
  sayWidget('one', 'one', 'two'),
  sayWidget('two', 'two', 'three'),
  sayWidget('three', 'three'),
);

// OpenAPI ListFlow.
test('flows: PageSize is honoured, the library follows next_page_url, at most 1000 a page', async () => {
  for (let i = 0; i < 5; i++) await studio().create({ friendlyName: `flow-${i}`, status: 'draft', definition: flow });
  const first = await studio().page({ pageSize: 2 });
  expect(first.instances.map((f) => f.friendlyName)).toEqual(['flow-0', 'flow-1']);
  expect(first.nextPageUrl).toBe('https://studio.twilio.com/v2/Flows?PageSize=2&Page=1&PageToken=PT2');
  expect((await first.nextPage())!.instances.map((f) => f.friendlyName)).toEqual(['flow-2', 'flow-3']);

  const before = (await routes())['GET /v2/Flows'] ?? 0;
  expect((await studio().list({ pageSize: 2 })).map((f) => f.friendlyName)).toHaveLength(5);
  expect((await routes())['GET /v2/Flows'] - before).toBe(3);
  // Over 1000 is 20007, "Page size too large" (twilio.com/docs/api/errors/20007), not a clamped page;
  // the same on TaskRouter's lists and Voice's.
  const big = await em.client.request({ method: 'get', uri: 'https://studio.twilio.com/v2/Flows?PageSize=5000' });
  expect(big).toMatchObject({ statusCode: 400, body: expect.objectContaining({ code: 20007 }) });
  const tasks = await em.client.request({
    method: 'get',
    uri: 'https://taskrouter.twilio.com/v1/Workspaces?PageSize=1001',
  });
  expect(tasks).toMatchObject({ statusCode: 400, body: expect.objectContaining({ code: 20007 }) });
  const calls = await em.client.request({
    method: 'get',
    uri: `https://api.twilio.com/2010-04-01/Accounts/${em.emulator.context.accountSid}/Calls.json?PageSize=1001`,
  });
  expect(calls).toMatchObject({ statusCode: 400, body: expect.objectContaining({ code: 20007 }) });
  const none = await em.client.request({ method: 'get', uri: 'https://studio.twilio.com/v2/Flows?PageSize=0' });
  expect(none).toMatchObject({ statusCode: 400, body: expect.objectContaining({ code: 20001 }) });
});

// OpenAPI ListExecution (DateCreatedFrom/To kept in the page URLs) and ListExecutionStep.
test('executions and their steps come in pages too', async () => {
  const saved = await studio().create({ friendlyName: 'paged', status: 'published', definition: flow });
  for (let i = 0; i < 3; i++) await finishedCall(em, await callIn(em, { FlowSid: saved.sid }));
  const executions = await studio()(saved.sid).executions.page({
    pageSize: 2,
    dateCreatedFrom: new Date(Date.now() - 60_000),
  });
  expect(executions.instances).toHaveLength(2);
  expect(executions.nextPageUrl).toContain('DateCreatedFrom=');
  expect((await executions.nextPage())!.instances).toHaveLength(1);

  const steps = await studio()(saved.sid).executions(executions.instances[0].sid).steps.list({ pageSize: 1 });
  expect(steps.map((s) => s.transitionedFrom)).toEqual(['Trigger', 'one', 'two', 'three']);
  const firstStep = await studio()(saved.sid).executions(executions.instances[0].sid).steps.page({ pageSize: 1 });
  expect(firstStep.instances).toHaveLength(1);
  expect(firstStep.nextPageUrl).toMatch(/PageSize=1&Page=1&PageToken=PT1$/);
});

// OpenAPI ListWorkspace (FriendlyName kept) and ListTask (AssignmentStatus kept).
test('TaskRouter workspaces and tasks: PageSize honoured, their filters kept in every page URL', async () => {
  const tr = em.client.taskrouter.v1.workspaces;
  for (let i = 0; i < 3; i++) await tr.create({ friendlyName: 'desk' });
  const workspaces = await tr.page({ pageSize: 2, friendlyName: 'desk' });
  expect(workspaces.instances).toHaveLength(2);
  expect(workspaces.nextPageUrl).toContain('FriendlyName=desk');
  expect((await workspaces.nextPage())!.instances).toHaveLength(1);

  const ws = workspaces.instances[0].sid;
  for (let i = 0; i < 5; i++) await tr(ws).tasks.create({ attributes: JSON.stringify({ i }) });
  const tasks = await tr(ws).tasks.page({ pageSize: 2, assignmentStatus: ['pending'] });
  expect(tasks.instances.map((t) => JSON.parse(t.attributes).i)).toEqual([0, 1]);
  expect(tasks.nextPageUrl).toContain('AssignmentStatus=pending');
  expect(await tr(ws).tasks.list({ pageSize: 2 })).toHaveLength(5);
});

test('a PageToken these APIs never gave is refused', async () => {
  await expect(
    em.client.request({ method: 'get', uri: 'https://studio.twilio.com/v2/Flows?PageToken=PTx' }),
  ).resolves.toMatchObject({ statusCode: 400 });
});
