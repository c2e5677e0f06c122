import { createRecordingController } from '../helpers/recordingController';
import type { AgentStatus } from '../helpers/RecordingService';
import { scriptedService } from './scriptedService';

const task = { sid: 'WT5', attributes: { call_sid: 'CA' + '5'.repeat(32) } };

function setUp(replies: Parameters<typeof scriptedService>[0], statuses: Parameters<typeof scriptedService>[1] = []) {
  jest.useFakeTimers();
  let now = 0;
  const forgotten: string[] = [];
  const controller = createRecordingController({
    service: scriptedService(replies, statuses).service,
    record: 'call',
    now: () => now,
    alertSeconds: 120,
    onForgotten: (sid) => forgotten.push(sid),
  });
  const advance = (ms: number) => {
    now += ms;
    jest.advanceTimersByTime(ms);
  };
  return { controller, forgotten, advance };
}

afterEach(() => jest.useRealTimers());

test("the agent's own pause reminds once, at PAUSE_ALERT_SECONDS, even after a refused resume", async () => {
  const { controller, forgotten, advance } = setUp([
    { status: 'paused' },
    { refuse: [502, 'TWILIO_UNAVAILABLE', 'Twilio did not answer'] },
  ]);
  await controller.pause(task);
  advance(60_000);
  await controller.resume(task);
  advance(59_999);
  expect(forgotten).toEqual([]);
  advance(1);
  expect(forgotten).toEqual(['WT5']);
  advance(600_000);
  expect(forgotten).toEqual(['WT5']);
});

test('a resume before the alert: no reminder', async () => {
  const { controller, forgotten, advance } = setUp([{ status: 'paused' }, { status: 'in-progress' }]);
  await controller.pause(task);
  advance(119_000);
  await controller.resume(task);
  advance(600_000);
  expect(forgotten).toEqual([]);
});

test('a pause the agent may not lift (locked) is not theirs to be reminded of', async () => {
  const { controller, forgotten, advance } = setUp([
    { status: 'paused' },
    { refuse: [403, 'PAUSE_HELD', 'The recording of this call was paused by a flow'] },
  ]);
  await controller.pause(task);
  await controller.resume(task);
  advance(600_000);
  expect(forgotten).toEqual([]);
});

const flowPause = (mayResume = false): AgentStatus => ({
  callSid: task.attributes.call_sid,
  state: 'paused',
  recordings: [{ recordingSid: 'RE1', status: 'paused' }],
  pauses: [
    {
      recordingSid: 'RE1',
      pausedBy: 'studio:FW1/FN1',
      holder: mayResume ? 'you' : 'flow',
      mayResume,
      reasonRequired: false,
      since: '1970-01-01T00:00:05.000Z',
    },
  ],
});

test("a read shows a flow's pause locked, named, before anything is pressed; the agent's own pause keeps its start", async () => {
  const { controller } = setUp([], [flowPause(), flowPause(true)]);
  await controller.refresh(task);
  expect(controller.stateOf(task.sid)).toMatchObject({ kind: 'locked', holder: 'flow', pausedBy: 'studio:FW1/FN1' });
  await controller.refresh(task);
  expect(controller.stateOf(task.sid)).toEqual({ kind: 'paused-by-me', since: 5000 });
});

test("a read answered after a control was sent is dropped: the control's answer is newer", async () => {
  let answerRead: (status: AgentStatus) => void = () => undefined;
  const late = new Promise<AgentStatus>((ok) => (answerRead = ok));
  const { controller } = setUp([{ status: 'paused' }], [late]);
  const reading = controller.refresh(task);
  await controller.pause(task);
  answerRead({ ...flowPause(), state: 'recording', pauses: [] });
  await reading;
  expect(controller.stateOf(task.sid)).toMatchObject({ kind: 'paused-by-me' });
});

test('a read that fails leaves the button as it was', async () => {
  const { controller } = setUp([{ status: 'paused' }]);
  await controller.pause(task);
  await controller.refresh(task);
  expect(controller.stateOf(task.sid)).toMatchObject({ kind: 'paused-by-me' });
});
