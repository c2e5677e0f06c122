// A page that renders the plugin's components as Flex would (Paste's Flex theme), outside Flex, with
// the real service layer: the root browser test (test/browser/flex-plugin.test.ts) serves it beside the
// Functions and drives it in Chromium. Flex itself needs Twilio, which tests cannot reach.
import React from 'react';
import ReactDOM from 'react-dom';
import { Theme } from '@twilio-paste/core/theme';
import { Box } from '@twilio-paste/core/box';
import { Heading } from '@twilio-paste/core/heading';
import { Text } from '@twilio-paste/core/text';
import RecordingButton from '../src/feature-library/recording-controls/custom-components/RecordingButton/RecordingButton';
import RecordingConsoleView from '../src/feature-library/recording-controls/custom-components/RecordingConsoleView/RecordingConsoleView';
import TeamsRecordingState from '../src/feature-library/recording-controls/custom-components/TeamsRecordingState/TeamsRecordingState';
import { createConsoleSession } from '../src/feature-library/recording-controls/helpers/consoleSession';
import { createRecordingController } from '../src/feature-library/recording-controls/helpers/recordingController';
import { createRecordingService } from '../src/feature-library/recording-controls/helpers/RecordingService';

/** What the test hands the page: where the Functions are, whose Flex token, which tasks and workers. */
interface PageConfig {
  view: 'agent' | 'supervisor';
  token: string;
  alertSeconds: number;
  /** How often each button reads its call's recording state (/agent/status). */
  statusEveryMs: number;
  tasks: Array<{ sid: string; label: string; callSid: string; functionsUrl: string; alertSeconds?: number }>;
  workers: string[];
}

const config = (window as unknown as { PAGE_CONFIG: PageConfig }).PAGE_CONFIG;

function AgentPage() {
  return (
    <Box display="flex" flexWrap="wrap" columnGap="space60" rowGap="space60" padding="space60" as="main">
      <Heading as="h1" variant="heading20">
        Call canvas: the agent&apos;s recording button
      </Heading>
      <Box display="flex" flexWrap="wrap" columnGap="space60" rowGap="space60" width="100%">
        {config.tasks.map((task) => {
          const service = createRecordingService({ baseUrl: task.functionsUrl, flexToken: () => config.token });
          const controller = createRecordingController({ service, record: 'call' });
          return (
            <Box
              key={task.sid}
              as="section"
              aria-label={task.label}
              borderStyle="solid"
              borderWidth="borderWidth10"
              borderColor="colorBorderWeak"
              borderRadius="borderRadius30"
              width="size30"
              padding="space30"
              data-task={task.sid}
            >
              <Text as="h2" fontWeight="fontWeightBold" textAlign="center">
                {task.label}
              </Text>
              <RecordingButton
                task={{ sid: task.sid, attributes: { call_sid: task.callSid } }}
                controller={controller}
                alertSeconds={task.alertSeconds ?? config.alertSeconds}
                statusEveryMs={config.statusEveryMs}
              />
            </Box>
          );
        })}
      </Box>
    </Box>
  );
}

function SupervisorPage() {
  const service = createRecordingService({ baseUrl: config.tasks[0].functionsUrl, flexToken: () => config.token });
  const session = createConsoleSession(service, 500);
  return (
    <Box as="main">
      <RecordingConsoleView session={session} />
      <Box padding="space60">
        <Heading as="h2" variant="heading30">
          Teams view: the Recording column
        </Heading>
        <Box as="ul" data-testid="teams">
          {config.workers.map((name) => (
            <Box as="li" key={name} display="flex" columnGap="space40" data-worker={name}>
              <Text as="span">{name}</Text>
              <TeamsRecordingState workerName={name} session={session} />
            </Box>
          ))}
        </Box>
      </Box>
    </Box>
  );
}

ReactDOM.render(
  <Theme.Provider theme="flex">{config.view === 'agent' ? <AgentPage /> : <SupervisorPage />}</Theme.Provider>,
  document.getElementById('root'),
);
