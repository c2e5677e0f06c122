import { createRecordingController } from '../helpers/recordingController';
import { scriptedService } from './scriptedService';

const task = { sid: 'WT5', attributes: { call_sid: 'CA' + '5'.repeat(32) } };

function setUp(replies: Parameters<typeof scriptedService>[0]) {
  jest.useFakeTimers();
  let now = 0;
  const forgotten: string[] = [];
  const controller = createRecordingController({
    service: scriptedService(replies).service,
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
