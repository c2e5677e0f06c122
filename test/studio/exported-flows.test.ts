// Voice flows exported from Studio and published in Twilio's public repositories (test/studio/flows/,
// README there), with the toolkit's Run Function widgets added around the step a caller should not be
// recorded in, saved through Studio's API and run on incoming calls along every branch.
// Sources: Studio widget-library pages (send-flex, gather-input-call, http-request, split-based-on,
// run-function, say-play) and Studio's Flow resource (CreateFlow; webhook_url).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  callFlow,
  expectFunctionsKnown,
  expectWellFormed,
  flowResult,
  runFlow,
  waitInQueue,
  withRecordingControls,
  type Flow,
} from '../../harness/flows';
import { ROOT, useStack } from '../../harness/stack';
import { startWebhooks, type Webhooks } from '../../harness/webhooks';

const exported = (file: string): Flow =>
  JSON.parse(readFileSync(join(ROOT, 'test/studio/flows', file), 'utf8')) as Flow;

const stack = useStack();
let web: Webhooks;
/** What the stand-ins for the flows' own endpoints answer next. */
const answers = {
  extensionValid: true,
  schedule: { status: 200, body: '{"isOpen":true}' },
  demoLink: { status: 200, body: '' },
};
beforeAll(async () => {
  web = await startWebhooks({
    '/checkExtension': () => ({
      status: 200,
      type: 'application/json',
      body: JSON.stringify({ result: answers.extensionValid }),
    }),
    '/check-schedule': () => ({ ...answers.schedule, type: 'application/json' }),
    '/send-demo-link': () => ({ ...answers.demoLink, type: 'text/plain' }),
  });
});
afterAll(() => web.close());
afterEach(() => stack.em.control('DELETE', '/faults'));

const REWRITES = () => ({
  'https://yourserverlessdomain': web.url,
  'https://${SCHEDULE_MANAGER_DOMAIN}': web.url,
  'https://flows-example-8244.twil.io': web.url,
});
const settle = (callSid: string, result: string) => stack.em.control('POST', `/studio/queue/${callSid}`, { result });

