// The TwiML example run by the emulator as Twilio runs it, on ringing incoming calls: each <Redirect>
// and <Pay> action fetched with the call's parameters, the caller scripted, and the recording's state
// logged at every verb. It goes through the same outcomes as the Studio flow and ends the same way.
import { callIn, finishedCall, type CallLog } from '../../harness/calls';
import { useStack } from '../../harness/stack';

const stack = useStack();
afterEach(() => stack.em.control('DELETE', '/faults'));

const THANKS = 'Thank you. Your card was accepted.';
const NOT_PAID = 'Sorry, we could not take your card. Nothing was charged. Please call back later.';
const UNAVAILABLE = 'Sorry, we cannot take your card securely right now. Nothing was charged. Please call back later.';

/** Each verb the call ran, with the call's status and its recordings' statuses at that moment. */
const verbs = (result: CallLog) =>
  result.log
    .filter((e) => ['Say', 'Pay', 'Redirect', 'Hangup', 'Gather'].includes(e.step))
    .map(
      (e) =>
        `${e.step}${e.step === 'Pay' ? `:${e.result}` : e.step === 'Redirect' ? `:${String(e.url).split('?')[0]}` : ''} [${e.callStatus}; ${e.recordings.join(',')}]`,
    );

async function run(inputs: unknown[]) {
  const sid = await callIn(stack.em, { Url: `${stack.fx.url}/examples/pay-by-phone`, inputs });
  const result = await finishedCall(stack.em, sid);
  return { result, verbs: verbs(result), said: result.log.filter((e) => e.step === 'Say').map((e) => e.text), sid };
}

const greetingAndPause = [
  'Say [in-progress; ]',
  'Redirect:/recording/start [in-progress; ]',
  'Redirect:/examples/pay-by-phone [in-progress; in-progress]',
  'Redirect:/recording/set-status [in-progress; in-progress]',
  'Redirect:/examples/pay-by-phone [in-progress; paused]',
];
const resumeAndTell = (result: string) => [
  `Pay:${result} [in-progress; paused]`,
  // <Pay>'s action is /callbacks/payment, which logs the result and sends the call on with it.
  'Redirect:/examples/pay-by-phone [in-progress; paused]',
  'Redirect:/recording/set-status [in-progress; paused]',
  'Redirect:/examples/pay-by-phone [in-progress; in-progress]',
  'Say [in-progress; in-progress]',
  'Hangup [in-progress; in-progress]',
];

test('the call rings until the greeting; the card is taken by <Pay> while paused; recording resumes after', async () => {
  const { result, verbs: ran, said } = await run([{ pay: 'success' }]);
  expect(result.log[0]).toMatchObject({ step: 'ringing', callStatus: 'ringing' });
  expect(result.log.find((e) => e.step === 'answered')).toBeDefined();
  expect(ran).toEqual([...greetingAndPause, ...resumeAndTell('success')]);
  expect(said.at(-1)).toBe(THANKS);
  expect(result.status).toBe('completed');
  // Card data is never gathered by the script itself.
  expect(result.log.filter((e) => e.step === 'Gather')).toEqual([]);
});

test.each([
  ['the card declined twice', [{ pay: 'declined' }, { pay: 'declined' }]],
  ['a caller who stays silent', []],
  ['a caller who speaks', [{ speech: 'four one one one' }]],
])('%s: nothing charged, recording resumed, the caller told', async (_name, inputs) => {
  const { verbs: ran, said } = await run(inputs);
  expect(ran).toEqual([...greetingAndPause, ...resumeAndTell('too-many-failed-attempts')]);
  expect(said.at(-1)).toBe(NOT_PAID);
});

// twilio.com/docs/voice/twiml/pay: the action is posted with Result caller-hung-up too.
test('a caller who hangs up during <Pay>: the call ends, the action hears it, and the recording completes', async () => {
  const { result, verbs: ran, sid } = await run([{ pay: 'hangup' }]);
  expect(ran).toEqual([...greetingAndPause, 'Pay:caller-hung-up [in-progress; paused]']);
  expect(result.status).toBe('completed');
  expect(result.log.at(-1)).toMatchObject({ step: 'webhook', params: { Result: 'caller-hung-up' }, status: 200 });
  await stack.em.control('GET', '/callbacks/idle'); // processed
  expect((await stack.em.client.calls(sid).recordings.list()).map((r) => r.status)).toEqual(['completed']);
});

// twilio.com/docs/voice/twiml/pay#validcardtypes, #postalcode: the same cards as the Studio flow's widget, no postal code.
test.each([
  ['a discover card is taken', [{ pay: 'success', cardType: 'discover' }], 'success'],
  [
    'a jcb card twice is refused',
    [
      { pay: 'success', cardType: 'jcb' },
      { pay: 'success', cardType: 'jcb' },
    ],
    'too-many-failed-attempts',
  ],
])('%s, and no postal code is asked', async (_name, inputs, outcome) => {
  const { result, verbs: ran } = await run(inputs);
  expect(ran).toEqual([...greetingAndPause, ...resumeAndTell(outcome)]);
  const paid = result.log.find((e) => e.step === 'webhook' && (e.params as Record<string, string>).Result)!;
  expect(paid.params).toMatchObject({ Result: outcome });
  expect(paid.params).not.toHaveProperty('PaymentCardPostalCode');
});

test('the pause failing: no card is asked for, and the caller is told so', async () => {
  await stack.em.control('POST', '/faults', { kind: '500', count: 100, method: 'POST', match: '/Recordings/' });
  const { result, verbs: ran, said } = await run([{ pay: 'success' }]);
  expect(ran).toEqual([
    ...greetingAndPause.slice(0, 4),
    'Redirect:/examples/pay-by-phone [in-progress; in-progress]',
    'Say [in-progress; in-progress]',
    'Hangup [in-progress; in-progress]',
  ]);
  expect(result.log.filter((e) => e.step === 'webhook').map((e) => String(e.url))).toContainEqual(
    expect.stringContaining('step=pay&error=TWILIO_UNAVAILABLE'),
  );
  expect(said.at(-1)).toBe(UNAVAILABLE);
});

test('the start failing: nothing records, so the card is taken with nothing to pause (NO_ACTIVE_RECORDING)', async () => {
  await stack.em.control('POST', '/faults', { kind: '500', count: 100, method: 'POST', match: '/Recordings.json' });
  const { result, verbs: ran, said } = await run([{ pay: 'success' }]);
  expect(ran.every((v) => v.endsWith('; ]'))).toBe(true);
  expect(ran.filter((v) => v.startsWith('Pay'))).toEqual(['Pay:success [in-progress; ]']);
  expect(result.log.filter((e) => e.step === 'webhook').map((e) => String(e.url))).toContainEqual(
    expect.stringContaining('step=pay&error=NO_ACTIVE_RECORDING'),
  );
  expect(said.at(-1)).toBe(THANKS);
});
