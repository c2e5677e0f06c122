// The emulator's Studio runner: flows run widget by widget on incoming calls, with Liquid as Studio
// renders it, Run Function calls to a real web server, and the call answered by its first call widget.
import twilio from 'twilio';
import { callIn, finishedCall } from '../../harness/calls';
import { flowOf, runInline, sayWidget, triggerTo, widget } from '../../harness/flows';
import { AUTH_TOKEN, startEmulator, type RunningEmulator } from '../../harness/stack';
import { startWebhooks, type Webhooks } from '../../harness/webhooks';

let em: RunningEmulator;
let fn: Webhooks;
beforeAll(async () => {
  em = await startEmulator();
  fn = await startWebhooks({
    '/ok': (p) => ({
      status: 200,
      type: 'application/json',
      body: JSON.stringify({ status: 'ok', echo: p.Who, count: 3 }),
    }),
    '/refused': () => ({ status: 409, type: 'application/json', body: JSON.stringify({ error: { code: 'NOPE' } }) }),
    '/text': () => ({ status: 200, type: 'text/plain', body: 'plain words' }),
  });
});
afterAll(async () => {
  await em.close();
  await fn.close();
});

const run = (flow: object, inputs: unknown[] = []) =>
  runInline(em, flow, inputs, { 'https://fn.example.twil.io': fn.url });

test('Run Function posts rendered parameters, signed; success on 2xx with parsed JSON, fail otherwise', async () => {
  const call = (name: string, path: string, next: string, fail: string) =>
    widget(
      name,
      'run-function',
      [
        { event: 'success', next },
        { event: 'fail', next: fail },
      ],
      {
        url: `https://fn.example.twil.io${path}`,
        parameters: [
          { key: 'CallSid', value: '{{trigger.call.CallSid}}' },
          { key: 'Who', value: '{{trigger.call.From | remove: "+"}}' },
          { key: 'FlowSid', value: '{{flow.flow_sid}}' },
          { key: 'ExecutionSid', value: '{{flow.sid}}' },
        ],
      },
    );
  const flow = flowOf(
    triggerTo('ok'),
    call('ok', '/ok', 'refused', 'wrong'),
    call('refused', '/refused', 'wrong', 'text'),
    call('text', '/text', 'done', 'wrong'),
    sayWidget(
      'done',
      '{{widgets.ok.parsed.echo}} {{widgets.ok.parsed.count | plus: 1}} {{widgets.refused.status_code}} {{widgets.refused.parsed.error.code}} {{widgets.text.body}}',
    ),
    sayWidget('wrong', 'wrong'),
  );
  const result = await run(flow);
  expect(result.widgets.map((w) => `${w.widget}:${w.event}`)).toEqual([
    'Trigger:incomingCall',
    'ok:success',
    'refused:fail',
    'text:success',
    'done:audioComplete',
  ]);
  expect(result.widgets.at(-1)!.say).toBe('15005550001 4 409 NOPE plain words');
  const request = fn.received.find((r) => r.path === '/ok')!;
  expect(request.params).toEqual({
    CallSid: result.sid,
    Who: '15005550001',
    FlowSid: expect.stringMatching(/^FW[0-9a-f]{32}$/),
    ExecutionSid: expect.stringMatching(/^FN[0-9a-f]{32}$/),
  });
  expect(twilio.validateRequest(AUTH_TOKEN, request.signature!, `${fn.url}/ok`, request.params)).toBe(true);
});

test('the call rings through server-side widgets and is answered by the first that speaks or listens', async () => {
  const flow = flowOf(
    triggerTo('vars'),
    widget('vars', 'set-variables', [{ event: 'next', next: 'hello' }], {
      variables: [{ key: 'name', value: 'caller {{trigger.call.From}}' }],
    }),
    sayWidget('hello', 'Hello {{flow.variables.name}}'),
  );
  const result = await run(flow);
  expect(result.widgets.map((w) => [w.widget, w.callStatus])).toEqual([
    ['Trigger', 'ringing'],
    ['vars', 'ringing'],
    ['hello', 'in-progress'],
  ]);
  expect(result.widgets.at(-1)!.say).toBe('Hello caller +15005550001');
  expect(result.status).toBe('completed');
});

