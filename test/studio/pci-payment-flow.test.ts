// The importable Studio flow: its shape (it parses, calls only this project's Functions with parameters
// they accept, takes card data only through Capture Payments after a pause it checked), then the flow
// run for real on ringing incoming calls along each branch, with the recording's state at every widget.
import { deadEnds, expectFunctionsKnown, expectWellFormed, loadFlow, reachable, runFlow } from '../../harness/flows';
import { invoke } from '../../harness/functions';
import { useStack } from '../../harness/stack';
import type { JudgedCapture } from '../../lib/model/captures';
import type { Segment } from '../../lib/model/evidence';

const { flow, byName } = loadFlow('pci-payment-flow.json');

describe('the flow as written', () => {
  test('every transition points at a widget that exists, and every widget is reachable', () => expectWellFormed(flow));

  test('every Run Function widget calls a Function of this project with parameters it accepts, and has a fail branch', () =>
    expectFunctionsKnown(flow));

  test('no card data is gathered in Studio: no Gather widget, card capture only through Capture Payments', () => {
    expect(flow.states.filter((s) => s.type === 'gather-input-on-call')).toEqual([]);
    expect(flow.states.filter((s) => s.type === 'capture-payments').map((s) => s.name)).toEqual(['capture_payment']);
  });

  test('Capture Payments is reachable only through a pause that succeeded or found nothing recording', () => {
    const confirmed = [
      byName.get('check_paused')!.transitions.find((t) => t.event === 'match')!,
      byName.get('check_nothing_recording')!.transitions.find((t) => t.event === 'match')!,
    ];
    expect(confirmed.map((t) => [t.next, t.conditions])).toEqual([
      [
        'capture_payment',
        [
          expect.objectContaining({
            arguments: ['{{widgets.pause_recording.parsed.status}}'],
            type: 'equal_to',
            value: 'paused',
          }),
        ],
      ],
      [
        'capture_payment',
        [
          expect.objectContaining({
            arguments: ['{{widgets.pause_recording.parsed.error.code}}'],
            type: 'equal_to',
            value: 'NO_ACTIVE_RECORDING',
          }),
        ],
      ],
    ]);
    expect(byName.get('pause_recording')!.properties.parameters).toEqual(
      expect.arrayContaining([
        { key: 'Status', value: 'paused' },
        { key: 'All', value: 'true' },
        { key: 'PauseBehavior', value: 'skip' },
      ]),
    );
    expect(reachable(flow, (t) => confirmed.includes(t)).has('capture_payment')).toBe(false);
  });

  test('every event of every widget that can happen mid-call leads somewhere, except a hang-up and the last words', () => {
    expect(deadEnds(flow)).toEqual(
      [
        'capture_payment.hangup',
        'say_not_paid.audioComplete',
        'say_payment_unavailable.audioComplete',
        'say_thanks.audioComplete',
      ].sort(),
    );
  });
});

