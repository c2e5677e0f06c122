import { useEffect, useState } from 'react';
import type { RecordingService } from './RecordingService';
import {
  afterAnswer,
  afterFailure,
  afterStatus,
  targetOf,
  toggleOf,
  type ButtonState,
  type VoiceTaskLike,
} from './recordingState';

/**
 * The buttons' state per task, and the three controls every entry point (button, Flex Action,
 * keyboard shortcut) goes through, so each shows the same answer.
 */
export function createRecordingController(options: {
  service: RecordingService;
  record: 'call' | 'conference';
  pauseBehavior?: 'skip' | 'silence';
  now?: () => number;
  /** Called once when the agent's own pause of a task has lasted `alertSeconds` (a Flex notification, in Flex). */
  onForgotten?: (taskSid: string) => void;
  alertSeconds?: number;
}) {
  const now = options.now ?? Date.now;
  const states = new Map<string, ButtonState>();
  const reminders = new Map<string, ReturnType<typeof setTimeout>>();
  const listeners = new Set<() => void>();
  const stateOf = (taskSid: string): ButtonState => states.get(taskSid) ?? { kind: 'idle' };
  /** The agent's own pause the state still knows of: a control under way or refused leaves it as it was. */
  const ownPause = (state: ButtonState): { since: number } | undefined =>
    state.kind === 'paused-by-me'
      ? state
      : state.kind === 'busy' || state.kind === 'error'
        ? ownPause(state.before)
        : undefined;
  const remind = (taskSid: string, state: ButtonState) => {
    const { onForgotten, alertSeconds } = options;
    const pause = ownPause(state);
    if (!pause) {
      clearTimeout(reminders.get(taskSid));
      reminders.delete(taskSid);
      return;
    }
    if (!onForgotten || alertSeconds === undefined || reminders.has(taskSid)) return;
    const timer = setTimeout(
      () => {
        reminders.delete(taskSid);
        if (ownPause(stateOf(taskSid)) === pause) onForgotten(taskSid);
      },
      Math.max(0, pause.since + alertSeconds * 1000 - now()),
    );
    reminders.set(taskSid, timer);
  };
  /** Controls sent per task: a read answered after a control was sent says less than the control's answer. */
  const sent = new Map<string, number>();
  const set = (taskSid: string, state: ButtonState) => {
    states.set(taskSid, state);
    remind(taskSid, state);
    listeners.forEach((listener) => listener());
  };

  async function control(task: VoiceTaskLike, asked: 'pause' | 'resume'): Promise<ButtonState> {
    const before = stateOf(task.sid);
    const target = targetOf(task, options.record);
    if (!target) {
      const state: ButtonState = {
        kind: 'error',
        asked,
        status: 0,
        code: 'NO_TARGET',
        message: 'This task names no call or conference',
        before,
      };
      set(task.sid, state);
      return state;
    }
    sent.set(task.sid, (sent.get(task.sid) ?? 0) + 1);
    set(task.sid, { kind: 'busy', asked, before });
    let after: ButtonState;
    try {
      const answer = await options.service.agentSetStatus(
        target,
        asked,
        asked === 'pause' && options.pauseBehavior ? { PauseBehavior: options.pauseBehavior } : {},
      );
      after = afterAnswer(answer, now(), before);
    } catch (err) {
      after = afterFailure(err, asked, before);
    }
    set(task.sid, after);
    // A refusal's message names the holder in words; the read names them exactly.
    if (after.kind === 'locked') void refresh(task);
    return after;
  }

  /** Reads the task's recording state (/agent/status); a read that fails leaves the button as it was. */
  async function refresh(task: VoiceTaskLike): Promise<void> {
    const target = targetOf(task, options.record);
    if (!target) return;
    const controls = sent.get(task.sid) ?? 0;
    try {
      const status = await options.service.agentStatus(target);
      const before = stateOf(task.sid);
      if ((sent.get(task.sid) ?? 0) !== controls || before.kind === 'busy') return;
      set(task.sid, afterStatus(status, now(), before));
    } catch {
      // The next read, or the next control's answer, says more.
    }
  }

  return {
    stateOf,
    pause: (task: VoiceTaskLike) => control(task, 'pause'),
    resume: (task: VoiceTaskLike) => control(task, 'resume'),
    toggle: (task: VoiceTaskLike) => control(task, toggleOf(stateOf(task.sid))),
    refresh,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

export type RecordingController = ReturnType<typeof createRecordingController>;

/** A task's button state, redrawn on every change. */
export function useButtonState(controller: RecordingController, taskSid: string): ButtonState {
  const [state, setState] = useState(() => controller.stateOf(taskSid));
  useEffect(() => {
    setState(controller.stateOf(taskSid));
    return controller.subscribe(() => setState(controller.stateOf(taskSid)));
  }, [controller, taskSid]);
  return state;
}

/**
 * Reads the task's recording state when the button appears and every `everyMs` while the page is
 * visible, so a flow's pause shows as locked before the agent presses anything.
 */
export function useRecordingStatus(controller: RecordingController, task: VoiceTaskLike, everyMs?: number): void {
  useEffect(() => {
    if (!everyMs) return undefined;
    const read = () => {
      if (typeof document === 'undefined' || document.visibilityState !== 'hidden') void controller.refresh(task);
    };
    read();
    const timer = setInterval(read, everyMs);
    return () => clearInterval(timer);
    // The task's sid names what is read; a new task object for the same task changes nothing.
  }, [controller, task.sid, everyMs]);
}

/** The clock, ticking every `ms`, for the reminder of a forgotten pause. */
export function useNow(ms: number, clock: () => number = Date.now): number {
  const [time, setTime] = useState(clock);
  useEffect(() => {
    const timer = setInterval(() => setTime(clock()), ms);
    return () => clearInterval(timer);
  }, [ms, clock]);
  return time;
}
