import { newCall } from '../../harness/calls';
import { counters, invoke } from '../../harness/functions';
import { ROOT, useStack } from '../../harness/stack';

const stack = useStack();
let callSid: string;
beforeAll(async () => {
  callSid = (await newCall(stack.em.client)).sid;
});

const CF = 'CF' + 'a'.repeat(32);
const RE = 'RE' + 'b'.repeat(32);

/** [Function, parameters, HTTP status, error code, words the message must hold] */
const badRequests: Array<[string, () => Record<string, unknown>, number, string, string]> = [
  ['/recording/start', () => ({}), 400, 'MISSING_PARAMETER', 'CallSid'],
  ['/recording/start', () => ({ CallSid: 'CA123' }), 400, 'INVALID_PARAMETER', 'CallSid'],
  ['/recording/start', () => ({ CallSid: CF }), 400, 'INVALID_PARAMETER', 'Call SID'],
  [
    '/recording/start',
    () => ({ CallSid: callSid.toUpperCase().replace(/^CA/, 'CA') }),
    400,
    'INVALID_PARAMETER',
    'CallSid',
  ],
  [
    '/recording/start',
    () => ({ CallSid: callSid, RecordingChannels: 'stereo' }),
    400,
    'INVALID_PARAMETER',
    'RecordingChannels',
  ],
  [
    '/recording/start',
    () => ({ CallSid: callSid, RecordingTrack: 'left' }),
    400,
    'INVALID_PARAMETER',
    'RecordingTrack',
  ],
  ['/recording/start', () => ({ CallSid: callSid, Trim: 'yes' }), 400, 'INVALID_PARAMETER', 'Trim'],
  [
    '/recording/start',
    () => ({ CallSid: callSid, RecordingStatusCallback: 'ftp://x' }),
    400,
    'INVALID_PARAMETER',
    'RecordingStatusCallback',
  ],
  ['/recording/set-status', () => ({ CallSid: callSid }), 400, 'MISSING_PARAMETER', 'Status'],
  ['/recording/set-status', () => ({ CallSid: callSid, Status: 'absent' }), 400, 'INVALID_PARAMETER', 'Status'],
  [
    '/recording/set-status',
    () => ({ CallSid: callSid, Status: 'paused', RecordingSid: 'RE1' }),
    400,
    'INVALID_PARAMETER',
    'RecordingSid',
  ],
  [
    '/recording/set-status',
    () => ({ CallSid: callSid, Status: 'paused', PauseBehavior: 'mute' }),
    400,
    'INVALID_PARAMETER',
    'PauseBehavior',
  ],
  [
    '/recording/set-status',
    () => ({ CallSid: callSid, Status: 'stopped', PauseBehavior: 'skip' }),
    400,
    'INVALID_PARAMETER',
    'PauseBehavior',
  ],
  [
    '/recording/set-status',
    () => ({ CallSid: callSid, Status: 'paused', All: 'maybe' }),
    400,
    'INVALID_PARAMETER',
    'All',
  ],
  [
    '/recording/set-status',
    () => ({ CallSid: [callSid, callSid], Status: 'paused' }),
    400,
    'INVALID_PARAMETER',
    'CallSid',
  ],
  [
    '/recording/set-status',
    () => ({ CallSid: callSid, Status: { value: 'paused' } }),
    400,
    'INVALID_PARAMETER',
    'Status',
  ],
  [
    '/recording/set-status',
    () => ({ CallSid: callSid, Status: 'paused', Next: 'javascript:alert(1)' }),
    400,
    'INVALID_PARAMETER',
    'Next',
  ],
  ['/conference/recording/set-status', () => ({ Status: 'paused' }), 400, 'MISSING_PARAMETER', 'ConferenceSid'],
  [
    '/conference/recording/set-status',
    () => ({ ConferenceSid: callSid, Status: 'paused' }),
    400,
    'INVALID_PARAMETER',
    'Conference SID',
  ],
  [
    '/conference/recording/set-status',
    () => ({ ConferenceSid: CF, Status: 'stopped' }),
    400,
    'NOT_SUPPORTED_FOR_CONFERENCES',
    'conference',
  ],
  [
    '/conference/recording/set-status',
    () => ({ ConferenceSid: CF, Status: 'start' }),
    400,
    'NOT_SUPPORTED_FOR_CONFERENCES',
    'record-from-start',
  ],
  [
    '/conference/recording/set-status',
    () => ({ ConferenceSid: CF, Status: 'paused', RecordingSid: RE.slice(0, 20) }),
    400,
    'INVALID_PARAMETER',
    'RecordingSid',
  ],
  // JavaScript's own names are not values: nothing reads Object's members as a status or a default.
  ...(['constructor', '__proto__', 'toString', 'hasOwnProperty'] as const).flatMap((name): typeof badRequests => [
    ['/recording/set-status', () => ({ CallSid: callSid, Status: name }), 400, 'INVALID_PARAMETER', 'Status'],
    [
      '/recording/set-status',
      () => ({ CallSid: callSid, Status: 'paused', PauseBehavior: name }),
      400,
      'INVALID_PARAMETER',
      'PauseBehavior',
    ],
    [
      '/recording/start',
      () => ({ CallSid: callSid, RecordingChannels: name }),
      400,
      'INVALID_PARAMETER',
      'RecordingChannels',
    ],
    [
      '/conference/recording/set-status',
      () => ({ ConferenceSid: CF, Status: name }),
      400,
      'INVALID_PARAMETER',
      'Status',
    ],
  ]),
  [
    '/recording/set-status',
    () => ({ CallSid: callSid, Status: 'paused', Next: '/\\evil.com/x' }),
    400,
    'INVALID_PARAMETER',
    'Next',
  ],
  [
    '/recording/set-status',
    () => ({ CallSid: callSid, Status: 'paused', Next: 'https://example.com\\@evil.com/' }),
    400,
    'INVALID_PARAMETER',
    'Next',
  ],
  ['/recording/status', () => ({}), 400, 'INVALID_PARAMETER', 'CallSid'],
  ['/recording/status', () => ({ CallSid: callSid, ConferenceSid: CF }), 400, 'INVALID_PARAMETER', 'exactly one'],
  ['/recording/status', () => ({ CallSid: 'x'.repeat(5000) }), 400, 'INVALID_PARAMETER', 'longer'],
];