describe('Gather Input On Call', () => {
  const gather = (speech: boolean) =>
    flowOf(
      triggerTo('ask'),
      widget(
        'ask',
        'gather-input-on-call',
        [
          { event: 'keypress', next: 'pressed' },
          { event: 'speech', ...(speech ? { next: 'spoke' } : {}) },
          { event: 'timeout', next: 'silent' },
        ],
        { say: 'Press or say something', timeout: 5, finish_on_key: '#', number_of_digits: 4 },
      ),
      sayWidget('pressed', 'pressed {{widgets.ask.Digits}}'),
      sayWidget('spoke', 'said {{widgets.ask.SpeechResult}}'),
      sayWidget('silent', 'nothing'),
    );
  test.each([
    [true, [{ digits: '42' }], 'pressed 42'],
    // The finish key ends the entry and is not reported; so does the digit count.
    [true, [{ digits: '42#9' }], 'pressed 42'],
    [true, [{ digits: '123456' }], 'pressed 1234'],
    [true, [{ speech: 'hello there' }], 'said hello there'],
    [true, [], 'nothing'],
    // Studio listens for speech only when the speech transition leads somewhere.
    [false, [{ speech: 'hello there' }], 'nothing'],
  ])('speech wired %s, caller %j → %s', async (speech, inputs, said) => {
    expect((await run(gather(speech), inputs)).widgets.at(-1)!.say).toBe(said);
  });
  test('a hang-up ends the execution and the call', async () => {
    const result = await run(gather(true), [{ hangup: true }]);
    expect(result.widgets.map((w) => `${w.widget}:${w.event}`)).toEqual(['Trigger:incomingCall', 'ask:hangup']);
    expect(result.status).toBe('completed');
  });
});

// Source: Split Based On… widget (twilio.com/docs/studio/widget-library/split-based-on): conditions as
// subject, predicate, value; text compared case-insensitively with the ends trimmed (the page's earlier
// version); the whole-input regex and the time and date formats are the Studio skill catalog's (twilio/ai).
describe('Split Based On…', () => {
  const split = (input: string, type: string, value: string) =>
    flowOf(
      triggerTo('vars'),
      widget('vars', 'set-variables', [{ event: 'next', next: 'split' }], { variables: [{ key: 'x', value: input }] }),
      widget(
        'split',
        'split-based-on',
        [
          { event: 'noMatch', next: 'no' },
          {
            event: 'match',
            next: 'yes',
            conditions: [{ friendly_name: type, arguments: ['{{flow.variables.x}}'], type, value }],
          },
        ],
        { input: '{{flow.variables.x}}' },
      ),
      sayWidget('yes', 'yes'),
      sayWidget('no', 'no'),
    );
  test.each([
    ['Paused', 'equal_to', 'paused', 'yes'],
    ['paused', 'equal_to', 'in-progress', 'no'],
    ['a', 'not_equal_to', 'b', 'yes'],
    ['Yes', 'matches_any_of', 'yes,yeah, sure', 'yes'],
    ['no', 'matches_any_of', 'yes,yeah', 'no'],
    ['no', 'does_not_match_any_of', 'yes,yeah', 'yes'],
    ['', 'is_blank', '', 'yes'],
    ['x', 'is_blank', '', 'no'],
    ['x', 'is_not_blank', '', 'yes'],
    ['I want an agent please', 'contains', 'AGENT', 'yes'],
    ['billing', 'does_not_contain', 'agent', 'yes'],
    ['Card payment', 'starts_with', 'card', 'yes'],
    ['Card payment', 'does_not_start_with', 'card', 'no'],
    ['12345', 'regex', '^\\d{5}$', 'yes'],
    ['1234', 'regex', '^\\d{5}$', 'no'],
    // A regex must match the whole (trimmed) input, whatever the case.
    ['x12345y', 'regex', '\\d{5}', 'no'],
    [' ABC-123 ', 'regex', '[a-z]{3}-\\d+', 'yes'],
    ['abc', 'regex', '(unclosed', 'no'],
    // Times are HH:MM, dates YYYY-MM-DD; one that cannot be read meets no condition.
    ['08:30', 'is_before_time', '09:00', 'yes'],
    ['17:45', 'is_after_time', '17:00', 'yes'],
    ['9:00', 'is_after_time', '17:00', 'no'],
    ['25:00', 'is_before_time', '09:00', 'no'],
    ['2026-12-24', 'is_before_date', '2026-12-25', 'yes'],
    ['2026-12-26', 'is_after_date', '2026-12-25', 'yes'],
    ['2026-02-30', 'is_before_date', '2026-12-25', 'no'],
    ['9', 'less_than', '10', 'yes'],
    ['11', 'greater_than', '10', 'yes'],
    ['abc', 'greater_than', '10', 'no'],
  ])('%j %s %j → %s', async (input, type, value, branch) => {
    expect((await run(split(input, type, value))).widgets.at(-1)!.widget).toBe(branch);
  });
});

