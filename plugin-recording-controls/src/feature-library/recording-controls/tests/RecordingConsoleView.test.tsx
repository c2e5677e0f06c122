import React from 'react';
import { render, screen } from '@testing-library/react';
import { Theme } from '@twilio-paste/core/theme';
import RecordingConsoleView from '../custom-components/RecordingConsoleView/RecordingConsoleView';
import { createConsoleSession } from '../helpers/consoleSession';
import { FunctionError, UnreachableError, type RecordingService } from '../helpers/RecordingService';

const sessionSigningIn = (login: () => Promise<{ token: string; expiresAt: string }>) =>
  createConsoleSession({ consoleLogin: login } as unknown as RecordingService, 60_000);

const show = (session: ReturnType<typeof createConsoleSession>) =>
  render(
    <Theme.Provider theme="flex">
      <RecordingConsoleView session={session} />
    </Theme.Provider>,
  );

test("a Flex user who is no supervisor: the console's refusal with its code, no list", async () => {
  show(
    sessionSigningIn(async () => {
      throw new FunctionError(403, 'FORBIDDEN_ROLE', 'The console is for supervisors and admins');
    }),
  );
  expect(await screen.findByRole('alert')).toHaveTextContent(
    'The recording console refused your Flex sign-in: FORBIDDEN_ROLE: The console is for supervisors and admins',
  );
  expect(screen.queryByRole('table')).toBeNull();
});

test('Functions that cannot be reached: "Recording state unknown", no list', async () => {
  show(
    sessionSigningIn(async () => {
      throw new UnreachableError('/console/login: Failed to fetch');
    }),
  );
  expect(await screen.findByRole('alert')).toHaveTextContent('Recording state unknown');
  expect(screen.queryByRole('table')).toBeNull();
});
