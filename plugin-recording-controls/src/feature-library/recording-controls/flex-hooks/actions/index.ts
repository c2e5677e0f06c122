import type { RecordingController } from '../../helpers/recordingController';
import type { ButtonState, VoiceTaskLike } from '../../helpers/recordingState';

export const ACTION_NAMES = ['PauseCallRecording', 'ResumeCallRecording', 'ToggleCallRecording'] as const;

/** A control that did not leave the recording as asked: the Function's code and message, for the invoker. */
export class RecordingActionError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly state: ButtonState,
  ) {
    super(`${code}: ${message}`);
    this.name = 'RecordingActionError';
  }
}

function settled(state: ButtonState): ButtonState {
  if (state.kind === 'error' || state.kind === 'locked')
    throw new RecordingActionError(state.code, state.message, state);
  if (state.kind === 'unknown')
    throw new RecordingActionError('UNREACHABLE', 'The recording Functions could not be reached', state);
  return state;
}

/** The part of Flex's Actions framework the plugin uses. */
export interface ActionsLike {
  registerAction(name: string, action: (payload: { task?: VoiceTaskLike }) => Promise<unknown>): unknown;
}

/**
 * Flex Actions other plugins invoke or listen to (`before…`/`after…`), payload `{ task }`. A refusal or
 * an unreachable Function rejects the action (so `after…` listeners hear only of done controls).
 */
export function registerRecordingActions(actions: ActionsLike, controller: RecordingController) {
  const withTask =
    (run: (task: VoiceTaskLike) => Promise<ButtonState>) => async (payload: { task?: VoiceTaskLike }) => {
      if (!payload?.task) throw new RecordingActionError('NO_TASK', 'The payload names no task', { kind: 'idle' });
      return settled(await run(payload.task));
    };
  actions.registerAction('PauseCallRecording', withTask(controller.pause));
  actions.registerAction('ResumeCallRecording', withTask(controller.resume));
  actions.registerAction('ToggleCallRecording', withTask(controller.toggle));
}
