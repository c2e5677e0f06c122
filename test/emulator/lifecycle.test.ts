// Calls as Twilio runs them: an API call is queued, rings, then is answered; an incoming call rings until
// its TwiML speaks or listens; the TwiML runs verb by verb with a scripted caller.
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
  expect(await em.control('POST', '/settings', { answerDelayMs: 0 })).toEqual({ answerDelayMs: 0 });
  await em.control('POST', '/reset');
  expect(await em.control('POST', '/settings', {})).toEqual({ answerDelayMs: 200 });
});

test('an incoming call rings through a <Redirect> and is answered by its first <Say>', async () => {
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
    ['Redirect', 'ringing'],
    ['webhook', 'ringing'],
    ['answered', 'in-progress'],
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

test.each([
  [[{ pay: 'success' }], 'success'],
  [[{ pay: 'declined' }, { pay: 'success' }], 'success'],
  [[{ pay: 'declined' }, { pay: 'declined' }], 'too-many-failed-attempts'],
  [[], 'too-many-failed-attempts'],
  [[{ pay: 'interrupt' }], 'caller-interrupted-with-star'],
  [[{ pay: 'connector-error' }], 'payment-connector-error'],
])(
  '<Pay> with the caller doing %j posts Result %s, masked card only, and its status callbacks',
  async (inputs, result) => {
    const call = await incoming({ Url: `${app.url}/pay`, inputs });
    expect((await log(call.sid)).status).toBe('completed');
    await em.control('GET', '/callbacks/idle');
    const paid = app.received.find((r) => r.path === '/paid' && r.params.CallSid === call.sid)!;
    expect(paid.params.Result).toBe(result);
    if (result === 'success')
      expect(paid.params).toMatchObject({ PaymentCardNumber: 'xxxxxxxxxxxx1111', PaymentToken: expect.any(String) });
    expect(app.received.filter((r) => r.path === '/pay-status' && r.params.CallSid === call.sid)).toHaveLength(
      Math.min(inputs.length || 2, 2),
    );
  },
);

test('a caller who hangs up during <Pay> ends the call; the action is not posted', async () => {
  let posted = false;
  onCard = () => (posted = true);
  const call = await incoming({ Url: `${app.url}/pay`, inputs: [{ pay: 'hangup' }] });
  expect(await log(call.sid)).toMatchObject({
    status: 'completed',
    log: expect.arrayContaining([expect.objectContaining({ step: 'Pay', result: 'caller-hung-up' })]),
  });
  expect(posted).toBe(false);
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
