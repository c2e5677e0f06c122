import { Actions } from '@twilio/flex-ui';
import { registerRecordingActions } from '../flex-hooks/actions';
import { createRecordingController } from '../helpers/recordingController';
import { scriptedService } from './scriptedService';

const task = { sid: 'WT9', attributes: { call_sid: 'CA' + '9'.repeat(32) } };
const { service, calls } = scriptedService([
  { status: 'paused' },
  { status: 'in-progress' },
  { status: 'paused' },
  { status: 'in-progress' },
  { refuse: [403, 'PAUSE_HELD', 'The recording was paused by a flow'] },
]);
const controller = createRecordingController({ service, record: 'call' });
registerRecordingActions(Actions, controller);

test("PauseCallRecording and ResumeCallRecording with { task }, heard by other plugins' listeners", async () => {
  const heard: string[] = [];
  Actions.addListener('afterPauseCallRecording', () => heard.push('paused'));
  Actions.addListener('afterResumeCallRecording', () => heard.push('resumed'));
  await Actions.invokeAction('PauseCallRecording', { task });
  expect(controller.stateOf(task.sid).kind).toBe('paused-by-me');
  await Actions.invokeAction('ResumeCallRecording', { task });
  expect(controller.stateOf(task.sid).kind).toBe('recording');
  expect(heard).toEqual(['paused', 'resumed']);
  expect(calls.map((c) => c.status)).toEqual(['pause', 'resume']);
});

test('ToggleCallRecording pauses, then resumes', async () => {
  await Actions.invokeAction('ToggleCallRecording', { task });
  expect(controller.stateOf(task.sid).kind).toBe('paused-by-me');
  await Actions.invokeAction('ToggleCallRecording', { task });
  expect(controller.stateOf(task.sid).kind).toBe('recording');
});

test('a refusal rejects the action with its code (Flex wraps the error, keeping its message); no task rejects too', async () => {
  await expect(Actions.invokeAction('ResumeCallRecording', { task })).rejects.toThrow(
    'PAUSE_HELD: The recording was paused by a flow',
  );
  expect(controller.stateOf(task.sid)).toMatchObject({ kind: 'locked', code: 'PAUSE_HELD' });
  await expect(Actions.invokeAction('PauseCallRecording', {})).rejects.toThrow(/^NO_TASK: /);
});
