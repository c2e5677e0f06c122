// Thousands of malformed requests at every Function: each gets the 400 of a refused parameter with a clear
// JSON error (TwiML for TwiML callers), never a 5xx, and Twilio is never asked anything. Seeded: the seed
// is printed and BAD_INPUT_SEED=<seed> replays it.
import fc from 'fast-check';
import twilio from 'twilio';
import { counters } from '../../harness/functions';
import { AUTH_TOKEN, useStack } from '../../harness/stack';

const stack = useStack();

const RUNS = 400; // per Function: 2000 in all
const SEED = Number(process.env.BAD_INPUT_SEED ?? Date.now() % 2 ** 31);
/** What a Function may answer a request whose parameters are wrong: these codes, with 400. */
const REFUSED_PARAMETER = ['MISSING_PARAMETER', 'INVALID_PARAMETER', 'RESERVED_PARAMETER'];
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
        // The runtime puts its own `request` (headers, cookies) over a parameter of that name, so a callback
        // signed over one could not be checked; Twilio sends none.
        fc.constantFrom(
          ...optional,
          'Foo',
          'AccountSid',
          '__proto__',
          'constructor',
          ...(path === '/callbacks/recording-status' ? [] : ['request']),
        ),
        fc.oneof(anyValue, wrongType),
        { maxKeys: 3 },
      ),
      junk: fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), anyValue, { maxKeys: 3 }),
      // Twilio sends its callbacks form-encoded, and signs only those.
      encoding: path === '/callbacks/recording-status' ? fc.constant('form') : fc.constantFrom('form', 'json'),
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
      const twiml = Boolean(r.next) && path !== '/callbacks/recording-status';
      return { params, encoding: r.encoding, next: twiml ? r.next : null };
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

/** A form body's parameters as Twilio's library signs them: a repeated key with all its values. */
function signedParams(body: string): Record<string, string | string[]> {
  // No prototype: `__proto__` and `constructor` are parameters like any other here.
  const params = Object.create(null) as Record<string, string | string[]>;
  for (const [k, v] of new URLSearchParams(body)) {
    const had = params[k];
    params[k] = had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v];
  }
  return params;
}

test(`${RUNS * Object.keys(FUNCTIONS).length} malformed requests: each refused for its parameters (or TwiML saying so), 0 5xx, 0 Twilio calls (seed ${SEED})`, async () => {
  console.log(`bad-input seed: ${SEED} (BAD_INPUT_SEED=${SEED} replays it)`);
  const before = await counters(stack.em);
  const tally = { requests: 0, twiml: 0, callbacks: 0, repeatedKeys: 0 };
  for (const path of Object.keys(FUNCTIONS)) {
    await fc.assert(
      fc.asyncProperty(badRequest(path), async ({ params, encoding, next }) => {
        const { body, type } = encode(params, encoding);
        const headers: Record<string, string> = { 'content-type': type };
        // Callbacks are signed as Twilio signs them, over exactly what is sent, so that their parameters
        // are what gets refused.
        const callback = path === '/callbacks/recording-status';
        if (callback) {
          const url = `http://localhost:${new URL(stack.fx.url).port}${path}`;
          const signed = signedParams(body);
          headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, signed);
          tally.callbacks += 1;
          if (Object.values(signed).some(Array.isArray)) tally.repeatedKeys += 1;
        }
        const res = await fetch(stack.fx.url + path, { method: 'POST', headers, body });
        const text = await res.text();
        tally.requests += 1;
        expect(text).not.toContain(AUTH_TOKEN);
        if (next) {
          // A TwiML caller is sent back to the flow's Next, told which parameter error stopped it.
          const back = `${next.replace('&', '&amp;')}${next.includes('?') ? '&amp;' : '?'}error=`;
          const redirects = REFUSED_PARAMETER.map((code) => `<Redirect method="POST">${back}${code}</Redirect>`);
          expect({ status: res.status, text }).toMatchObject({
            status: 200,
            text: expect.stringMatching(new RegExp(redirects.map((r) => r.replace(/[?.]/g, '\\$&')).join('|'))),
          });
          tally.twiml += 1;
          return;
        }
        expect({ status: res.status, text }).toMatchObject({ status: 400 });
        const error = (JSON.parse(text) as { error: { code: string; message: string } }).error;
        expect(REFUSED_PARAMETER).toContain(error.code);
        expect(error.message.length).toBeGreaterThan(5);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  }
  const after = await counters(stack.em);
  console.log(
    `${tally.requests} bad requests: ${after.total - before.total} Twilio calls, ${tally.twiml} TwiML redirects with an error, ${tally.callbacks} signed callbacks (${tally.repeatedKeys} with repeated keys) refused for their parameters`,
  );
  expect(tally.repeatedKeys).toBeGreaterThan(0);
  expect(after.total).toBe(before.total); // no Twilio request, so no Sync write either
  expect(await stack.fx.settledOutput()).not.toContain(AUTH_TOKEN);
}, 180_000);
