import * as Flex from '@twilio/flex-ui';
import { t } from '../strings';

/** The task the agent has selected, for the shortcuts (as flex-project-template's pause-recording does). */
const selectedTask = (manager: Flex.Manager) => {
  const sid = manager.store.getState().flex.view.selectedTaskSid;
  return sid ? Flex.TaskHelper.getTaskByTaskSid(sid) : undefined;
};

/** Flex's keyboard shortcuts (its modifier keys, then the key) for the three Actions. */
export function addRecordingShortcuts(flex: typeof Flex, manager: Flex.Manager) {
  const invoke = (name: string) => () => {
    // A refusal is on the button already; the shortcut must not throw into Flex.
    flex.Actions.invokeAction(name, { task: selectedTask(manager) }).catch(() => undefined);
  };
  flex.KeyboardShortcutManager.addShortcuts({
    2: { action: invoke('ToggleCallRecording'), name: t('RCShortcutToggle'), throttle: 1000 },
    3: { action: invoke('PauseCallRecording'), name: t('RCShortcutPause'), throttle: 1000 },
    4: { action: invoke('ResumeCallRecording'), name: t('RCShortcutResume'), throttle: 1000 },
  });
}
