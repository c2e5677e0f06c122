// Thousands of malformed requests at every Function: each gets a 4xx with a clear JSON error (TwiML
// for TwiML callers), never a 5xx, and Twilio is never asked anything.
import fc from 'fast-check';
import twilio from 'twilio';
import { counters } from '../../harness/functions';
import { AUTH_TOKEN, useStack } from '../../harness/stack';

const stack = useStack();

const RUNS = 400; // per Function: 2000 in all
const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });

/** A value that is not a valid SID with `prefix`. */
const badSid = (prefix: string) =>
  fc
    .oneof(
      fc
        .constantFrom('CA', 'CF', 'RE', 'AC', 'XX', prefix.toLowerCase())
        .filter((p) => p !== prefix)
        .chain((p) => hex(32).map((h) => p + h)),
      fc
        .integer({ min: 0, max: 64 })
        .filter((n) => n !== 32)
        .chain((n) => hex(n).map((h) => prefix + h)),
      hex(32).map((h) => prefix + h.toUpperCase().replace(/^[0-9]*$/, 'Z')),
      hex(31).map((h) => `${prefix}${h}g`),
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.constant('x'.repeat(3000)),
    )
    .filter((v) => !new RegExp(`^${prefix}[0-9a-f]{32}$`).test(v) && v !== '');

const anyValue = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom(
    'paused',
    'pause',
    'in-progress',
    'stop',
    'true',
    'skip',
    'dual',
    '%00',
    '<Response/>',
    '../../etc',
    'null',
  ),
);
/** Wrong types: JSON numbers, objects, nested arrays, and repeated keys (an array in either encoding). */
const wrongType = fc.oneof(
  fc.integer(),
  fc.object({ maxDepth: 1, maxKeys: 2 }),
  fc.array(fc.string({ maxLength: 10 }), { minLength: 2, maxLength: 3 }),
);

interface Case {
  required: Record<string, string>;
  optional: string[];
}
const FUNCTIONS: Record<string, Case> = {
  '/recording/start': {
    required: { CallSid: 'CA' },
    optional: ['RecordingChannels', 'RecordingTrack', 'Trim', 'RecordingStatusCallback'],
  },
  '/recording/set-status': {
    required: { CallSid: 'CA', Status: '' },
    optional: ['RecordingSid', 'PauseBehavior', 'All'],
  },
  '/conference/recording/set-status': {
    required: { ConferenceSid: 'CF', Status: '' },
    optional: ['RecordingSid', 'PauseBehavior', 'All'],
  },
  '/recording/status': { required: { CallSid: 'CA' }, optional: ['ConferenceSid'] },
  '/callbacks/recording-status': {
    required: { RecordingSid: 'RE', RecordingStatus: '' },
    optional: ['CallSid', 'ConferenceSid', 'RecordingDuration'],
  },
};
const VALID_SID = (prefix: string) => prefix + 'a'.repeat(32);

/** A request to `path` with at least one required parameter missing, malformed or of the wrong type. */
function badRequest(path: string) {
  const { required, optional } = FUNCTIONS[path];
  const names = Object.keys(required);
  return fc
    .record({
      broken: fc.constantFrom(...names),
      how: fc.constantFrom('missing', 'malformed', 'wrong-type'),
      malformedSid: fc.oneof(...names.map((n) => (required[n] ? badSid(required[n]) : fc.constant('x')))),
      wrong: wrongType,
      extras: fc.dictionary(
        fc.constantFrom(...optional, 'Foo', 'AccountSid', 'request', '__proto__', 'constructor'),
        fc.oneof(anyValue, wrongType),
        { maxKeys: 3 },
      ),
      junk: fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), anyValue, { maxKeys: 3 }),
      encoding: fc.constantFrom('form', 'json'),
      next: fc.option(fc.constantFrom('/next', 'https://example.com/next?x=1'), { freq: 3 }),
    })
    .map((r) => {
      const params: Record<string, unknown> = { ...r.junk, ...r.extras };
      for (const name of names) params[name] = required[name] ? VALID_SID(required[name]) : 'paused';
      if (path === '/callbacks/recording-status') params.RecordingStatus = 'completed';
      if (r.how === 'missing') delete params[r.broken];
      else if (r.how === 'wrong-type') params[r.broken] = r.wrong;
      else params[r.broken] = required[r.broken] ? r.malformedSid : `not-a-status-${r.malformedSid}`;
      if (path === '/recording/status') delete params.ConferenceSid;
      if (r.next && path !== '/callbacks/recording-status') params.Next = r.next;
      return { params, encoding: r.encoding, twiml: Boolean(r.next) && path !== '/callbacks/recording-status' };
    });
}

function encode(params: Record<string, unknown>, encoding: string): { body: string; type: string } {
  if (encoding === 'json') return { body: JSON.stringify(params), type: 'application/json' };
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const item of Array.isArray(v) ? v : [v])
      form.append(k, typeof item === 'object' ? JSON.stringify(item) : String(item));
  }
  return { body: form.toString(), type: 'application/x-www-form-urlencoded' };
}

test(`${RUNS * Object.keys(FUNCTIONS).length} malformed requests: all 4xx (or TwiML with an error), 0 5xx, 0 Twilio calls`, async () => {
  const before = await counters(stack.em);
  const tally = { requests: 0, fiveHundreds: 0, twiml: 0, refusedSignatures: 0 };
  for (const path of Object.keys(FUNCTIONS)) {
    await fc.assert(
      fc.asyncProperty(badRequest(path), async ({ params, encoding, twiml }) => {
        const { body, type } = encode(params, encoding);
        const headers: Record<string, string> = { 'content-type': type };
        // Callbacks are signed as Twilio signs them, so that their parameters are what gets refused.
        if (path === '/callbacks/recording-status' && encoding === 'form') {
          const url = `http://localhost:${new URL(stack.fx.url).port}${path}`;
          headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(
            AUTH_TOKEN,
            url,
            Object.fromEntries(new URLSearchParams(body)),
          );
        }
        const res = await fetch(stack.fx.url + path, { method: 'POST', headers, body });
        const text = await res.text();
        tally.requests += 1;
        if (res.status >= 500) tally.fiveHundreds += 1;
        if (res.status === 403) tally.refusedSignatures += 1;
        expect(text).not.toContain(AUTH_TOKEN);
        if (twiml && res.status === 200) {
          tally.twiml += 1;
          expect(text).toMatch(/<Redirect method="POST">[^<]*error=[A-Z_]+<\/Redirect>/);
          return;
        }
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        const error = (JSON.parse(text) as { error: { code: string; message: string } }).error;
        expect(error.code).toMatch(/^[A-Z_]+$/);
        expect(error.message.length).toBeGreaterThan(5);
      }),
      { numRuns: RUNS, seed: 20261125 },
    );
  }
  const after = await counters(stack.em);
  console.log(
    `${tally.requests} bad requests: ${tally.fiveHundreds} 5xx, ${after.total - before.total} Twilio calls, ${tally.twiml} TwiML redirects with an error, ${tally.refusedSignatures} callbacks refused for their signature`,
  );
  expect(tally.fiveHundreds).toBe(0);
  expect(after.total).toBe(before.total); // no Twilio request, so no Sync write either
  expect(stack.fx.output()).not.toContain(AUTH_TOKEN);
}, 180_000);
