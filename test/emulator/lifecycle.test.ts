// Calls as Twilio runs them: an API call is queued, rings, then is answered; an incoming call is answered
// by its first TwiML unless that is <Reject>; the TwiML runs verb by verb with a scripted caller.
import twilio from 'twilio';
import { startEmulator, AUTH_TOKEN, type RunningEmulator } from '../../harness/stack';
import { waitFor } from '../../harness/functions';
import { startWebhooks, type Webhooks } from '../../harness/webhooks';

let em: RunningEmulator;
let app: Webhooks;
let onCard: () => void = () => {};

interface Log {
  status: string;
  log: Array<{ step: string; callStatus: string; recordings: string[]; [k: string]: unknown }>;
}
const log = (sid: string, wait = true) => em.control<Log>('GET', `/calls/${sid}/log${wait ? '?wait=true' : ''}`);
const incoming = (body: Record<string, unknown>) =>
  em.control<{ sid: string; status: string; direction: string }>('POST', '/incoming', {
    To: '+15005550006',
    From: '+15005550001',
    ...body,
  });

const refusedIncoming = (body: Record<string, unknown>) =>
  em.refusal('POST', '/incoming', { To: '+15005550006', From: '+15005550001', ...body });

beforeAll(async () => {
  em = await startEmulator();
  app = await startWebhooks({
    '/silent-start': () => '<Response><Redirect>/hold</Redirect></Response>',
    '/busy': () => '<Response><Reject reason="busy"/><Say>never</Say></Response>',
    '/reject': () => '<Response><Reject/></Response>',
    '/hangup': () => '<Response><Hangup/></Response>',
    '/pay-amex': () =>
      '<Response><Pay action="/paid" statusCallback="/pay-status" maxAttempts="2" validCardTypes="visa amex" postalCode="false"/></Response>',
    '/pay-bad': () => '<Response><Pay action="/paid" chargeAmount="-0.5"/></Response>',
    '/hold': () => '<Response><Say>Hello</Say><Pause length="30"/></Response>',
    '/menu': () =>
      '<Response><Gather action="/chosen" input="dtmf speech" numDigits="1"><Say>Press or say one</Say></Gather><Say>Nothing heard</Say><Hangup/></Response>',
    '/chosen': (p) => `<Response><Say>You chose ${p.Digits ?? p.SpeechResult}</Say></Response>`,
    '/pay': () =>
      '<Response><Say>Card please</Say><Pay action="/paid" statusCallback="/pay-status" maxAttempts="2" chargeAmount="0"/></Response>',
    '/paid': (p) => {
      onCard();
      return `<Response><Say>${p.Result}</Say><Hangup/></Response>`;
    },
    '/pay-status': () => ({ status: 204, body: '' }),
    '/broken': () => ({ status: 500, body: 'oops' }),
    '/slow': async () => {
      await new Promise((r) => setTimeout(r, 300));
      return '<Response><Say>At last</Say></Response>';
    },
  });
});
afterAll(async () => {
  await em.close();
  await app.close();
});
afterEach(() => em.control('POST', '/reset'));

test('an API call is queued, then ringing, then in progress; recording before the answer is 21220', async () => {
  // Long enough that a busy machine cannot let it be answered before the checks of its ringing.
  await em.control('POST', '/settings', { answerDelayMs: 2000 });
  const call = await em.client.calls.create({
    to: '+15005550006',
    from: '+15005550001',
    twiml: '<Response><Pause length="30"/></Response>',
  });
  expect(call.status).toBe('queued');
  expect((await em.client.calls(call.sid).fetch()).status).toBe('ringing'); // it rings at once
  await expect(em.client.calls(call.sid).recordings.create()).rejects.toMatchObject({ status: 400, code: 21220 });
  const answered = await waitFor('the call answered', async () => {
    const fetched = await em.client.calls(call.sid).fetch();
    return fetched.status === 'ringing' ? undefined : fetched;
  });
  expect(answered.status).toBe('in-progress');
  expect(answered.startTime).not.toBeNull();
  await expect(em.client.calls(call.sid).recordings.create()).resolves.toMatchObject({ status: 'in-progress' });
  expect((await log(call.sid, false)).log.map((e) => e.step)).toEqual(['ringing', 'answered', 'Pause']);
});

