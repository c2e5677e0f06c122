import React from 'react';
import * as Flex from '@twilio/flex-ui';
import TeamsRecordingState from '../../custom-components/TeamsRecordingState/TeamsRecordingState';
import type { ConsoleSession } from '../../helpers/consoleSession';
import { t } from '../strings';

/** A Recording column in the Teams view's table of workers. */
export function addTeamsColumn(flex: typeof Flex, session: ConsoleSession) {
  flex.WorkersDataTable.Content.add(
    <flex.ColumnDefinition
      key="recording-controls-state"
      header={t('RCTeamsColumn')}
      content={(item: { worker: { name: string } }) => (
        <TeamsRecordingState workerName={item.worker.name} session={session} />
      )}
    />,
  );
}