describe('twilio-professional-services/per-agent-voicemail: the direct-extension IVR, the extension keyed while paused', () => {
  const flow = withRecordingControls(exported('per-agent-voicemail-ivr.json'), {
    start: { from: 'gather_choose_route', event: 'keypress' },
    around: 'gather_extension',
    ifPauseFails: 'say_play_3',
  });
  const menu = [
    'Trigger:incomingCall [ringing; ]',
    'gather_choose_route:keypress [in-progress; ]',
    'start_recording:success [in-progress; in-progress]',
    'directAgentCheck:match [in-progress; in-progress]',
    'pause_recording:success [in-progress; paused]',
  ];
  const lookedUp = [
    'gather_extension:keypress [in-progress; paused]',
    'resume_recording_keypress:success [in-progress; in-progress]',
    'checkExtension:success [in-progress; in-progress]',
    'extensionValid:match [in-progress; in-progress]',
  ];
  const toEveryone = (recording: string) => [
    `say_play_3:audioComplete [in-progress; ${recording}]`,
    `SendToEveryone:callComplete [in-progress; ${recording}]`,
  ];
  /** Runs the flow; whichever Send to Flex the call reaches, an agent takes it. */
  async function run(inputs: unknown[]) {
    const sid = await callFlow(stack.em, stack.fx, flow, inputs, REWRITES());
    const ended = flowResult(stack.em, sid);
    const waiting = await Promise.race([waitInQueue(stack.em, sid), ended.then(() => undefined)]);
    if (waiting) await settle(sid, 'bridged');
    return { ...(await ended), waiting };
  }

  test('as changed, it passes validation and calls only Functions of this project', () => {
    expectWellFormed(flow);
    expectFunctionsKnown(flow);
  });

  test('a valid extension: keyed while paused, recording resumed, the call sent to that agent', async () => {
    answers.extensionValid = true;
    const result = await run([{ digits: '1' }, { digits: '1234' }]);
    expect(result.path).toEqual([
      ...menu,
      ...lookedUp,
      'say_connecting_direct:audioComplete [in-progress; in-progress]',
      'SendCallToAgent:callComplete [in-progress; in-progress]',
    ]);
    expect(result.waiting).toMatchObject({ widget: 'SendCallToAgent', attributes: { workerExtension: '1234' } });
    expect(web.received.at(-1)!.params).toEqual({ extension: '1234' });
  });

  test('an invalid extension: asked again, paused again; silence the second time goes to anyone', async () => {
    answers.extensionValid = false;
    const result = await run([{ digits: '1' }, { digits: '9999' }]);
    expect(result.path).toEqual([
      ...menu,
      ...lookedUp,
      'say_invalid_extension:audioComplete [in-progress; in-progress]',
      'pause_recording:success [in-progress; paused]',
      'gather_extension:timeout [in-progress; paused]',
      'resume_recording_timeout:success [in-progress; in-progress]',
      ...toEveryone('in-progress'),
    ]);
  });

  test('no key at the menu, or another key: no extension asked, the call goes to anyone', async () => {
    expect((await run([])).path).toEqual([
      'Trigger:incomingCall [ringing; ]',
      'gather_choose_route:timeout [in-progress; ]',
      ...toEveryone(''),
    ]);
    // Speech is not listened for: the flow leaves the speech transition unwired.
    expect((await run([{ speech: 'agent please' }])).path.slice(1, 2)).toEqual([
      'gather_choose_route:timeout [in-progress; ]',
    ]);
    const other = await run([{ digits: '2' }]);
    expect(other.path.slice(3)).toEqual([
      'directAgentCheck:noMatch [in-progress; in-progress]',
      ...toEveryone('in-progress'),
    ]);
  });

  test('the pause failing: the extension is not asked; the lookup failing ends the call', async () => {
    await stack.em.control('POST', '/faults', { kind: '500', count: 100, method: 'POST', match: '/Recordings/' });
    const unpaused = await run([{ digits: '1' }, { digits: '1234' }]);
    expect(unpaused.path.slice(4)).toEqual([
      'pause_recording:fail [in-progress; in-progress]',
      ...toEveryone('in-progress'),
    ]);
    await stack.em.control('DELETE', '/faults');
    await web.close();
    try {
      const failed = await run([{ digits: '1' }, { digits: '1234' }]);
      expect(failed.path.at(-1)).toBe('checkExtension:failed [in-progress; in-progress]');
      expect(failed.status).toBe('completed');
      expect(failed.recordings).toEqual(['completed']);
    } finally {
      web = await startWebhooks({
        '/checkExtension': () => ({ status: 200, type: 'application/json', body: '{"result":true}' }),
        '/check-schedule': () => ({ ...answers.schedule, type: 'application/json' }),
        '/send-demo-link': () => ({ ...answers.demoLink, type: 'text/plain' }),
      });
    }
  });

  test('a caller who hangs up at the extension prompt: the execution ends, the recording is processed, then completes', async () => {
    const result = await run([{ digits: '1' }, { hangup: true }]);
    expect(result.path.at(-1)).toBe('gather_extension:hangup [completed; processing]');
    expect(result.recordings).toEqual(['completed']);
  });
});

