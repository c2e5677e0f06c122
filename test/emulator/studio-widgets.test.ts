// The call widgets common in exported voice flows, run by the emulator's Studio runner as each
// widget-library page describes them; a real web server stands in for the customer's endpoints.
import { callIn } from '../../harness/calls';
import { flowOf, inlineResult, sayWidget, triggerTo, waitInQueue, widget } from '../../harness/flows';
import { ACCOUNT_SID, AUTH_TOKEN, startEmulator, type RunningEmulator } from '../../harness/stack';
import { startWebhooks, type Webhooks } from '../../harness/webhooks';

let em: RunningEmulator;
let web: Webhooks;
const FLOW_WEBHOOK = (flowSid: string) => `https://webhooks.twilio.com/v1/Accounts/${ACCOUNT_SID}/Flows/${flowSid}`;
beforeAll(async () => {
  em = await startEmulator();
  web = await startWebhooks({
    '/lookup': (p) => ({
      status: 200,
      type: 'application/json',
      body: JSON.stringify({ name: `caller ${p.from ?? 'unknown'}`, vip: true }),
    }),
    '/json': () => ({ status: 201, type: 'application/json', body: '{"ok":true}' }),
    '/down': () => ({ status: 503, body: 'down' }),
    '/returning': (p) =>
      `<Response><Say>One moment</Say><Redirect>${FLOW_WEBHOOK(p.FlowSid)}?FlowEvent=return&amp;mood=calm</Redirect></Response>`,
    '/hangs-up': () => '<Response><Say>Goodbye</Say><Hangup/></Response>',
    // A TwiML app of two documents: a menu that sends its answer back to the flow.
    '/menu': (p) =>
      `<Response><Say>Menu</Say><Redirect method="GET">/menu-ask?FlowSid=${p.FlowSid}</Redirect></Response>`,
    '/menu-ask': (p) =>
      `<Response><Gather numDigits="1" action="${FLOW_WEBHOOK(p.FlowSid)}?FlowEvent=return&amp;from=menu"><Say>Press a key</Say></Gather><Say>Nothing pressed</Say></Response>`,
    '/rec': () => ({ status: 204, body: '' }),
    '/holds': () => '<Response><Say>Please hold</Say><Pause length="30"/><Say>Still here</Say></Response>',
  });
});
afterAll(async () => {
  await em.close();
  await web.close();
});

const start = (flow: object, inputs: unknown[] = []) =>
  callIn(em, { Flow: flow, inputs, rewriteUrls: { 'https://web.example.com': web.url } });
const finish = (sid: string) => inlineResult(em, sid);
const run = async (flow: object, inputs: unknown[] = []) => finish(await start(flow, inputs));
const path = (r: Awaited<ReturnType<typeof finish>>) => r.widgets.map((w) => `${w.widget}:${w.event}`);

interface Waiting {
  callSid: string;
  result: string | null;
}
const queued = (callSid: string) => waitInQueue(em, callSid);

