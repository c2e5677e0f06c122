import { FunctionError, type AgentStatus, type RecordingAnswer, type Target } from './RecordingService';

/**
 * What an agent's button knows of a task's recording: what the last answer said, a control's or a read's
 * (/agent/status, read when the button appears and every few seconds): nothing before the first one, a
 * lock while a pause the agent may not lift holds the call, and "unknown" when a control went unanswered.
 */
export type ButtonState =
  | { kind: 'idle' }
  | { kind: 'busy'; asked: 'pause' | 'resume'; before: ButtonState }
  | { kind: 'recording' }
  | { kind: 'not-recording' }
  | { kind: 'paused-by-me'; since: number }
  | { kind: 'locked'; holder: 'flow' | 'someone-else'; code: string; message: string; pausedBy?: string }
  | { kind: 'error'; asked: 'pause' | 'resume'; status: number; code: string; message: string; before: ButtonState }
  | { kind: 'unknown'; asked: 'pause' | 'resume' };

/** The task attributes Flex sets on a voice task (a conference), as far as the plugin reads them. */
export interface VoiceTaskLike {
  sid: string;
  attributes?: { call_sid?: string; conference?: { sid?: string } };
  conference?: { conferenceSid?: string };
}

/**
 * The call or conference a task's button controls: the customer's call (`call_sid`, what a flow using
 * the toolkit records) by default, the task's conference when Flex's own recording is what is paused.
 */
export function targetOf(task: VoiceTaskLike, record: 'call' | 'conference'): Target | undefined {
  const conferenceSid = task.attributes?.conference?.sid ?? task.conference?.conferenceSid;
  const callSid = task.attributes?.call_sid;
  if (record === 'conference') return conferenceSid ? { ConferenceSid: conferenceSid } : undefined;
  return callSid ? { CallSid: callSid } : undefined;
}

/** A state that says the recording is paused now (the agent's own pause, or one they may not lift). */
export const isPaused = (state: ButtonState): boolean =>
  state.kind === 'paused-by-me' ||
  state.kind === 'locked' ||
  ((state.kind === 'busy' || state.kind === 'error') && isPaused(state.before));

/** What a toggle asks for from this state. */
export const toggleOf = (state: ButtonState): 'pause' | 'resume' => (isPaused(state) ? 'resume' : 'pause');

/** The state an answer leaves: the status Twilio answered, whoever asked. */
export function afterAnswer(answer: RecordingAnswer, now: number, before: ButtonState): ButtonState {
  if (answer.status === 'paused') return before.kind === 'paused-by-me' ? before : { kind: 'paused-by-me', since: now };
  if (answer.status === 'in-progress') return { kind: 'recording' };
  return { kind: 'idle' };
}

/**
 * The state a read of /agent/status leaves: locked while any pause the agent may not lift holds the call
 * (named by its holder), paused by them while only their own pause does (since its first pause, unless
 * the button already knew), else recording or not.
 */
export function afterStatus(status: AgentStatus, now: number, before: ButtonState): ButtonState {
  if (status.state === 'paused') {
    const blocking = status.pauses.find((p) => !p.mayResume || p.holder !== 'you');
    if (blocking)
      return {
        kind: 'locked',
        holder: blocking.holder === 'flow' ? 'flow' : 'someone-else',
        code: blocking.reasonRequired ? 'REASON_REQUIRED' : 'PAUSE_HELD',
        message: blocking.pausedBy,
        pausedBy: blocking.pausedBy,
      };
    if (before.kind === 'paused-by-me') return before;
    const since = Date.parse(status.pauses[0]?.since ?? '');
    return { kind: 'paused-by-me', since: Number.isNaN(since) ? now : since };
  }
  return status.state === 'recording' ? { kind: 'recording' } : { kind: 'not-recording' };
}

/** The state a failure leaves: a lock for PAUSE_HELD, the code and message for any other refusal, else unknown. */
export function afterFailure(err: unknown, asked: 'pause' | 'resume', before: ButtonState): ButtonState {
  if (err instanceof FunctionError) {
    if (err.code === 'PAUSE_HELD')
      return {
        kind: 'locked',
        // The Function's message says whose pause it is; it is shown as it is, beside this summary.
        holder: /flow/i.test(err.message) ? 'flow' : 'someone-else',
        code: err.code,
        message: err.message,
      };
    return { kind: 'error', asked, status: err.status, code: err.code, message: err.message, before };
  }
  return { kind: 'unknown', asked };
}

/** Whether the agent's own pause has lasted `alertSeconds` or more. */
export const isForgotten = (state: ButtonState, now: number, alertSeconds: number): boolean =>
  state.kind === 'paused-by-me' && now - state.since >= alertSeconds * 1000;