describe.each(['form', 'json'] as const)('bad parameters, sent as %s', (as) => {
  test.each(badRequests)('%s %j → %i %s', async (path, params, status, code, words) => {
    const before = await counters(stack.em);
    const res = await invoke<{ error: { code: string; message: string } }>(stack.fx, path, params(), as);
    expect(res.status).toBe(status);
    expect(res.contentType).toContain('application/json');
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toContain(words);
    // Refused before any Twilio request: the emulator saw nothing.
    expect((await counters(stack.em)).total).toBe(before.total);
  });
});

test('aliases and case are accepted; unknown parameters (Twilio and Studio add many) are ignored', async () => {
  const res = await invoke(stack.fx, '/recording/start', {
    CallSid: callSid,
    RecordingChannels: 'MONO',
    AccountSid: 'AC1',
    CallStatus: 'in-progress',
    Foo: 'bar',
  });
  expect(res.status).toBe(200);
  expect((await invoke(stack.fx, '/recording/set-status', { CallSid: callSid, Status: 'PAUSE' })).body).toMatchObject({
    status: 'paused',
  });
  expect(
    (await invoke(stack.fx, '/recording/set-status', { CallSid: callSid, Status: 'resume', All: true }, 'json')).body,
  ).toMatchObject({ status: 'in-progress' });
});

describe('TwiML callers (Next): the call always moves on', () => {
  test('success redirects to Next', async () => {
    const res = await invoke(stack.fx, '/recording/set-status', {
      CallSid: callSid,
      Status: 'pause',
      Next: '/pay/gather',
    });
    expect(res.status).toBe(200);
    expect(res.contentType).toContain('text/xml');
    expect(res.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Redirect method="POST">/pay/gather</Redirect></Response>',
    );
  });

  test('a bad parameter still redirects, with the error code added to the query', async () => {
    const res = await invoke(stack.fx, '/recording/set-status', {
      CallSid: callSid,
      Status: 'nope',
      Next: 'https://example.com/next?step=2',
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain(
      '<Redirect method="POST">https://example.com/next?step=2&amp;error=INVALID_PARAMETER</Redirect>',
    );
  });

  test('the error goes into the query, before any fragment, where the next step reads it', async () => {
    const res = await invoke(stack.fx, '/recording/set-status', {
      CallSid: 'CA' + '8'.repeat(32),
      Status: 'pause',
      Next: '/path?a=1#x',
    });
    expect(res.body).toContain('<Redirect method="POST">/path?a=1&amp;error=NOT_FOUND#x</Redirect>');
  });

  test("a Twilio refusal redirects with Twilio's mapped code", async () => {
    const res = await invoke(stack.fx, '/recording/start', { CallSid: 'CA' + '9'.repeat(32), Next: '/after-start' });
    expect(res.body).toContain('<Redirect method="POST">/after-start?error=NOT_FOUND</Redirect>');
  });
});

describe('bodies the server cannot parse get JSON errors in the test processes too, as under npm start', () => {
  const post = (path: string, type: string, body: string) =>
    fetch(`${stack.fx.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
  const cases: Array<[string, number, string, string, string]> = [
    ['malformed JSON', 400, 'INVALID_PARAMETER', 'application/json', '{"CallSid": '],
    ['JSON that is not an object or list', 400, 'INVALID_PARAMETER', 'application/json', '"CA123"'],
    [
      'a form in a charset the server does not read',
      400,
      'INVALID_PARAMETER',
      'application/x-www-form-urlencoded; charset=klingon',
      'A=1',
    ],
    [
      'oversized JSON',
      413,
      'BODY_TOO_LARGE',
      'application/json',
      JSON.stringify({ CallSid: 'x'.repeat(7 * 1024 * 1024) }),
    ],
    [
      'an oversized form',
      413,
      'BODY_TOO_LARGE',
      'application/x-www-form-urlencoded',
      'CallSid=' + 'x'.repeat(7 * 1024 * 1024),
    ],
    [
      'a form of too many fields',
      413,
      'BODY_TOO_LARGE',
      'application/x-www-form-urlencoded',
      Array.from({ length: 1500 }, (_, i) => `F${i}=1`).join('&'),
    ],
  ];
  test.each(cases)('%s → %i %s, on a protected and on a people Function', async (_what, status, code, type, body) => {
    for (const path of ['/recording/status', '/console/login']) {
      const res = await post(path, type, body);
      const text = await res.text();
      expect({ path, status: res.status }).toEqual({ path, status });
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(JSON.parse(text)).toMatchObject({ error: { code } });
      expect(text).not.toContain(ROOT);
    }
  });
});