// Sources: Send to Flex widget (twilio.com/docs/studio/widget-library/send-flex) and Enqueue Call widget
// (…/enqueue-call): callComplete when <Enqueue>'s action is requested, failedToEnqueue on queue-full,
// callFailure on system-error; <Enqueue> (twilio.com/docs/voice/twiml/enqueue) for QueueResult.
describe('Send to Flex and Enqueue Call hold the call in a queue the control surface shows', () => {
  const flex = flowOf(
    triggerTo('flex'),
    widget(
      'flex',
      'send-to-flex',
      [
        { event: 'callComplete', next: 'after' },
        { event: 'failedToEnqueue', next: 'failed' },
        { event: 'callFailure', next: 'failed' },
      ],
      {
        workflow: 'WW0123',
        channel: 'TC0123',
        attributes: '{ "type": "inbound", "name": "{{trigger.call.From}}" }',
        priority: '5',
        timeout: '3600',
      },
    ),
    sayWidget('after', '{{widgets.flex.QueueResult}}'),
    sayWidget('failed', 'failed {{widgets.flex.QueueResult}}'),
  );

  test('an agent takes the call (bridged): callComplete, the call answered and on hold until then', async () => {
    const sid = await start(flex);
    const waiting = await queued(sid);
    expect(waiting).toMatchObject({
      type: 'send-to-flex',
      workflow: 'WW0123',
      channel: 'TC0123',
      queue: 'WW0123',
      attributes: { type: 'inbound', name: '+15005550001' },
      priority: 5,
    });
    expect((await em.client.calls(sid).fetch()).status).toBe('in-progress');
    await em.control('POST', `/studio/queue/${sid}`, { result: 'bridged' });
    const result = await finish(sid);
    expect(path(result)).toEqual(['Trigger:incomingCall', 'flex:callComplete', 'after:audioComplete']);
    expect(result.widgets.at(-1)!.say).toBe('bridged');
  });

  test('a system error is callFailure; a caller who hangs up on hold leaves with QueueResult hangup', async () => {
    const failing = await start(flex);
    await queued(failing);
    await em.control('POST', `/studio/queue/${failing}`, { result: 'system-error' });
    expect((await finish(failing)).widgets.at(-1)!.say).toBe('failed system-error');

    const leaving = await start(flex);
    await queued(leaving);
    await em.client.calls(leaving).update({ status: 'completed' });
    const result = await finish(leaving);
    expect(path(result)).toEqual(['Trigger:incomingCall', 'flex:callComplete']);
    const { queue } = await em.control<{ queue: Waiting[] }>('GET', '/studio/queue');
    expect(queue.find((e) => e.callSid === leaving)!.result).toBe('hangup');
  });

  test('the control surface refuses a result it cannot give, or a call not waiting', async () => {
    const sid = await start(flex);
    await queued(sid);
    expect(await em.refusal('POST', `/studio/queue/${sid}`, { result: 'queue-full' })).toMatchObject({
      error: { code: 'INVALID_RESULT' },
    });
    expect(await em.refusal('POST', `/studio/queue/CA${'0'.repeat(32)}`, { result: 'bridged' })).toMatchObject({
      error: { code: 'NOT_FOUND' },
    });
    await em.control('POST', `/studio/queue/${sid}`, { result: 'leave' });
    expect((await finish(sid)).widgets.at(-1)!.say).toBe('leave');
  });

  test('attributes that are not JSON: failedToEnqueue, nothing waits', async () => {
    const bad = JSON.parse(JSON.stringify(flex));
    bad.states[1].properties.attributes = '{ "name": {{trigger.call.From}} }';
    const result = await run(bad);
    expect(path(result)).toEqual(['Trigger:incomingCall', 'flex:failedToEnqueue', 'failed:audioComplete']);
  });

  test('Enqueue Call into a named queue; the queue holds 100 calls, the 101st is failedToEnqueue', async () => {
    const enqueue = flowOf(
      triggerTo('q'),
      widget(
        'q',
        'enqueue-call',
        [{ event: 'callComplete', next: 'done' }, { event: 'failedToEnqueue', next: 'full' }, { event: 'callFailure' }],
        { queue_name: 'support', priority: 1 },
      ),
      sayWidget('done', '{{widgets.q.QueueResult}} {{widgets.q.QueueSid}}'),
      sayWidget('full', 'full'),
    );
    const sids = await Promise.all(Array.from({ length: 100 }, () => start(enqueue)));
    await Promise.all(sids.map(queued));
    const overflow = await run(enqueue);
    expect(path(overflow)).toEqual(['Trigger:incomingCall', 'q:failedToEnqueue', 'full:audioComplete']);
    await em.control('POST', `/studio/queue/${sids[0]}`, { result: 'bridged' });
    expect((await finish(sids[0])).widgets.at(-1)!.say).toMatch(/^bridged QU[0-9a-f]{32}$/);
    await Promise.all(sids.slice(1).map((sid) => em.client.calls(sid).update({ status: 'completed' })));
  });
});

