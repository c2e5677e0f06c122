import React from 'react';
import { Actions } from '@twilio/flex-ui';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { Theme } from '@twilio-paste/core/theme';
import RecordingButton from '../custom-components/RecordingButton/RecordingButton';
import { registerRecordingActions } from '../flex-hooks/actions';
import { createRecordingController } from '../helpers/recordingController';
import { scriptedService } from './scriptedService';

test("the canvas button's click is Flex's ToggleCallRecording Action: other plugins hear it, and may stop it", async () => {
  const task = { sid: 'WT7', attributes: { call_sid: 'CA' + '7'.repeat(32) } };
  const { service, calls } = scriptedService([{ status: 'paused' }]);
  const controller = createRecordingController({ service, record: 'call' });
  registerRecordingActions(Actions, controller);
  render(
    <Theme.Provider theme="flex">
      <RecordingButton
        task={task}
        controller={controller}
        alertSeconds={180}
        onToggle={(t) => Actions.invokeAction('ToggleCallRecording', { task: t })}
      />
    </Theme.Provider>,
  );
  const heard: string[] = [];
  Actions.addListener('afterToggleCallRecording', (payload: { task: { sid: string } }) => heard.push(payload.task.sid));
  fireEvent.click(screen.getByRole('button'));
  await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Paused by you'));
  expect(heard).toEqual(['WT7']);

  // A plugin that blocks the Action (abort in a before-listener): nothing is sent.
  Actions.addListener('beforeToggleCallRecording', (_payload: unknown, abort: () => void) => abort());
  fireEvent.click(screen.getByRole('button'));
  await new Promise((r) => setTimeout(r, 100));
  expect(calls).toHaveLength(1);
  expect(screen.getByRole('status')).toHaveTextContent('Paused by you');
});
