import { clientFor, startEmulator, type RunningEmulator } from '../../harness/stack';

let em: RunningEmulator;
beforeAll(async () => (em = await startEmulator()));
afterAll(() => em.close());

test('a wrong auth token gets 401 with Twilio error 20003', async () => {
  const bad = clientFor(em.url, undefined, 'x'.repeat(32));
  await expect(bad.calls('CA00000000000000000000000000000000').fetch()).rejects.toMatchObject({
    status: 401,
    code: 20003,
    moreInfo: 'https://www.twilio.com/docs/errors/20003',
  });
});

test("a request without credentials gets 401 and Twilio's error body", async () => {
  const res = await fetch(`${em.url}/2010-04-01/Accounts/AC00000000000000000000000000000000/Calls.json`);
  expect(res.status).toBe(401);
  expect(await res.json()).toEqual({
    code: 20003,
    message: 'Authenticate',
    more_info: 'https://www.twilio.com/docs/errors/20003',
    status: 401,
  });
});

// Source: twilio-flex-token-validator, the validator Twilio publishes, posts JSON {"token"} to
// iam.twilio.com's Tokens/validate (docs/emulator.md); a form body is not what it sends.
test('Flex token validation reads a JSON body {"token"}; a form body is refused', async () => {
  const { token } = await em.control<{ token: string }>('POST', '/flex/tokens', { identity: 'alice' });
  const validate = (headers: Record<string, string>, body: string) =>
    fetch(`${em.url}/v1/Accounts/${em.emulator.context.accountSid}/Tokens/validate`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${em.emulator.context.accountSid}:${em.emulator.context.authToken}`).toString('base64')}`,
        ...headers,
      },
      body,
    });
  const json = await validate({ 'content-type': 'application/json' }, JSON.stringify({ token }));
  expect(await json.json()).toMatchObject({ valid: true, identity: 'alice' });
  const form = await validate({ 'content-type': 'application/x-www-form-urlencoded' }, `token=${token}`);
  expect(form.status).toBe(400);
  expect(await form.json()).toMatchObject({ code: 20001 });
});
