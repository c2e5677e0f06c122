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