describe('twilio-professional-services/flex-project-template: the in-queue callback flow, paused while on hold', () => {
  // On hold the wait experience (waitUrl) asks for a callback number or takes a voicemail.
  const flow = withRecordingControls(exported('flex-callback-flow.json'), {
    start: { from: 'Trigger', event: 'incomingCall' },
    announce: 'This call is recorded, except while you wait.',
    around: 'SendCallToAgent',
    ifPauseFails: 'SendCallToAgent',
  });
  const held = [
    'Trigger:incomingCall [ringing; ]',
    'announce_recording:audioComplete [in-progress; ]',
    'start_recording:success [in-progress; in-progress]',
    'pause_recording:success [in-progress; paused]',
  ];
  async function holdThen(result: string | ((sid: string) => Promise<unknown>)) {
    const sid = await callFlow(stack.em, stack.fx, flow, [], REWRITES());
    const waiting = await waitInQueue(stack.em, sid);
    await (typeof result === 'string' ? settle(sid, result) : result(sid));
    return { ...(await flowResult(stack.em, sid)), waiting };
  }

  test('as changed, it passes validation and calls only Functions of this project', () => {
    expectWellFormed(flow);
    expectFunctionsKnown(flow);
  });

  test.each([
    ['an agent takes the call', 'bridged', 'callComplete'],
    ['the caller leaves the queue (a callback asked for)', 'leave', 'callComplete'],
    ['a system error', 'system-error', 'callFailure'],
  ])('%s: recording resumed after the hold', async (_what, result, event) => {
    const run = await holdThen(result);
    expect(run.path).toEqual([
      ...held,
      `SendCallToAgent:${event} [in-progress; paused]`,
      `resume_recording_${event}:success [in-progress; in-progress]`,
    ]);
    expect(run.waiting).toMatchObject({
      workflow: '${WORKFLOW_SID}',
      channel: '${VOICE_CHANNEL_SID}',
      attributes: { type: 'inbound', name: '+15005550001', conversations: { hang_up_by: 'Customer' } },
      waitUrl: 'https://${SERVERLESS_DOMAIN}/features/callback-and-voicemail/studio/wait-experience',
    });
    expect(run.recordings).toEqual(['completed']);
  });

  test('a caller who hangs up on hold: the call and the recording end there', async () => {
    const run = await holdThen((sid) => stack.em.client.calls(sid).update({ status: 'completed' }));
    expect(run.path).toEqual([...held, 'SendCallToAgent:callComplete [completed; processing]']);
  });

  test('a full queue: failedToEnqueue, recording resumed at once', async () => {
    // 100 callers already holding for the same workflow, through a flow of their own.
    const holding = { ...exported('flex-callback-flow.json') };
    const others = await Promise.all(
      Array.from({ length: 100 }, () => callFlow(stack.em, stack.fx, holding, [], REWRITES())),
    );
    await Promise.all(others.map((sid) => waitInQueue(stack.em, sid)));
    try {
      const run = await runFlow(stack.em, stack.fx, flow, [], REWRITES());
      expect(run.path.slice(-2)).toEqual([
        'SendCallToAgent:failedToEnqueue [in-progress; paused]',
        'resume_recording_failedToEnqueue:success [in-progress; in-progress]',
      ]);
    } finally {
      await Promise.all(others.map((sid) => stack.em.client.calls(sid).update({ status: 'completed' })));
    }
  });

  test('the pause failing: the caller still reaches an agent, the recording was never paused', async () => {
    await stack.em.control('POST', '/faults', { kind: '500', count: 1, method: 'POST', match: '/Recordings/' });
    const run = await holdThen('bridged');
    expect(run.path).toEqual([
      ...held.slice(0, 3),
      'pause_recording:fail [in-progress; in-progress]',
      'SendCallToAgent:callComplete [in-progress; in-progress]',
      'resume_recording_callComplete:success [in-progress; in-progress]',
    ]);
  });
});