// Source: Connect Call To widget (twilio.com/docs/studio/widget-library/connect-call): callCompleted when
// the dialled call ends, hangup when the caller hangs up; outputs DialCallStatus, DialCallSid.
test('Connect Call To dials the number: callCompleted, or hangup when the caller hangs up', async () => {
  const flow = flowOf(
    triggerTo('dial'),
    widget('dial', 'connect-call-to', [{ event: 'callCompleted', next: 'after' }, { event: 'hangup' }], {
      noun: 'number',
      to: '+14158675309',
      caller_id: '{{contact.channel.address}}',
      timeout: 30,
    }),
    sayWidget('after', '{{widgets.dial.DialCallStatus}}'),
  );
  const completed = await run(flow);
  expect(path(completed)).toEqual(['Trigger:incomingCall', 'dial:callCompleted', 'after:audioComplete']);
  expect(completed.widgets[1]).toMatchObject({
    to: '+14158675309',
    callerId: '+15005550001',
    callStatus: 'in-progress',
  });
  expect(completed.widgets.at(-1)!.say).toBe('completed');
  const hungUp = await run(flow, [{ hangup: true }]);
  expect(path(hungUp)).toEqual(['Trigger:incomingCall', 'dial:hangup']);
  expect(hungUp.status).toBe('completed');
});