test('Capture Payments maps <Pay> results to its events, with masked card outputs only', async () => {
  const flow = flowOf(
    triggerTo('pay'),
    widget(
      'pay',
      'capture-payments',
      [
        { event: 'success', next: 'ok' },
        { event: 'maxFailedAttempts', next: 'failed' },
        { event: 'providerError', next: 'failed' },
        { event: 'payInterrupted', next: 'failed' },
        { event: 'hangup' },
        { event: 'validationError', next: 'failed' },
      ],
      { payment_amount: '0', max_attempts: 2 },
    ),
    sayWidget('ok', '{{widgets.pay.Result}} {{widgets.pay.PaymentCardNumber}}'),
    sayWidget('failed', '{{widgets.pay.Result}}'),
  );
  expect((await run(flow, [{ pay: 'declined' }, { pay: 'success' }])).widgets.at(-1)!.say).toBe(
    'success xxxxxxxxxxxx1111',
  );
  expect((await run(flow, [{ pay: 'connector-error' }])).widgets.map((w) => w.event)).toEqual([
    'incomingCall',
    'providerError',
    'audioComplete',
  ]);
  expect((await run(flow, [{ pay: 'interrupt' }])).widgets.at(-2)!.event).toBe('payInterrupted');
  expect((await run(flow, [])).widgets.at(-2)!.event).toBe('maxFailedAttempts');
});

// Sources: Flow Validate (twilio.com/docs/studio/rest-api/v2/flow-validate) and error 81022: a definition
// Studio would not save is refused wherever a flow is given, the control surface included.
test('flows can be stored and called by SID; a flow Studio would refuse is refused before any call', async () => {
  const { sid } = await em.control<{ sid: string }>('POST', '/flows', flowOf(triggerTo('hi'), sayWidget('hi', 'hi')));
  expect(sid).toMatch(/^FW[0-9a-f]{32}$/);
  const callSid = await callIn(em, { FlowSid: sid });
  expect((await finishedCall(em, callSid)).log.filter((e) => e.step === 'widget').map((e) => e.widget)).toEqual([
    'Trigger',
    'hi',
  ]);
  expect(await em.refusal('POST', '/flows', { states: [] })).toMatchObject({ error: { code: 'INVALID_FLOW' } });
  expect(
    await em.refusal(
      'POST',
      '/flows',
      flowOf(widget('Trigger', 'trigger', [{ event: 'incomingCall', next: 'missing' }])),
    ),
  ).toMatchObject({
    error: { message: expect.stringContaining('missing') },
  });
  const odd = flowOf(triggerTo('odd'), widget('odd', 'no-such-widget', [{ event: 'next' }]));
  expect(await em.refusal('POST', '/flows', odd)).toMatchObject({
    error: { details: { errors: [{ property_path: '#/states/1/type' }] } },
  });
  expect(await em.refusal('POST', '/incoming', { To: '+15005550006', From: '+15005550001', Flow: odd })).toMatchObject({
    error: { code: 'INVALID_REQUEST', message: expect.stringContaining('no-such-widget') },
  });
});
