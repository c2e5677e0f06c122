// The TwiML example driven as Twilio would: each <Redirect> and <Gather> action followed with the
// call's CallSid, and the recording's state checked on the emulator at each step.
import { newCall } from '../helpers/calls';
import { useStack } from '../helpers/stack';

const stack = useStack();

const unescapeXml = (s: string) => s.replace(/&amp;/g, '&');

/** Follows the script from its first URL until it hangs up; returns each step's TwiML and what ran at each. */
async function runCall(callSid: string, atGather: () => Promise<void>) {
  const visited: string[] = [];
  let url = '/examples/pay-by-phone';
  let body: Record<string, string> = {};
  for (let i = 0; i < 20; i++) {
    const res = await fetch(new URL(url, stack.fx.url), { method: 'POST', body: new URLSearchParams({ CallSid: callSid, AccountSid: 'AC' + '0'.repeat(32), ...body }) });
    const twiml = await res.text();
    visited.push(`${url} → ${twiml.replace(/<\?xml[^>]*>/, '')}`);
    body = {};
    const gather = /<Gather action="([^"]+)"/.exec(twiml);
    if (gather) {
      await atGather();
      url = unescapeXml(gather[1]);
      body = { Digits: '4111111111111111' };
      continue;
    }
    const redirect = /<Redirect[^>]*>([^<]+)<\/Redirect>/.exec(twiml);
    if (!redirect) return visited;
    url = unescapeXml(redirect[1]);
  }
  throw new Error(`no hang-up:\n${visited.join('\n')}`);
}

test('the card is gathered only while the recording is paused, and recording resumes after', async () => {
  const call = await newCall(stack.em.client);
  let statusAtGather = '';
  const visited = await runCall(call.sid, async () => {
    statusAtGather = (await stack.em.client.calls(call.sid).recordings.list()).map((r) => r.status).join();
  });
  expect(statusAtGather).toBe('paused');
  const [recording] = await stack.em.client.calls(call.sid).recordings.list();
  expect(recording.status).toBe('in-progress');
  expect(visited.at(-1)).toContain('<Hangup/>');
  expect(visited.join('\n')).not.toContain('error=');
});

test('when the pause fails, the caller is told and never asked for the card', async () => {
  const call = await newCall(stack.em.client);
  await stack.em.control('POST', '/faults', { kind: '500', count: 50, method: 'POST', match: '/Recordings/' });
  let gathered = false;
  const visited = await runCall(call.sid, async () => {
    gathered = true;
  });
  await stack.em.control('DELETE', '/faults');
  expect(gathered).toBe(false);
  expect(visited.join('\n')).toContain('step=card&error=TWILIO_UNAVAILABLE');
  expect(visited.at(-1)).toContain('cannot take your payment securely');
  expect((await stack.em.client.calls(call.sid).recordings.list())[0].status).toBe('in-progress');
});