// Sources: Connect Call To widget (twilio.com/docs/studio/widget-library/connect-call): a Conference is
// one of its nouns, `record` records; <Conference> (twilio.com/docs/voice/twiml/conference): the
// conference starts, and record-from-start records, once two participants are in; endConferenceOnExit
// sends the others on from their <Dial>, and the flow on with callCompleted.
describe("Connect Call To a conference joins the emulator's conferences", () => {
  const flow = (room: string) =>
    flowOf(
      triggerTo('join'),
      widget('join', 'connect-call-to', [{ event: 'callCompleted', next: 'after' }, { event: 'hangup' }], {
        noun: 'conference',
        to: room,
        record: true,
      }),
      sayWidget('after', 'the conference ended: {{widgets.join.DialCallStatus}}'),
    );
  const named = async (room: string) => {
    for (let i = 0; i < 200; i++) {
      const [conference] = await em.client.conferences.list({ friendlyName: room });
      if (conference) return conference;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no conference ${room}`);
  };

  test('alone it is init and nothing records; an agent joining starts it and its recording; the agent leaving (endConferenceOnExit) sends the flow on', async () => {
    const caller = await start(flow('support-1'));
    const waiting = await named('support-1');
    expect(waiting.status).toBe('init');
    expect(await em.client.conferences(waiting.sid).recordings.list()).toEqual([]);
    expect((await em.client.calls(caller).fetch()).status).toBe('in-progress');

    const agent = await em.client.calls.create({
      to: '+15005550009',
      from: '+15005550006',
      twiml: '<Response><Dial><Conference endConferenceOnExit="true">support-1</Conference></Dial></Response>',
    });
    for (let i = 0; i < 200 && (await em.client.conferences(waiting.sid).fetch()).status === 'init'; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect((await em.client.conferences(waiting.sid).fetch()).status).toBe('in-progress');
    const [recording] = await em.client.conferences(waiting.sid).recordings.list();
    expect(recording).toMatchObject({ status: 'in-progress', source: 'Conference' });

    await em.client.calls(agent.sid).update({ status: 'completed' });
    const result = await finish(caller);
    expect(path(result)).toEqual(['Trigger:incomingCall', 'join:callCompleted', 'after:audioComplete']);
    expect(result.widgets.at(-1)!.say).toBe('the conference ended: completed');
    expect(result.widgets[1]).toMatchObject({ to: 'support-1', conferenceSid: waiting.sid });
    expect((await em.client.conferences(waiting.sid).fetch()).status).toBe('completed');
    // Ended with its conference: processing, then completed.
    expect(['processing', 'completed']).toContain(
      (await em.client.conferences(waiting.sid).recordings(recording.sid).fetch()).status,
    );
  });

  test("two callers through the flow, the second joining by the conference's SID; a caller who hangs up leaves with hangup", async () => {
    const first = await start(flow('support-2'));
    const conference = await named('support-2');
    const second = await start(flow(conference.sid));
    for (let i = 0; i < 200 && (await em.client.conferences(conference.sid).fetch()).status === 'init'; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(await em.client.conferences(conference.sid).recordings.list()).toHaveLength(1);

    await em.client.calls(second).update({ status: 'completed' });
    expect(path(await finish(second))).toEqual(['Trigger:incomingCall', 'join:hangup']);
    // One participant leaving does not end it; the last one does.
    expect((await em.client.conferences(conference.sid).fetch()).status).toBe('in-progress');
    await em.client.calls(first).update({ status: 'completed' });
    expect(path(await finish(first))).toEqual(['Trigger:incomingCall', 'join:hangup']);
    expect((await em.client.conferences(conference.sid).fetch()).status).toBe('completed');
  });
});

// Source: Record Voicemail widget (twilio.com/docs/studio/widget-library/record-voicemail): events
// recordingComplete, noAudio, hangup; outputs RecordingUrl, RecordingDuration (as <Record>'s action).
test('Record Voicemail: speech is a message (recordingComplete), silence noAudio, a hang-up hangup', async () => {
  const flow = flowOf(
    triggerTo('vm'),
    widget(
      'vm',
      'record-voicemail',
      [{ event: 'recordingComplete', next: 'thanks' }, { event: 'noAudio', next: 'nothing' }, { event: 'hangup' }],
      { timeout: 5, max_length: 300, play_beep: 'true', transcribe: true, trim: 'trim-silence' },
    ),
    sayWidget('thanks', '{{widgets.vm.RecordingDuration}} {{widgets.vm.TranscriptionText}}'),
    sayWidget('nothing', 'nothing'),
  );
  const spoken = await run(flow, [{ speech: 'please call me back' }]);
  expect(path(spoken)).toEqual(['Trigger:incomingCall', 'vm:recordingComplete', 'thanks:audioComplete']);
  expect(spoken.widgets.at(-1)!.say).toBe('4 please call me back');
  expect(path(await run(flow))).toEqual(['Trigger:incomingCall', 'vm:noAudio', 'nothing:audioComplete']);
  expect(path(await run(flow, [{ hangup: true }]))).toEqual(['Trigger:incomingCall', 'vm:hangup']);
});

// Source: Make HTTP Request widget (twilio.com/docs/studio/widget-library/http-request): GET or POST,
// form or JSON body; success on 2xx, failed otherwise; only application/json answers are parsed.
test('Make HTTP Request: form POST and JSON POST, parsed JSON; failed on a 5xx', async () => {
  const flow = flowOf(
    triggerTo('form'),
    widget(
      'form',
      'make-http-request',
      [
        { event: 'success', next: 'json' },
        { event: 'failed', next: 'bad' },
      ],
      {
        method: 'POST',
        url: 'https://web.example.com/lookup',
        content_type: 'application/x-www-form-urlencoded;charset=utf-8',
        parameters: [{ key: 'from', value: '{{trigger.call.From}}' }],
      },
    ),
    widget(
      'json',
      'make-http-request',
      [
        { event: 'success', next: 'down' },
        { event: 'failed', next: 'bad' },
      ],
      {
        method: 'POST',
        url: 'https://web.example.com/json',
        content_type: 'application/json;charset=utf-8',
        body: '{"caller": "{{trigger.call.From}}", "vip": {{widgets.form.parsed.vip}}}',
        add_twilio_auth: true,
      },
    ),
    widget(
      'down',
      'make-http-request',
      [
        { event: 'success', next: 'bad' },
        { event: 'failed', next: 'end' },
      ],
      {
        method: 'GET',
        url: 'https://web.example.com/down',
      },
    ),
    sayWidget('end', '{{widgets.form.parsed.name}} {{widgets.json.status_code}} {{widgets.down.status_code}}'),
    sayWidget('bad', 'bad'),
  );
  const result = await run(flow);
  expect(path(result)).toEqual([
    'Trigger:incomingCall',
    'form:success',
    'json:success',
    'down:failed',
    'end:audioComplete',
  ]);
  expect(result.widgets.at(-1)!.say).toBe('caller +15005550001 201 503');
  const json = web.received.find((r) => r.path === '/json')!;
  expect(JSON.parse(json.body)).toEqual({ caller: '+15005550001', vip: true });
  expect(json.contentType).toBe('application/json');
  expect(json.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
  expect(web.received.find((r) => r.path === '/lookup')!.signature).toBeUndefined();
});

// Source: TwiML Redirect widget (twilio.com/docs/studio/widget-library/twiml-redirect): the call is
// redirected to the TwiML at the URL (Studio answers <Redirect>; Voice fetches it); control returns when
// that TwiML redirects to the flow's webhook with FlowEvent=return; events return, timeout, fail.
// <Redirect>, <Gather>, <Pause> as TwiML's pages say (twilio.com/docs/voice/twiml/…).
// Source: Call Recording widget (twilio.com/docs/studio/widget-library/call-recording): record_call true
// starts, false stops; incoming calls only, after a Say/Play or Gather; events success and failed.
// Recordings (twilio.com/docs/voice/api/recording): 21220 on a call not in progress, 16108 for
// Twilio.CURRENT with several active recordings.
describe('Call Recording starts and stops a recording of the call', () => {
  const record = (name: string, on: boolean, next: string, failed: string, props: object = {}) =>
    widget(
      name,
      'record-call',
      [
        { event: 'success', next },
        { event: 'failed', next: failed },
      ],
      { record_call: on, ...props },
    );

  test('before any widget answers the call it fails (21220); after, it records until the stop', async () => {
    const result = await run(
      flowOf(
        triggerTo('early'),
        record('early', true, 'hello', 'hello'),
        sayWidget('hello', 'Hello', 'start'),
        record('start', true, 'talk', 'talk', {
          recording_status_callback: 'https://web.example.com/rec',
          recording_status_callback_events: 'in-progress completed',
          recording_channels: 'mono',
        }),
        sayWidget('talk', 'Recording {{widgets.start.Sid}}', 'stop'),
        record('stop', false, 'bye', 'bye'),
        sayWidget('bye', 'Bye'),
      ),
    );
    expect(path(result)).toEqual([
      'Trigger:incomingCall',
      'early:failed',
      'hello:audioComplete',
      'start:success',
      'talk:audioComplete',
      'stop:success',
      'bye:audioComplete',
    ]);
    expect(result.widgets.find((w) => w.widget === 'early')).toMatchObject({
      error: expect.stringContaining('not in-progress'),
    });
    const [recording, ...others] = await em.client.calls(result.sid).recordings.list();
    expect(others).toEqual([]);
    expect(recording).toMatchObject({ source: 'StartCallRecordingAPI', channels: 1 });
    expect(result.widgets.find((w) => w.widget === 'talk')).toMatchObject({ say: `Recording ${recording.sid}` });
    for (let i = 0; i < 50 && !web.received.some((r) => r.params.RecordingStatus === 'completed'); i++)
      await new Promise((r) => setTimeout(r, 50));
    const heard = web.received.filter((r) => r.path === '/rec' && r.params.RecordingSid === recording.sid);
    expect(heard.map((r) => r.params.RecordingStatus)).toEqual(['in-progress', 'completed']);
  });

  test('a stop with two recordings active fails (16108): the flow goes on along failed', async () => {
    const result = await run(
      flowOf(
        triggerTo('hello'),
        sayWidget('hello', 'Hello', 'one'),
        record('one', true, 'two', 'bye'),
        record('two', true, 'stop', 'bye'),
        record('stop', false, 'bye', 'failed'),
        sayWidget('failed', 'The stop failed'),
        sayWidget('bye', 'Bye'),
      ),
    );
    expect(path(result)).toEqual([
      'Trigger:incomingCall',
      'hello:audioComplete',
      'one:success',
      'two:success',
      'stop:failed',
      'failed:audioComplete',
    ]);
    expect(result.widgets.find((w) => w.widget === 'stop')).toMatchObject({
      error: expect.stringContaining('Twilio.CURRENT'),
    });
    expect(await em.client.calls(result.sid).recordings.list()).toHaveLength(2);
  });
});

describe('TwiML Redirect runs the TwiML it sends the call to', () => {
  const redirect = (url: string, timeout = '10') =>
    flowOf(
      triggerTo('away'),
      widget(
        'away',
        'add-twiml-redirect',
        [
          { event: 'return', next: 'back' },
          { event: 'timeout', next: 'late' },
          { event: 'fail', next: 'oops' },
        ],
        // Voice's request carries no flow SID: the TwiML learns where to return from its URL.
        { url: `${url}?FlowSid={{flow.flow_sid}}`, method: 'GET', timeout },
      ),
      sayWidget('back', 'back {{widgets.away.mood}}{{widgets.away.from}} {{widgets.away.Digits}}'),
      sayWidget('late', 'late'),
      sayWidget('oops', 'oops'),
    );
  const verbs = (r: Awaited<ReturnType<typeof finish>>) =>
    r.log.filter((e) => ['Say', 'Gather', 'Pause', 'Redirect', 'Hangup'].includes(e.step)).map((e) => e.step);

  test('a return: its query parameters are outputs, its verbs were said on the call first', async () => {
    const back = await run(redirect('https://web.example.com/returning'));
    expect(path(back)).toEqual(['Trigger:incomingCall', 'away:return', 'back:audioComplete']);
    expect(back.widgets.at(-1)!.say).toBe('back calm ');
    expect(back.widgets[1]).toMatchObject({ verbs: ['Say', 'Redirect'], callStatus: 'in-progress' });
    expect(verbs(back)).toEqual(['Say', 'Redirect']);
  });

  test('TwiML of several documents: followed as Voice follows them, a Gather answering the flow', async () => {
    const menu = await run(redirect('https://web.example.com/menu'), [{ digits: '7' }]);
    expect(path(menu)).toEqual(['Trigger:incomingCall', 'away:return', 'back:audioComplete']);
    // The Gather's posted Digits come back with its action's query parameters.
    expect(menu.widgets.at(-1)!.say).toBe('back menu 7');
    expect(verbs(menu)).toEqual(['Say', 'Redirect', 'Gather']);
    // Silence: the Gather falls through to the next verb, and TwiML that runs out hangs up.
    const silent = await run(redirect('https://web.example.com/menu'));
    expect(path(silent)).toEqual(['Trigger:incomingCall', 'away:ended']);
    expect(silent.status).toBe('completed');
    expect(verbs(silent)).toEqual(['Say', 'Redirect', 'Gather', 'Say']);
  });

  test('no return within the timeout: Studio takes the call back (timeout) and goes on', async () => {
    const late = await run(redirect('https://web.example.com/holds', '1'));
    expect(path(late)).toEqual(['Trigger:incomingCall', 'away:timeout', 'late:audioComplete']);
    expect(verbs(late)).toEqual(['Say', 'Pause']);
  });

  test('a failed fetch is fail; TwiML that hangs up ends the call and the execution', async () => {
    expect(path(await run(redirect('https://web.example.com/down')))).toEqual([
      'Trigger:incomingCall',
      'away:fail',
      'oops:audioComplete',
    ]);
    const gone = await run(redirect('https://web.example.com/hangs-up'));
    expect(gone.status).toBe('completed');
    expect(path(gone)).toEqual(['Trigger:incomingCall', 'away:ended']);
    expect(verbs(gone)).toEqual(['Say', 'Hangup']);
  });
});

// Source: Send Message widget (twilio.com/docs/studio/widget-library/send-message): events sent, failed;
// from the flow's number to the contact unless set.
test('Send Message is logged on the call, from the flow to the contact, and goes on with sent', async () => {
  const result = await run(
    flowOf(
      triggerTo('sms'),
      widget('sms', 'send-message', [{ event: 'sent', next: 'bye' }, { event: 'failed' }], {
        body: 'Thanks for calling, {{trigger.call.From}}',
      }),
      sayWidget('bye', 'bye'),
    ),
  );
  expect(path(result)).toEqual(['Trigger:incomingCall', 'sms:sent', 'bye:audioComplete']);
  expect(result.log.find((e) => e.step === 'message')).toMatchObject({
    sid: expect.stringMatching(/^SM/),
    to: '+15005550001',
    from: '+15005550006',
    body: 'Thanks for calling, +15005550001',
  });
});

// Sources: twilio.com/docs/api/errors/13223 (Dial: a number not in E.164) and /13224 (no 555 US exchange):
// the <Dial> fails, its action told DialCallStatus=failed, and the flow goes on.
test.each([
  ['not E.164 (a vanity number)', '+1800870FOOD', 13223],
  ['not E.164 (no +)', '15555555678', 13223],
  ['a 555 exchange', '+12125551234', 13224],
])('Connect Call To a number %s: the dial fails with its code in the debugger', async (_what, to, code) => {
  const flow = flowOf(
    triggerTo('dial'),
    widget('dial', 'connect-call-to', [{ event: 'callCompleted', next: 'after' }, { event: 'hangup' }], {
      noun: 'number',
      to,
    }),
    sayWidget('after', '{{widgets.dial.DialCallStatus}}'),
  );
  const result = await run(flow);
  expect(path(result)).toEqual(['Trigger:incomingCall', 'dial:callCompleted', 'after:audioComplete']);
  expect(result.widgets.at(-1)!.say).toBe('failed');
  const { alerts } = await em.control<{ alerts: Array<{ error_code: string; resource_sid: string }> }>(
    'GET',
    `/alerts?resourceSid=${result.sid}`,
  );
  expect(alerts.map((a) => a.error_code)).toEqual([String(code)]);
});

// Sources: Studio FAQ (twilio.com/docs/studio/user-guide/studio-faq): "If the same widget runs 10 times in
// a row during an Execution, that Execution will stop"; warning 81001 (twilio.com/docs/api/errors/81001).
test('a widget run 10 times in a row stops the execution (81001) before an 11th run; the call ends', async () => {
  const flow = flowOf(
    triggerTo('ask'),
    widget(
      'ask',
      'gather-input-on-call',
      [
        { event: 'keypress', next: 'done' },
        { event: 'timeout', next: 'ask' },
      ],
      {
        say: 'Press a key',
      },
    ),
    sayWidget('done', 'Thanks'),
  );
  const stopped = await run(flow);
  expect(path(stopped)).toEqual(['Trigger:incomingCall', ...Array(10).fill('ask:timeout')]);
  expect(stopped.status).toBe('completed');
  const { alerts } = await em.control<{ alerts: Array<{ error_code: string }> }>('GET', '/alerts');
  expect(alerts.map((a) => a.error_code)).toContain('81001');
  // Nine in a row, then something else: it goes on.
  const keyed = await run(flow, [...Array(9).fill({ silent: true }), { digits: '1' }]);
  expect(path(keyed).slice(-2)).toEqual(['ask:keypress', 'done:audioComplete']);
});
