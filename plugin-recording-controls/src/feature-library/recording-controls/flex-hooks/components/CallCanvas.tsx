import React from 'react';
import * as Flex from '@twilio/flex-ui';
import RecordingButton from '../../custom-components/RecordingButton/RecordingButton';
import type { RecordingController } from '../../helpers/recordingController';

/** The Pause/Resume button at the top of the active call's canvas (Flex passes the canvas's task). */
export function addRecordingButton(
  flex: typeof Flex,
  controller: RecordingController,
  alertSeconds: number,
  statusEveryMs: number,
) {
  const CanvasButton = ({ task }: { task?: Flex.ITask }) =>
    task ? (
      <RecordingButton
        task={task}
        controller={controller}
        alertSeconds={alertSeconds}
        statusEveryMs={statusEveryMs}
        onToggle={(t) => flex.Actions.invokeAction('ToggleCallRecording', { task: t })}
      />
    ) : null;
  flex.CallCanvas.Content.add(<CanvasButton key="recording-controls-button" />, {
    sortOrder: -1,
    // An internal call between workers has no customer recording to pause.
    if: (props: { task?: Flex.ITask }) => props.task?.attributes?.client_call !== true,
  });
}
