// Card captures as an assessor sees them: the shipped pay-by-phone example on the emulator, every answer
// received, shows its pause proven and its capture inside that proven pause, in the evidence (JSON and
// CSV) and the period report; a TwiML app that forgets to pause shows the capture as an exception.
import { callIn, finishedCall } from '../../harness/calls';
import { invoke } from '../../harness/functions';
import { useStack } from '../../harness/stack';
import { startWebhooks, type Webhooks } from '../../harness/webhooks';
import type { Segment } from '../../lib/model/evidence';
import type { JudgedCapture } from '../../lib/model/captures';
import type { CaptureReport } from '../../lib/controls/capture-report';

const PASSWORD = 'correct horse battery staple';
const stack = useStack({ ADMIN_PASSWORD: PASSWORD });
let app: Webhooks;
let token: string;

beforeAll(async () => {
  const login = await invoke<{ token: string }>(
    stack.fx,
    '/console/login',
    { Password: PASSWORD, Name: 'QSA Review' },
    'json',
  );
  token = login.body.token;
  // A customer's TwiML app that records the call and takes a card without pausing.
  app = await startWebhooks({
    '/forgetful': () =>
      `<Response><Say>Hello</Say><Redirect method="POST">${stack.fx.url}/recording/start?Next=${encodeURIComponent(`${app.url}/pay`)}</Redirect></Response>`,
    '/pay': () =>
      `<Response><Pay statusCallback="${stack.fx.url}/callbacks/payment" action="${stack.fx.url}/callbacks/payment?Next=${encodeURIComponent(`${app.url}/done`)}" chargeAmount="0" paymentConnector="Default"/></Response>`,
    '/done': () => '<Response><Hangup/></Response>',
  });
});
afterAll(() => app?.close());

interface Exported {
  segments: Segment[];
  captures: JudgedCapture[];
}

const exported = async (callSid: string) =>
  (await invoke<Exported>(stack.fx, '/console/evidence', { Token: token, CallSid: callSid }, 'json')).body;

test('pay-by-phone, every answer received: the pause reads proven and the capture is inside it, in JSON, CSV and the report', async () => {
  const started = new Date();
  const sid = await callIn(stack.em, { Url: `${stack.fx.url}/examples/pay-by-phone`, inputs: [{ pay: 'success' }] });
  expect((await finishedCall(stack.em, sid)).status).toBe('completed');

  const { segments, captures } = await exported(sid);
  const paused = segments.filter((s) => s.state === 'paused');
  expect(paused).toHaveLength(1);
  expect(segments.filter((s) => s.unproven)).toEqual([]);
  expect(captures).toHaveLength(1);
  expect(captures[0]).toMatchObject({ result: 'success', by: 'twilio', verdict: 'inside-proven-pause' });
  expect(captures[0].stages.map((s) => s.for)).toEqual(
    expect.arrayContaining(['payment-card-number', 'expiration-date', 'security-code']),
  );
  // The capture lies inside the paused segment as drawn.
  expect(paused[0].from <= captures[0].from && (paused[0].to ?? '9') >= captures[0].to).toBe(true);

  const csv = await invoke<string>(
    stack.fx,
    '/console/evidence',
    { Token: token, CallSid: sid, Format: 'csv', Table: 'captures' },
    'json',
  );
  const [header, row] = csv.body.trim().split('\r\n');
  expect(header).toBe('call_sid,from,to,result,stages,reported_by,verdict,why');
  expect(row).toContain(`${sid},`);
  expect(row).toContain(',success,');
  expect(row).toContain(',inside-proven-pause,');

  const report = await invoke<CaptureReport>(
    stack.fx,
    '/console/report',
    { Token: token, From: started.toISOString(), To: new Date().toISOString() },
    'json',
  );
  expect(report.body).toMatchObject({ captures: 1, covered: 1, exceptions: 0, unread: 0 });
  expect(report.body.rows[0]).toMatchObject({ callSid: sid, verdict: 'inside-proven-pause' });
});

test('a TwiML app that forgets to pause: its capture is an exception, naming the recording that ran', async () => {
  const started = new Date();
  const sid = await callIn(stack.em, { Url: `${app.url}/forgetful`, inputs: [{ pay: 'success' }] });
  expect((await finishedCall(stack.em, sid)).status).toBe('completed');
  const { captures } = await exported(sid);
  expect(captures).toHaveLength(1);
  expect(captures[0].verdict).toBe('exception');
  const [recording] = await stack.em.client.calls(sid).recordings.list();
  expect(captures[0].why).toContain(`recording ${recording.sid} may have been recording`);

  const csv = await invoke<string>(
    stack.fx,
    '/console/report',
    { Token: token, From: started.toISOString(), To: new Date().toISOString(), Format: 'csv' },
    'json',
  );
  const rows = csv.body.trim().split('\r\n');
  expect(rows).toHaveLength(2);
  expect(rows[1]).toContain(',exception,');
});

test('a capture on a call not recorded at all reads "not recorded", and card data never enters the evidence', async () => {
  const sid = await callIn(stack.em, { Url: `${app.url}/pay`, inputs: [{ pay: 'success' }] });
  await finishedCall(stack.em, sid);
  const body = await exported(sid);
  expect(body.captures[0]).toMatchObject({ verdict: 'not-recorded', result: 'success' });
  // The emulator's <Pay> posts the masked number xxxxxxxxxxxx1111, its type and expiry: none is kept.
  expect(JSON.stringify(body)).not.toMatch(/xxxx|1111|visa|1230/i);
});

test('bad input: a report needs From and To in order, an unsigned payment report is refused', async () => {
  const res = await invoke(stack.fx, '/console/report', { Token: token, From: '2026-01-02T00:00:00Z' }, 'json');
  expect(res).toMatchObject({ status: 400, body: { error: { code: 'MISSING_PARAMETER' } } });
  const backwards = await invoke(
    stack.fx,
    '/console/report',
    { Token: token, From: '2026-01-02T00:00:00Z', To: '2026-01-01T00:00:00Z' },
    'json',
  );
  expect(backwards).toMatchObject({ status: 400, body: { error: { code: 'INVALID_PARAMETER' } } });
  const unsigned = await invoke(stack.fx, '/callbacks/payment', { CallSid: 'CA' + '1'.repeat(32), For: 'x' });
  expect(unsigned).toMatchObject({ status: 403, body: { error: { code: 'INVALID_SIGNATURE' } } });
});
