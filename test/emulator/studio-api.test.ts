// Studio's v2 REST API in the emulator, through the official library: flows saved and refused as Studio
// saves and refuses them, and the executions a call leaves, with their steps and contexts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { callIn, finishedCall } from '../../harness/calls';
import { flowOf, widget } from '../../harness/flows';
import { ROOT, startEmulator, type RunningEmulator } from '../../harness/stack';

let em: RunningEmulator;
beforeAll(async () => {
  em = await startEmulator();
});
afterAll(() => em.close());

const studio = () => em.client.studio.v2;
const trigger = widget('Trigger', 'trigger', [{ event: 'incomingCall', next: 'ask' }]);
const ask = widget(
  'ask',
  'gather-input-on-call',
  [{ event: 'keypress', next: 'bye' }, { event: 'speech' }, { event: 'timeout', next: 'bye' }],
  { say: 'Your account number?', timeout: 5, number_of_digits: 4 },
);
const bye = widget('bye', 'say-play', [{ event: 'audioComplete' }], { say: 'Bye' });
const good = flowOf(trigger, ask, bye);

/** What Studio answers a definition it will not save: 400, 81022, every failure with where it is. */
async function refusal(definition: unknown) {
  const err = await studio()
    .flowValidate.update({ friendlyName: 'x', status: 'published', definition })
    .then(() => undefined)
    .catch((e: { status: number; code: number; details?: { errors: Array<{ property_path: string }> } }) => e);
  expect(err).toMatchObject({ status: 400, code: 81022, message: 'Flow definition validation failed' });
  return err!.details!.errors;
}