test('settings and limits refuse unknown keys and bad values, and reset restores the defaults', async () => {
  expect(await em.refusal('POST', '/settings', { answerDelayMs: -1 })).toMatchObject({
    error: { code: 'INVALID_SETTING' },
  });
  expect(await em.refusal('POST', '/settings', { concurrentRequests: 3 })).toMatchObject({
    error: { message: expect.stringContaining('answerDelayMs') },
  });
  expect(
    await em.control('POST', '/settings', {
      answerDelayMs: 0,
      recordingProcessingMs: 50,
      syncTtlLingerMs: 0,
      payStageMs: 0,
    }),
  ).toEqual({
    answerDelayMs: 0,
    recordingProcessingMs: 50,
    syncTtlLingerMs: 0,
    payStageMs: 0,
  });
  await em.control('POST', '/reset');
  expect(await em.control('POST', '/settings', {})).toEqual({
    answerDelayMs: 200,
    recordingProcessingMs: 200,
    syncTtlLingerMs: 60_000,
    payStageMs: 150,
  });
});

// twilio.com/docs/voice/twiml/reject: any first TwiML other than <Reject> answers the call.
test('an incoming call is answered by its first TwiML, even a <Redirect>', async () => {
  const call = await incoming({ Url: `${app.url}/silent-start` });
  expect(call).toMatchObject({ status: 'ringing', direction: 'inbound' });
  // Until the <Pause> it ends on: it pauses 30 s, so nothing comes after it meanwhile.
  const steps = await waitFor('the call at its <Pause>', async () => {
    const { log: now } = await log(call.sid, false);
    return now.at(-1)?.step === 'Pause' ? now : undefined;
  });
  expect(steps.map((e) => [e.step, e.callStatus])).toEqual([
    ['ringing', 'ringing'],
    ['webhook', 'ringing'],
    ['answered', 'in-progress'],
    ['Redirect', 'in-progress'],
    ['webhook', 'in-progress'],
    ['Say', 'in-progress'],
    ['Pause', 'in-progress'],
  ]);
  // Every webhook is signed as Twilio signs it, over the URL and the parameters.
  const first = app.received.find((r) => r.path === '/silent-start')!;
  expect(first.params).toMatchObject({
    CallSid: call.sid,
    CallStatus: 'ringing',
    Direction: 'inbound',
    To: '+15005550006',
  });
  expect(twilio.validateRequest(AUTH_TOKEN, first.signature!, `${app.url}/silent-start`, first.params)).toBe(true);
});

// twilio.com/docs/voice/twiml/reject: reason="busy" ends it busy, else (reason "rejected") no-answer; never answered.
test.each([
  ['/busy', 'busy'],
  ['/reject', 'no-answer'],
])('<Reject> first (%s) refuses the call: %s, never answered', async (path, status) => {
  const call = await incoming({ Url: `${app.url}${path}` });
  const result = await log(call.sid);
  expect(result.status).toBe(status);
  expect(result.log.map((e) => e.step)).toEqual(['ringing', 'webhook', 'Reject', status]);
  expect(await em.client.calls(call.sid).fetch()).toMatchObject({ status, startTime: null, duration: '0' });
});

test('a <Hangup> first answers the call, then ends it completed', async () => {
  const call = await incoming({ Url: `${app.url}/hangup` });
  expect((await log(call.sid)).log.map((e) => [e.step, e.callStatus])).toEqual([
    ['ringing', 'ringing'],
    ['webhook', 'ringing'],
    ['answered', 'in-progress'],
    ['Hangup', 'in-progress'],
    ['completed', 'completed'],
  ]);
});

test('a ringing incoming call cannot be recorded (21220)', async () => {
  const call = await incoming({ Url: `${app.url}/slow` });
  await expect(em.client.calls(call.sid).recordings.create()).rejects.toMatchObject({ status: 400, code: 21220 });
  expect((await log(call.sid)).log.map((e) => e.step)).toEqual([
    'ringing',
    'webhook',
    'answered',
    'Say',
    'hangup',
    'completed',
  ]);
});

test("a webhook that fails ends the call, as Twilio's application error does", async () => {
  const call = await incoming({ Url: `${app.url}/broken` });
  expect(await log(call.sid)).toMatchObject({
    status: 'completed',
    log: expect.arrayContaining([expect.objectContaining({ step: 'application-error' })]),
  });
});