describe('twilio-professional-services/flex-project-template: the open-hours check, run unchanged', () => {
  const flow = exported('flex-schedule-flow.json');
  const run = async (status: number, body: unknown) => {
    answers.schedule = { status, body: JSON.stringify(body) };
    const result = await runFlow(stack.em, stack.fx, flow, [], REWRITES());
    return { path: result.path.map((p) => p.replace(/ \[.*$/, '')), said: String(result.widgets.at(-1)!.say) };
  };

  test('open; closed by hand, for a holiday or by the schedule; the check failing counts as open', async () => {
    expect(await run(200, { isOpen: true })).toEqual({
      path: ['Trigger:incomingCall', 'check_schedule:success', 'is_open:match', 'say_open:audioComplete'],
      said: 'Ahoy! This is an example open message.',
    });
    for (const [reason, words] of [
      ['manual', 'unforseen circumstances'],
      ['holiday', 'closed due to the holiday'],
      ['schedule', 'We are currently closed. Please call back during our normal business hours.'],
    ]) {
      const closed = await run(200, { isOpen: false, closedReason: reason });
      expect(closed.path).toEqual([
        'Trigger:incomingCall',
        'check_schedule:success',
        'is_open:noMatch',
        'say_closed:audioComplete',
      ]);
      expect(closed.said).toContain(words);
    }
    expect((await run(500, { error: 'down' })).path).toEqual([
      'Trigger:incomingCall',
      'check_schedule:fail',
      'say_open:audioComplete',
    ]);
  });
});

describe("twilio-labs/sample-flows-github-actions: the demo-link IVR, the caller's keyed choice paused", () => {
  // The caller keys a choice (DTMF tones are heard in a recording, and Studio logs the Digits); a
  // Function then texts the caller the link it names. The first widget asks, so the call is answered
  // by an announcement before the recording can start (21220 on a ringing call).
  const flow = withRecordingControls(exported('webinar-demo-flow.json'), {
    start: { from: 'Trigger', event: 'incomingCall' },
    announce: 'This call is recorded, except while you choose.',
    around: 'gather_input',
  });
  const asked = [
    'Trigger:incomingCall [ringing; ]',
    'announce_recording:audioComplete [in-progress; ]',
    'start_recording:success [in-progress; in-progress]',
    'pause_recording:success [in-progress; paused]',
  ];
  const keyed = (digit: string) => [
    `gather_input:keypress [in-progress; paused]`,
    'resume_recording_keypress:success [in-progress; in-progress]',
    `check_for_digit:${['1', '2', '3'].includes(digit) ? 'match' : 'noMatch'} [in-progress; in-progress]`,
  ];
  const sentLinks = () => web.received.filter((r) => r.path === '/send-demo-link').map((r) => r.params);

  test('as changed, it passes validation and calls only Functions of this project', () => {
    // The flow's own Function (send_demo_link) is not the toolkit's: only the added widgets are checked.
    const ours = { ...flow, states: flow.states.filter((s) => s.name !== 'send_demo_link') };
    expectWellFormed(flow);
    expectFunctionsKnown(ours);
  });

  test('a valid choice: keyed while paused, recording resumed, the link texted, the goodbye recorded', async () => {
    answers.demoLink = { status: 200, body: '' };
    const before = sentLinks().length;
    const result = await runFlow(stack.em, stack.fx, flow, [{ digits: '2' }], REWRITES());
    expect(result.path).toEqual([
      ...asked,
      ...keyed('2'),
      'send_demo_link:success [in-progress; in-progress]',
      'say_play_1:audioComplete [in-progress; in-progress]',
    ]);
    // Studio's Run Function sends the rendered parameters: the caller's number as To, the key as Digits.
    expect(sentLinks().slice(before)).toEqual([{ From: '+15005550006', To: '+15005550001', Digits: '2' }]);
    expect(result.recordings).toEqual(['completed']);
  });

  test('another key, then silence: asked again, paused each time; the caller hangs up at the prompt', async () => {
    const result = await runFlow(
      stack.em,
      stack.fx,
      flow,
      [{ digits: '9' }, { silent: true }, { hangup: true }],
      REWRITES(),
    );
    expect(result.path).toEqual([
      ...asked,
      ...keyed('9'),
      'pause_recording:success [in-progress; paused]',
      'gather_input:timeout [in-progress; paused]',
      'resume_recording_timeout:success [in-progress; in-progress]',
      'pause_recording:success [in-progress; paused]',
      'gather_input:hangup [completed; processing]',
    ]);
    expect(result.recordings).toEqual(['completed']);
  });

  test('speech is not listened for (the speech transition is unwired): it times out as silence would', async () => {
    const result = await runFlow(
      stack.em,
      stack.fx,
      flow,
      [{ speech: 'the studio demo' }, { hangup: true }],
      REWRITES(),
    );
    expect(result.path.slice(4, 5)).toEqual(['gather_input:timeout [in-progress; paused]']);
  });

  test('the text failing: back to the choice, paused again', async () => {
    answers.demoLink = { status: 500, body: 'We could not send the message' };
    try {
      const result = await runFlow(stack.em, stack.fx, flow, [{ digits: '1' }, { hangup: true }], REWRITES());
      expect(result.path.slice(4)).toEqual([
        ...keyed('1'),
        'send_demo_link:fail [in-progress; in-progress]',
        'pause_recording:success [in-progress; paused]',
        'gather_input:hangup [completed; processing]',
      ]);
    } finally {
      answers.demoLink = { status: 200, body: '' };
    }
  });

  test('the pause failing: the choice is still asked (a menu key, not a secret), the recording never paused', async () => {
    await stack.em.control('POST', '/faults', { kind: '500', count: 1, method: 'POST', match: '/Recordings/' });
    const result = await runFlow(stack.em, stack.fx, flow, [{ digits: '3' }], REWRITES());
    expect(result.path.slice(3, 6)).toEqual([
      'pause_recording:fail [in-progress; in-progress]',
      'gather_input:keypress [in-progress; in-progress]',
      'resume_recording_keypress:success [in-progress; in-progress]',
    ]);
    expect(result.path.at(-1)).toBe('say_play_1:audioComplete [in-progress; in-progress]');
  });
});
