// The second importable flow: identity questions keyed in while every recording is paused. This is not
// card data (digits gathered in Studio land in the execution logs), so Gather is the right widget;
// pausing keeps the keypad tones out of the recording. Run along each branch like the payment flow.
import { deadEnds, expectFunctionsKnown, expectWellFormed, loadFlow, reachable, runFlow } from '../../harness/flows';
import { useStack } from '../../harness/stack';

const { flow, byName } = loadFlow('identity-check-flow.json');

describe('the flow as written', () => {
  test('every transition points at a widget that exists, and every widget is reachable', () => expectWellFormed(flow));

  test('every Run Function widget calls a Function of this project with parameters it accepts, and has a fail branch', () =>
    expectFunctionsKnown(flow));

  test('the questions are reachable only through a pause that succeeded or found nothing recording', () => {
    const confirmed = ['check_paused', 'check_nothing_recording'].map((n) =>
      byName.get(n)!.transitions.find((t) => t.event === 'match')!,
    );
    expect(confirmed.map((t) => t.next)).toEqual(['ask_account', 'ask_account']);
    const unconfirmed = reachable(flow, (t) => confirmed.includes(t));
    for (const gather of flow.states.filter((s) => s.type === 'gather-input-on-call'))
      expect(unconfirmed.has(gather.name)).toBe(false);
  });

  test('every input kind of every question leads somewhere; only the last words end the call', () => {
    expect(deadEnds(flow)).toEqual(
      ['say_thanks.audioComplete', 'say_unanswered.audioComplete', 'say_unavailable.audioComplete'].sort(),
    );
    expect(flow.states.some((s) => s.type === 'capture-payments')).toBe(false);
  });
});

describe('the flow run on incoming calls', () => {
  const stack = useStack();
  afterEach(() => stack.em.control('DELETE', '/faults'));
  const run = (inputs: unknown[]) => runFlow(stack.em, stack.fx, flow, inputs);

  const paused = [
    'Trigger:incomingCall [ringing; ]',
    'say_greeting:audioComplete [in-progress; ]',
    'start_recording:success [in-progress; in-progress]',
    'pause_recording:success [in-progress; paused]',
    'check_paused:match [in-progress; paused]',
  ];
  const resumeAnd = (note: string, say: string) => [
    `${note}:next [in-progress; paused]`,
    'resume_recording:success [in-progress; in-progress]',
    `tell_outcome:${say === 'say_thanks' ? 'match' : 'noMatch'} [in-progress; in-progress]`,
    `${say}:audioComplete [in-progress; in-progress]`,
  ];

  test('both answers keyed in while paused; recording resumed after', async () => {
    const result = await run([{ digits: '12345678' }, { digits: '07141990' }]);
    expect(result.path).toEqual([
      ...paused,
      'ask_account:keypress [in-progress; paused]',
      'check_account:match [in-progress; paused]',
      'ask_birth_date:keypress [in-progress; paused]',
      'check_birth_date:match [in-progress; paused]',
      ...resumeAnd('note_answered', 'say_thanks'),
    ]);
    expect(result.recordings).toEqual(['completed']);
  });

  test.each([
    ['stays silent', [], ['ask_account:timeout [in-progress; paused]']],
    ['speaks', [{ speech: 'one two three' }], ['ask_account:speech [in-progress; paused]']],
    [
      'keys a short account number',
      [{ digits: '123' }],
      ['ask_account:keypress [in-progress; paused]', 'check_account:noMatch [in-progress; paused]'],
    ],
    [
      'keys an impossible date',
      [{ digits: '12345678' }, { digits: '13451990' }],
      [
        'ask_account:keypress [in-progress; paused]',
        'check_account:match [in-progress; paused]',
        'ask_birth_date:keypress [in-progress; paused]',
        'check_birth_date:noMatch [in-progress; paused]',
      ],
    ],
  ])('a caller who %s: not answered, recording resumed, an agent told', async (_name, inputs, asked) => {
    expect((await run(inputs)).path).toEqual([...paused, ...asked, ...resumeAnd('note_unanswered', 'say_unanswered')]);
  });

  test('the pause failing: no question is asked', async () => {
    await stack.em.control('POST', '/faults', { kind: '500', count: 100, method: 'POST', match: '/Recordings/' });
    expect((await run([{ digits: '12345678' }])).path).toEqual([
      ...paused.slice(0, 3),
      'pause_recording:fail [in-progress; in-progress]',
      'check_nothing_recording:noMatch [in-progress; in-progress]',
      'say_unavailable:audioComplete [in-progress; in-progress]',
    ]);
  });

  test('the start failing: nothing records, so the questions are asked with nothing to pause', async () => {
    await stack.em.control('POST', '/faults', { kind: '500', count: 100, method: 'POST', match: '/Recordings.json' });
    const result = await run([{ digits: '12345678' }, { digits: '07141990' }]);
    expect(result.path.slice(2, 6)).toEqual([
      'start_recording:fail [in-progress; ]',
      'pause_recording:fail [in-progress; ]',
      'check_nothing_recording:match [in-progress; ]',
      'ask_account:keypress [in-progress; ]',
    ]);
    expect(result.path.at(-1)).toBe('say_thanks:audioComplete [in-progress; ]');
  });

  test('a caller who hangs up at a question: the execution ends, the recording completes', async () => {
    const result = await run([{ hangup: true }]);
    expect(result.path.at(-1)).toBe('ask_account:hangup [completed; processing]');
    expect(result.recordings).toEqual(['completed']);
  });
});
