import React from 'react';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { Theme } from '@twilio-paste/core/theme';
import RecordingButton from '../custom-components/RecordingButton/RecordingButton';
import { createRecordingController } from '../helpers/recordingController';
import { scriptedService, type Reply } from './scriptedService';

const task = {
  sid: 'WT1',
  attributes: { call_sid: 'CA' + '1'.repeat(32), conference: { sid: 'CF' + '2'.repeat(32) } },
};

function setUp(replies: Reply[], options: { alertSeconds?: number; clock?: () => number } = {}) {
  const { service, calls } = scriptedService(replies);
  const controller = createRecordingController({ service, record: 'call', now: options.clock });
  // Flex renders plugins inside Paste's theme; so do the tests.
  render(
    <Theme.Provider theme="flex">
      <RecordingButton
        task={task}
        controller={controller}
        alertSeconds={options.alertSeconds ?? 180}
        clock={options.clock}
      />
    </Theme.Provider>,
  );
  return { controller, calls };
}

const button = () => screen.getByRole('button');
const stateOf = () => screen.getByTestId('recording-controls').getAttribute('data-state');
const click = async (state: string) => {
  fireEvent.click(button());
  await waitFor(() => expect(stateOf()).toBe(state));
};

test('before any answer: Pause, and no claim about the recording', () => {
  setUp([]);
  expect(button()).toHaveTextContent('Pause recording');
  expect(screen.getByRole('status')).toHaveTextContent('Recording controls ready');
});

test("paused by me: the call's SID is sent, then Resume and who paused", async () => {
  const { calls } = setUp([{ status: 'paused' }, { status: 'in-progress' }]);
  await click('paused-by-me');
  expect(calls[0]).toEqual({ target: { CallSid: task.attributes.call_sid }, status: 'pause' });
  expect(button()).toHaveTextContent('Resume recording');
  expect(screen.getByRole('status')).toHaveTextContent('Paused by you');
  await click('recording');
  expect(calls[1].status).toBe('resume');
  expect(button()).toHaveTextContent('Pause recording');
  expect(screen.getByRole('status')).toHaveTextContent('Recording');
});

test("paused by a flow: locked, who holds it, the Function's code and message; no pretending", async () => {
  const message =
    'The recording was paused by a flow (for example while a card number is read): only the flow, or a supervisor giving a Reason, may resume or stop it';
  setUp([{ status: 'paused' }, { refuse: [403, 'PAUSE_HELD', message] }]);
  await click('paused-by-me');
  await click('locked');
  expect(screen.getByRole('status')).toHaveTextContent('Paused by the payment flow: only a supervisor can resume');
  expect(screen.getByRole('status')).toHaveTextContent(`PAUSE_HELD: ${message}`);
  expect(button()).toHaveTextContent('Try to resume');
  expect(button()).not.toHaveTextContent('Pause recording');
});

test('paused by someone else: locked, as theirs', async () => {
  setUp([{ status: 'paused' }, { refuse: [403, 'PAUSE_HELD', 'The recording was paused by someone else'] }]);
  await click('paused-by-me');
  await click('locked');
  expect(screen.getByRole('status')).toHaveTextContent('Paused by someone else: only they or a supervisor can resume');
});

test('forgotten: the reminder once my pause passes PAUSE_ALERT_SECONDS, not before', async () => {
  jest.useFakeTimers();
  let now = 1_000_000;
  setUp([{ status: 'paused' }], { alertSeconds: 120, clock: () => now });
  fireEvent.click(button());
  await act(async () => {
    await Promise.resolve();
  });
  await waitFor(() => expect(stateOf()).toBe('paused-by-me'));
  now += 119_000;
  act(() => {
    jest.advanceTimersByTime(1000);
  });
  expect(screen.queryByTestId('recording-reminder')).toBeNull();
  now += 1_000;
  act(() => {
    jest.advanceTimersByTime(1000);
  });
  expect(screen.getByTestId('recording-reminder')).toHaveTextContent('Recording paused for 2 min');
  jest.useRealTimers();
});

test('a refusal shows its code and message on the button, and the state before it stays', async () => {
  setUp([{ status: 'paused' }, { refuse: [409, 'NO_ACTIVE_RECORDING', 'The call has no active recording'] }]);
  await click('paused-by-me');
  await click('error');
  expect(screen.getByRole('status')).toHaveTextContent('Could not resume the recording: NO_ACTIVE_RECORDING');
  expect(screen.getByRole('status')).toHaveTextContent('The call has no active recording');
  expect(button()).toHaveTextContent('Resume recording');
});

test('a 5xx too', async () => {
  setUp([{ refuse: [502, 'TWILIO_UNAVAILABLE', 'Twilio did not answer'] }]);
  await click('error');
  expect(screen.getByRole('status')).toHaveTextContent('Could not pause the recording: TWILIO_UNAVAILABLE');
});

test('unreachable Functions: "Recording state unknown", never "Recording"', async () => {
  setUp([{ status: 'in-progress' }, 'unreachable']);
  await click('recording');
  await click('unknown');
  expect(screen.getByRole('status')).toHaveTextContent('Recording state unknown');
  expect(screen.getByRole('status')).not.toHaveTextContent(/^Recording$/);
});