test.each([
  [[{ digits: '1' }], 'You chose 1', 'Digits'],
  [[{ digits: '12' }], 'You chose 1', 'Digits'],
  [[{ speech: 'one' }], 'You chose one', 'SpeechResult'],
  [[], 'Nothing heard', 'timeout'],
  [[{ silent: true }], 'Nothing heard', 'timeout'],
])('<Gather> with scripted input %j', async (inputs, said, input) => {
  const call = await incoming({ Url: `${app.url}/menu`, inputs });
  const result = await log(call.sid);
  expect(result.status).toBe('completed');
  expect(result.log.find((e) => e.step === 'Gather')).toMatchObject({ prompt: 'Press or say one', input });
  expect(result.log.filter((e) => e.step === 'Say').map((e) => e.text)).toContain(said);
});

test('a caller who hangs up at a <Gather> ends the call with nothing posted', async () => {
  const call = await incoming({ Url: `${app.url}/menu`, inputs: [{ hangup: true }] });
  expect((await log(call.sid)).status).toBe('completed');
  expect(app.received.filter((r) => r.path === '/chosen' && r.params.CallSid === call.sid)).toEqual([]);
});

const paidFor = (sid: string) => app.received.find((r) => r.path === '/paid' && r.params.CallSid === sid)!.params;
/** Each <Pay> statusCallback as `For/Attempt[/ErrorType]`. */
const stagesOf = (sid: string) =>
  app.received
    .filter((r) => r.path === '/pay-status' && r.params.CallSid === sid)
    .map((r) => [r.params.For, r.params.Attempt, r.params.ErrorType].filter(Boolean).join('/'));
const CARD_STAGES = (n: number) => [
  `payment-card-number/${n}`,
  `expiration-date/${n}`,
  `security-code/${n}`,
  `postal-code/${n}`,
  `payment-processing/${n}`,
];

// twilio.com/docs/voice/twiml/pay: Result values, and a statusCallback per stage with For, Attempt, ErrorType.
test.each([
  [[{ pay: 'success' }], 'success', CARD_STAGES(1)],
  [[{ pay: 'declined' }, { pay: 'success' }], 'success', [...CARD_STAGES(1), ...CARD_STAGES(2)]],
  [[{ pay: 'declined' }, { pay: 'declined' }], 'too-many-failed-attempts', [...CARD_STAGES(1), ...CARD_STAGES(2)]],
  [[], 'too-many-failed-attempts', ['payment-card-number/1/input-timeout', 'payment-card-number/2/input-timeout']],
  [[{ pay: 'interrupt' }], 'caller-interrupted-with-star', []],
  [[{ pay: 'connector-error' }], 'payment-connector-error', CARD_STAGES(1)],
  [[{ pay: 'internal-error' }], 'internal-error', ['payment-card-number/1/internal-error']],
  [
    [
      { pay: 'success', cardType: 'discover' },
      { pay: 'success', cardType: 'jcb' },
    ],
    'too-many-failed-attempts',
    ['payment-card-number/1/invalid-card-type', 'payment-card-number/2/invalid-card-type'],
  ],
  [
    [
      { pay: 'success', postalCode: '!' },
      { pay: 'success', cardType: 'mastercard', postalCode: 'SW1A1AA' },
    ],
    'success',
    [...CARD_STAGES(1).slice(0, 3), 'postal-code/1/invalid-postal-code', ...CARD_STAGES(2)],
  ],
])(
  '<Pay> (defaults: visa mastercard amex, postal code asked) with the caller doing %j posts Result %s',
  async (inputs, result, stages) => {
    const call = await incoming({ Url: `${app.url}/pay`, inputs });
    expect((await log(call.sid)).status).toBe('completed');
    await em.control('GET', '/callbacks/idle');
    const paid = paidFor(call.sid);
    expect(paid.Result).toBe(result);
    if (result === 'success')
      expect(paid).toMatchObject({
        PaymentCardNumber: expect.stringMatching(/^x{12}\d{4}$/),
        PaymentCardType: expect.stringMatching(/^(visa|mastercard)$/),
        PaymentCardPostalCode: expect.stringMatching(/^(94105|SW1A1AA)$/),
        SecurityCode: 'xxx',
        PaymentToken: expect.any(String),
      });
    expect(stagesOf(call.sid)).toEqual(stages);
  },
);

