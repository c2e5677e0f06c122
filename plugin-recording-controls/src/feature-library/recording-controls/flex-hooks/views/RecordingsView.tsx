import React from 'react';
import * as Flex from '@twilio/flex-ui';
import { CallActiveIcon } from '@twilio-paste/icons/esm/CallActiveIcon';
import { CallIcon } from '@twilio-paste/icons/esm/CallIcon';
import RecordingConsoleView from '../../custom-components/RecordingConsoleView/RecordingConsoleView';
import type { ConsoleSession } from '../../helpers/consoleSession';
import { t } from '../strings';

export const VIEW_NAME = 'recording-controls';

/** The recording console as a Flex view, reached from the side navigation. */
export function addRecordingsView(flex: typeof Flex, session: ConsoleSession) {
  flex.ViewCollection.Content.add(
    <flex.View name={VIEW_NAME} key="recording-controls-view">
      <RecordingConsoleView session={session} />
    </flex.View>,
  );
  const Link = ({ activeView }: { activeView?: string }) => (
    <flex.SideLink
      showLabel
      icon={<CallIcon decorative />}
      iconActive={<CallActiveIcon decorative />}
      isActive={activeView === VIEW_NAME}
      onClick={() => void flex.Actions.invokeAction('NavigateToView', { viewName: VIEW_NAME })}
    >
      {t('RCViewTitle')}
    </flex.SideLink>
  );
  flex.SideNav.Content.add(<Link key="recording-controls-side-link" />);
}
