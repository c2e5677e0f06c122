import React from 'react';
import { Text } from '@twilio-paste/core/text';
import { t } from '../../flex-hooks/strings';
import { useConsoleState, type ConsoleSession } from '../../helpers/consoleSession';
import { agentName, stateLabel } from '../RecordingConsoleView/RecordingConsoleView';

/**
 * An agent's recording state in the Teams view: that of the live call or conference the console names
 * them on (the console names agents by their Flex identity, and gives their worker's name beside it).
 */
export default function TeamsRecordingState({ workerName, session }: { workerName: string; session: ConsoleSession }) {
  const state = useConsoleState(session);
  if (state.kind !== 'ready') return <Text as="span">{state.kind === 'signing-in' ? '…' : t('RCStateUnknown')}</Text>;
  const calls = state.data.calls.filter(
    (call) => call.live && call.agents.some((a) => agentName(call, a) === workerName),
  );
  if (calls.length === 0)
    return (
      <Text as="span" color="colorTextWeak">
        {t('RCTeamsNone')}
      </Text>
    );
  return (
    <>
      {calls.map((call) => (
        <Text
          as="span"
          display="block"
          key={call.sid}
          fontWeight="fontWeightSemibold"
          color={call.pauseAlert ? 'colorTextError' : call.state === 'paused' ? 'colorTextWarningStrong' : 'colorText'}
        >
          {stateLabel(call)}
        </Text>
      ))}
    </>
  );
}
