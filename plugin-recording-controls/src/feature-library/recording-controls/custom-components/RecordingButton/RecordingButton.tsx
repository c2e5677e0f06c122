import React from 'react';
import { Box } from '@twilio-paste/core/box';
import { Button } from '@twilio-paste/core/button';
import { Text } from '@twilio-paste/core/text';
import { duration, t } from '../../flex-hooks/strings';
import {
  useButtonState,
  useNow,
  useRecordingStatus,
  type RecordingController,
} from '../../helpers/recordingController';
import { isForgotten, isPaused, type ButtonState, type VoiceTaskLike } from '../../helpers/recordingState';

export interface RecordingButtonProps {
  task: VoiceTaskLike;
  controller: RecordingController;
  alertSeconds: number;
  /** How often the recording's state is read while the button shows (none: only the controls' answers). */
  statusEveryMs?: number;
  /** What a click does: in Flex, the ToggleCallRecording Action (so other plugins hear of it); else the controller's toggle. */
  onToggle?: (task: VoiceTaskLike) => Promise<unknown>;
  clock?: () => number;
}

const asked = (state: { asked: 'pause' | 'resume' }) => t(state.asked === 'pause' ? 'RCAskedPause' : 'RCAskedResume');

/** A holder as the evidence names them, shortened where it runs long: a flow by its SID, without the execution. */
const holderName = (pausedBy: string) => pausedBy.replace(/^studio:(FW\w+)(\/.*)?$/, 'flow $1');

/** The line under the button: what the last answer (a control's or a read's) said, never more. */
function stateLine(state: ButtonState): { text: string; detail?: string; tone: 'neutral' | 'warning' | 'error' } {
  switch (state.kind) {
    case 'idle':
      return { text: t('RCStateIdle'), tone: 'neutral' };
    case 'busy':
      return { text: t('RCWorking'), tone: 'neutral' };
    case 'recording':
      return { text: t('RCStateRecording'), tone: 'neutral' };
    case 'not-recording':
      return { text: t('RCStateNotRecordingNow'), tone: 'neutral' };
    case 'paused-by-me':
      return { text: t('RCStatePausedByYou'), tone: 'warning' };
    case 'locked':
      return {
        text: t(state.holder === 'flow' ? 'RCStateLockedFlow' : 'RCStateLockedOther'),
        detail: state.pausedBy
          ? t('RCPausedByName', { name: holderName(state.pausedBy) })
          : `${state.code}: ${state.message}`,
        tone: 'warning',
      };
    case 'error':
      return {
        text: t('RCStateError', { asked: asked(state), code: state.code }),
        detail: state.message,
        tone: 'error',
      };
    case 'unknown':
      return { text: t('RCStateUnknown'), detail: t('RCStateUnknownDetail'), tone: 'error' };
  }
}

const COLORS = { neutral: 'colorText', warning: 'colorTextWarningStrong', error: 'colorTextError' } as const;

/**
 * The agent's Pause/Resume button on the call canvas, with the recording's state as the last answer
 * gave it: recording or not, paused by the agent, held by a flow or someone else (locked, read before
 * anything is pressed), an error with its code, or unknown.
 */
export default function RecordingButton({
  task,
  controller,
  alertSeconds,
  statusEveryMs,
  onToggle,
  clock,
}: RecordingButtonProps) {
  const state = useButtonState(controller, task.sid);
  useRecordingStatus(controller, task, statusEveryMs);
  const now = useNow(1000, clock);
  const line = stateLine(state);
  const paused = isPaused(state);
  const forgotten = isForgotten(state, now, alertSeconds);
  const label =
    state.kind === 'busy'
      ? t('RCWorking')
      : state.kind === 'locked'
        ? t('RCTryResume')
        : t(paused ? 'RCResumeRecording' : 'RCPauseRecording');
  return (
    <Box
      display="flex"
      flexDirection="column"
      alignItems="center"
      rowGap="space20"
      padding="space30"
      data-testid="recording-controls"
      data-state={state.kind}
    >
      <Button
        variant={paused ? 'primary' : 'secondary'}
        size="small"
        loading={state.kind === 'busy'}
        onClick={() => {
          // A refusal is shown from the controller's state; the rejected promise has nothing to add.
          (onToggle ?? controller.toggle)(task).catch(() => undefined);
        }}
      >
        {label}
      </Button>
      <Box role="status" aria-live="polite" textAlign="center" maxWidth="size40">
        <Text as="p" fontWeight="fontWeightSemibold" color={COLORS[line.tone]}>
          {line.text}
        </Text>
        {line.detail && (
          <Text as="p" fontSize="fontSize20" color="colorTextWeak" wordBreak="break-word">
            {line.detail}
          </Text>
        )}
        {forgotten && state.kind === 'paused-by-me' && (
          <Text as="p" fontWeight="fontWeightSemibold" color="colorTextError" data-testid="recording-reminder">
            {t('RCForgotten', { duration: duration((now - state.since) / 1000) })}
          </Text>
        )}
      </Box>
    </Box>
  );
}