describe('the flow run on incoming calls', () => {
  const PASSWORD = 'studio flow test password';
  const stack = useStack({ ADMIN_PASSWORD: PASSWORD });
  afterEach(() => stack.em.control('DELETE', '/faults'));

  const run = (inputs: unknown[]) => runFlow(stack.em, stack.fx, flow, inputs);

  const answered = [
    'Trigger:incomingCall [ringing; ]',
    'say_greeting:audioComplete [in-progress; ]',
    'start_recording:success [in-progress; in-progress]',
  ];
  const paused = ['pause_recording:success [in-progress; paused]', 'check_paused:match [in-progress; paused]'];
  const notPaid = [
    'capture_payment:maxFailedAttempts [in-progress; paused]',
    'note_not_paid:next [in-progress; paused]',
    'resume_recording:success [in-progress; in-progress]',
    'tell_outcome:noMatch [in-progress; in-progress]',
    'say_not_paid:audioComplete [in-progress; in-progress]',
  ];

  test('the card accepted: recording starts after the greeting, is paused for the card, resumed after', async () => {
    const result = await run([{ pay: 'success' }]);
    expect(result.path).toEqual([
      ...answered,
      ...paused,
      'capture_payment:success [in-progress; paused]',
      'note_paid:next [in-progress; paused]',
      'resume_recording:success [in-progress; in-progress]',
      'tell_outcome:match [in-progress; in-progress]',
      'say_thanks:audioComplete [in-progress; in-progress]',
    ]);
    expect(result.status).toBe('completed');
    expect(result.recordings).toEqual(['completed']);
    const pause = result.widgets.find((w) => w.widget === 'pause_recording')!;
    expect(pause.params).toMatchObject({
      All: 'true',
      PauseBehavior: 'skip',
      FlowSid: expect.stringMatching(/^FW/),
      ExecutionSid: expect.stringMatching(/^FN/),
    });
  });

  // Capture Payments passes its Valid Card Types on to <Pay> (docs: studio/widget-library/capture-payments;
  // twiml/pay validCardTypes): the flow takes Discover, which <Pay>'s default list does not, and refuses
  // JCB, which it does not list; it asks no postal code (postal_code "false"), so none is needed.
  test('the card types the widget lists are those taken: Discover accepted, JCB refused twice', async () => {
    expect((await run([{ pay: 'success', cardType: 'discover', postalCode: '' }])).path).toContain(
      'capture_payment:success [in-progress; paused]',
    );
    expect(
      (
        await run([
          { pay: 'success', cardType: 'jcb' },
          { pay: 'success', cardType: 'jcb' },
        ])
      ).path,
    ).toEqual([...answered, ...paused, ...notPaid]);
  });

  test('the card declined twice: the caller is told nothing was charged, recording resumed', async () => {
    expect((await run([{ pay: 'declined' }, { pay: 'declined' }])).path).toEqual([...answered, ...paused, ...notPaid]);
  });

  test('a caller who stays silent at the card prompt: the attempts time out, nothing charged', async () => {
    expect((await run([])).path).toEqual([...answered, ...paused, ...notPaid]);
  });

  test('a caller who speaks at the card prompt: speech is no card entry, nothing charged, nothing of it in the flow', async () => {
    const result = await run([{ speech: 'four one one one' }]);
    expect(result.path).toEqual([...answered, ...paused, ...notPaid]);
    expect(JSON.stringify(result.widgets)).not.toContain('four one one one');
  });

  test('a caller who hangs up during the card entry: the execution ends, the recording completes', async () => {
    const result = await run([{ pay: 'hangup' }]);
    expect(result.path).toEqual([...answered, ...paused, 'capture_payment:hangup [completed; processing]']);
    expect(result.recordings).toEqual(['completed']);
  });

  test('the pause failing: no card is asked for, and the caller is told so', async () => {
    await stack.em.control('POST', '/faults', { kind: '500', count: 100, method: 'POST', match: '/Recordings/' });
    const result = await run([{ pay: 'success' }]);
    expect(result.path).toEqual([
      ...answered,
      'pause_recording:fail [in-progress; in-progress]',
      'check_nothing_recording:noMatch [in-progress; in-progress]',
      'say_payment_unavailable:audioComplete [in-progress; in-progress]',
    ]);
    expect(result.widgets.find((w) => w.widget === 'pause_recording')).toMatchObject({
      status_code: 502,
      parsed: { error: { code: 'TWILIO_UNAVAILABLE' } },
    });
  });

  test('the start failing: nothing records, so the card is taken with nothing to pause (NO_ACTIVE_RECORDING)', async () => {
    await stack.em.control('POST', '/faults', { kind: '500', count: 100, method: 'POST', match: '/Recordings.json' });
    const result = await run([{ pay: 'success' }]);
    expect(result.path).toEqual([
      'Trigger:incomingCall [ringing; ]',
      'say_greeting:audioComplete [in-progress; ]',
      'start_recording:fail [in-progress; ]',
      'pause_recording:fail [in-progress; ]',
      'check_nothing_recording:match [in-progress; ]',
      'capture_payment:success [in-progress; ]',
      'note_paid:next [in-progress; ]',
      'resume_recording:fail [in-progress; ]',
      'tell_outcome:match [in-progress; ]',
      'say_thanks:audioComplete [in-progress; ]',
    ]);
    expect(result.widgets.find((w) => w.widget === 'pause_recording')).toMatchObject({
      status_code: 409,
      parsed: { error: { code: 'NO_ACTIVE_RECORDING' } },
    });
  });

  /** The call's segments and captures as /console/evidence gives them to an assessor. */
  async function evidenceOf(callSid: string) {
    const login = await invoke<{ token: string }>(
      stack.fx,
      '/console/login',
      { Password: PASSWORD, Name: 'QSA Review' },
      'json',
    );
    const res = await invoke<{ segments: Segment[]; captures: JudgedCapture[]; studioRead: boolean }>(
      stack.fx,
      '/console/evidence',
      { Token: login.body.token, CallSid: callSid },
      'json',
    );
    return res.body;
  }

  test("the card accepted: the pause reads proven, and Studio's capture step lies inside it", async () => {
    const result = await run([{ pay: 'success' }]);
    const { segments, captures, studioRead } = await evidenceOf(result.sid);
    expect(studioRead).toBe(true);
    expect(segments.filter((s) => s.unproven)).toEqual([]);
    expect(segments.filter((s) => s.state === 'paused')).toHaveLength(1);
    expect(captures).toHaveLength(1);
    expect(captures[0]).toMatchObject({
      by: expect.stringMatching(/^studio:FW[0-9a-f]{32}\/FN[0-9a-f]{32}$/),
      result: 'success',
      stages: [expect.objectContaining({ for: 'capture_payment' })],
      verdict: 'inside-proven-pause',
    });
  });

  test('a flow that forgets to pause: its capture is an exception naming the recording that ran', async () => {
    const forgetful = structuredClone(flow);
    const start = forgetful.states.find((s) => s.name === 'start_recording')!;
    for (const t of start.transitions) if (t.event === 'success') t.next = 'capture_payment';
    const result = await runFlow(stack.em, stack.fx, forgetful, [{ pay: 'success' }]);
    expect(result.path).toContain('capture_payment:success [in-progress; in-progress]');
    const { captures } = await evidenceOf(result.sid);
    expect(captures).toHaveLength(1);
    expect(captures[0].verdict).toBe('exception');
    expect(captures[0].why).toMatch(/recording RE[0-9a-f]{32} may have been recording/);
  });
});