// Source: Flow resource, CreateFlow / FetchFlow / ListFlow / UpdateFlow / DeleteFlow
// (twilio.com/docs/studio/rest-api/v2/flow; OpenAPI twilio_studio_v2.json).
test('a flow is created, fetched, listed, revised and deleted; its webhook_url is what a number points at', async () => {
  const flow = await studio().flows.create({ friendlyName: 'IVR', status: 'published', definition: good });
  expect(flow).toMatchObject({
    sid: expect.stringMatching(/^FW[0-9a-f]{32}$/),
    friendlyName: 'IVR',
    status: 'published',
    revision: 1,
    valid: true,
    definition: good,
    webhookUrl: `https://webhooks.twilio.com/v1/Accounts/${flow.accountSid}/Flows/${flow.sid}`,
  });
  await expect(studio().flows(flow.sid).fetch()).resolves.toMatchObject({ sid: flow.sid, revision: 1 });
  expect((await studio().flows.list()).map((f) => f.sid)).toContain(flow.sid);
  const revised = await studio()
    .flows(flow.sid)
    .update({ status: 'draft', commitMessage: 'shorter', definition: flowOf(trigger, ask, bye) });
  expect(revised).toMatchObject({ status: 'draft', revision: 2, commitMessage: 'shorter', friendlyName: 'IVR' });
  await studio().flows(flow.sid).remove();
  await expect(studio().flows(flow.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
});

// Source: Flow Validate (twilio.com/docs/studio/rest-api/v2/flow-validate): {"valid": true}, else an error.
test("the project's shipped flows pass Studio's validation", async () => {
  for (const file of ['pci-payment-flow.json', 'identity-check-flow.json']) {
    const definition = JSON.parse(readFileSync(join(ROOT, 'studio', file), 'utf8'));
    await expect(
      studio().flowValidate.update({ friendlyName: file, status: 'published', definition }),
    ).resolves.toMatchObject({ valid: true });
  }
});

// Source: error 81022 (twilio.com/docs/api/errors/81022): properties that do not match the schema,
// names not unique, transitions to widgets that do not exist; the widget-library pages for each type's
// events (`fail` for Run Function, `failed` for Make HTTP Request) and properties.
describe('a definition Studio would not save is refused, with where', () => {
  test.each([
    [
      'an unknown widget type',
      flowOf(trigger, widget('ask', 'gather-digits', [{ event: 'keypress' }])),
      '#/states/1/type',
    ],
    [
      "an event the widget does not have (Run Function's is fail, not failed)",
      flowOf(
        widget('Trigger', 'trigger', [{ event: 'incomingCall', next: 'fn' }]),
        widget('fn', 'run-function', [{ event: 'success' }, { event: 'failed' }], { url: 'https://x.twil.io/f' }),
      ),
      '#/states/1/transitions/1/event',
    ],
    [
      'a property of the wrong type (gather timeout as a string)',
      flowOf(trigger, widget('ask', 'gather-input-on-call', [{ event: 'keypress' }], { timeout: '5' }), bye),
      '#/states/1/properties/timeout',
    ],
    [
      "a property of the wrong type (Send to Flex's workflow as a number)",
      flowOf(
        widget('Trigger', 'trigger', [{ event: 'incomingCall', next: 'flex' }]),
        widget('flex', 'send-to-flex', [{ event: 'callComplete' }], { workflow: 1, channel: 'TC1' }),
      ),
      '#/states/1/properties/workflow',
    ],
    [
      'a required property missing (Run Function url)',
      flowOf(widget('Trigger', 'trigger', [{ event: 'incomingCall', next: 'fn' }]), widget('fn', 'run-function', [])),
      '#/states/1/properties/url',
    ],
    [
      'a condition type Split does not have',
      flowOf(
        widget('Trigger', 'trigger', [{ event: 'incomingCall', next: 'split' }]),
        widget(
          'split',
          'split-based-on',
          [{ event: 'match', conditions: [{ type: 'equals', value: '1', arguments: [] }] }],
          {
            input: '1',
          },
        ),
      ),
      '#/states/1/transitions/0/conditions/0/type',
    ],
    [
      'a transition to a widget that does not exist',
      flowOf(trigger, widget('ask', 'say-play', [{ event: 'audioComplete', next: 'nowhere' }], { say: 'x' })),
      '#/states/1/transitions/0/next',
    ],
    ['two widgets with one name', flowOf(trigger, ask, bye, bye), '#/states/3/name'],
    ['an initial state that is not a trigger', { ...good, initial_state: 'bye' }, '#/initial_state'],
  ])('%s', async (_what, definition, path) => {
    expect((await refusal(definition)).map((e) => e.property_path)).toContain(path);
  });

  // Flows Studio saved write seconds and priorities as JSON numbers or as text (test/studio/flows/):
  // both pass, on every widget that has them.
  test('seconds and priorities written as numbers or as text both pass', async () => {
    const numbers = flowOf(
      widget('Trigger', 'trigger', [{ event: 'incomingCall', next: 'flex' }]),
      widget('flex', 'send-to-flex', [{ event: 'callComplete', next: 'dial' }], {
        workflow: 'WW1',
        channel: 'TC1',
        priority: 0,
        timeout: 3600,
      }),
      widget('dial', 'connect-call-to', [{ event: 'callCompleted', next: 'back' }], {
        noun: 'number',
        to: '+14158675309',
        timeout: 30,
        time_limit: 14400,
      }),
      widget('back', 'add-twiml-redirect', [{ event: 'return' }], { url: 'https://x.example/t', timeout: 60 }),
    );
    await expect(
      studio().flowValidate.update({ friendlyName: 'x', status: 'published', definition: numbers }),
    ).resolves.toMatchObject({ valid: true });
  });

  test('on create and update too, and a definition that is not JSON or a parameter missing is a 400', async () => {
    const bad = flowOf(trigger, widget('ask', 'gather-digits', []));
    await expect(studio().flows.create({ friendlyName: 'x', status: 'draft', definition: bad })).rejects.toMatchObject({
      status: 400,
      code: 81022,
    });
    const flow = await studio().flows.create({ friendlyName: 'x', status: 'draft', definition: good });
    await expect(studio().flows(flow.sid).update({ status: 'published', definition: bad })).rejects.toMatchObject({
      code: 81022,
    });
    await expect(studio().flows(flow.sid).fetch()).resolves.toMatchObject({ revision: 1, definition: good });
    const raw = (data: Record<string, string>) =>
      em.client.request({ method: 'post', uri: 'https://studio.twilio.com/v2/Flows', data });
    expect(await raw({ FriendlyName: 'x', Status: 'published', Definition: '{not json' })).toMatchObject({
      statusCode: 400,
      body: { code: 20001, message: expect.stringContaining('Definition') },
    });
    expect(await raw({ Status: 'published', Definition: JSON.stringify(good) })).toMatchObject({
      statusCode: 400,
      body: { code: 20001, message: expect.stringContaining('FriendlyName') },
    });
    expect(await raw({ FriendlyName: 'x', Status: 'live', Definition: JSON.stringify(good) })).toMatchObject({
      statusCode: 400,
      body: { message: expect.stringContaining('Status') },
    });
  });
});

// Source: Execution, Execution Step and Execution Context resources (twilio.com/docs/studio/rest-api/v2/
// execution, …/step, …/execution-context): ListExecution, FetchExecution, FetchExecutionContext,
// ListExecutionStep, FetchExecutionStep, FetchExecutionStepContext.
test("a call to the flow's webhook leaves an execution with its steps and context, digits keyed included", async () => {
  const flow = await studio().flows.create({ friendlyName: 'IVR', status: 'published', definition: good });
  const callSid = await callIn(em, { Url: flow.webhookUrl, inputs: [{ digits: '4321' }] });
  await finishedCall(em, callSid);
  const [execution] = await studio().flows(flow.sid).executions.list();
  expect(execution).toMatchObject({
    sid: expect.stringMatching(/^FN[0-9a-f]{32}$/),
    flowSid: flow.sid,
    contactChannelAddress: '+15005550001',
    status: 'ended',
  });
  const steps = await studio().flows(flow.sid).executions(execution.sid).steps.list();
  expect(steps.map((s) => `${s.transitionedFrom} -${s.name}-> ${s.transitionedTo}`)).toEqual([
    'Trigger -incomingCall-> ask',
    'ask -keypress-> bye',
    'bye -audioComplete-> Ended',
  ]);
  // The PCI point: what a Gather widget heard is in the execution's record, for anyone with API access.
  const context = await studio().flows(flow.sid).executions(execution.sid).executionContext().fetch();
  expect(context.context).toMatchObject({
    trigger: { call: { CallSid: callSid, From: '+15005550001' } },
    widgets: { ask: { Digits: '4321' } },
    flow: { flow_sid: flow.sid, sid: execution.sid },
  });
  const step = await studio().flows(flow.sid).executions(execution.sid).steps(steps[1].sid).fetch();
  expect(step).toMatchObject({ name: 'keypress', transitionedFrom: 'ask', context: { Digits: '4321' } });
  const stepContext = await studio()
    .flows(flow.sid)
    .executions(execution.sid)
    .steps(steps[1].sid)
    .stepContext()
    .fetch();
  expect(stepContext).toMatchObject({ stepSid: steps[1].sid, context: { Digits: '4321' } });
  await expect(
    studio()
      .flows(flow.sid)
      .executions(`FN${'0'.repeat(32)}`)
      .fetch(),
  ).rejects.toMatchObject({ status: 404 });
  expect(
    await studio()
      .flows(flow.sid)
      .executions.list({ dateCreatedTo: new Date(Date.now() - 3_600_000) }),
  ).toEqual([]);
});