// twilio.com/docs/voice/twiml/pay#validcardtypes and #postalcode.
test('<Pay validCardTypes="visa amex" postalCode="false"> refuses a mastercard, takes an amex, asks no postal code', async () => {
  const call = await incoming({
    Url: `${app.url}/pay-amex`,
    inputs: [
      { pay: 'success', cardType: 'mastercard' },
      { pay: 'success', cardType: 'amex' },
    ],
  });
  await log(call.sid);
  await em.control('GET', '/callbacks/idle');
  const paid = paidFor(call.sid);
  expect(paid).toMatchObject({ Result: 'success', PaymentCardType: 'amex', PaymentCardNumber: 'xxxxxxxxxxx0005' });
  expect(paid.PaymentCardPostalCode).toBeUndefined();
  expect(stagesOf(call.sid)).toEqual([
    'payment-card-number/1/invalid-card-type',
    'payment-card-number/2',
    'expiration-date/2',
    'security-code/2',
    'payment-processing/2',
  ]);
});

// twilio.com/docs/voice/twiml/pay, Result `validation-error`: "Invalid <Pay> verb attribute (Example: paymentAmount="-0.5")".
test('<Pay> with an invalid attribute posts validation-error, asking the caller nothing', async () => {
  const call = await incoming({ Url: `${app.url}/pay-bad`, inputs: [{ pay: 'success' }] });
  await log(call.sid);
  expect(paidFor(call.sid)).toMatchObject({
    Result: 'validation-error',
    PaymentError: expect.stringContaining('chargeAmount'),
  });
  expect(
    await em.refusal('POST', '/incoming', {
      To: '+1',
      From: '+2',
      Url: `${app.url}/pay`,
      inputs: [{ pay: 'success', cardType: 'diners' }],
    }),
  ).toMatchObject({
    error: { message: expect.stringContaining('cardType') },
  });
});

test('a caller who hangs up during <Pay> ends the call; the action is posted (caller-hung-up), its TwiML not run', async () => {
  let posted = false;
  onCard = () => (posted = true);
  const call = await incoming({ Url: `${app.url}/pay`, inputs: [{ pay: 'hangup' }] });
  const result = await log(call.sid);
  expect(result).toMatchObject({
    status: 'completed',
    log: expect.arrayContaining([expect.objectContaining({ step: 'Pay', result: 'caller-hung-up' })]),
  });
  expect(posted).toBe(true);
  expect(paidFor(call.sid)).toMatchObject({ Result: 'caller-hung-up', CallStatus: 'completed' });
  expect(result.log.filter((e) => e.step === 'Say').map((e) => e.text)).toEqual(['Card please']);
});

test('the control surface refuses a bad incoming call or input', async () => {
  expect(await refusedIncoming({})).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
  expect(await refusedIncoming({ Url: 'ftp://x' })).toMatchObject({
    error: { message: expect.stringContaining('Url') },
  });
  expect(await refusedIncoming({ Url: `${app.url}/menu`, inputs: [{ digits: 'abc' }] })).toMatchObject({
    error: { message: expect.stringContaining('digits') },
  });
  expect(await refusedIncoming({ FlowSid: 'FW' + '0'.repeat(32) })).toMatchObject({ error: { code: 'NOT_FOUND' } });
  expect(await em.refusal('GET', `/calls/CA${'0'.repeat(32)}/log`)).toMatchObject({ error: { code: 'NOT_FOUND' } });
});

test('an API call can be sent new TwiML while in progress, and ended', async () => {
  await em.control('POST', '/settings', { answerDelayMs: 0 });
  const call = await em.client.calls.create({
    to: '+1',
    from: '+2',
    twiml: '<Response><Pause length="30"/></Response>',
  });
  const steps = async (count: number) =>
    waitFor(`${count} steps`, async () => {
      const now = (await log(call.sid, false)).log.map((e) => e.step);
      return now.length >= count ? now : undefined;
    });
  expect(await steps(3)).toEqual(['ringing', 'answered', 'Pause']);
  await em.client.calls(call.sid).update({ twiml: '<Response><Say>Moved</Say><Pause length="30"/></Response>' });
  expect(await steps(5)).toEqual(['ringing', 'answered', 'Pause', 'Say', 'Pause']);
  await em.client.calls(call.sid).update({ status: 'completed' });
  expect((await log(call.sid)).status).toBe('completed');
});
