import { useEffect, useState } from 'react';
import type { RecordingService } from './RecordingService';
import { afterAnswer, afterFailure, targetOf, toggleOf, type ButtonState, type VoiceTaskLike } from './recordingState';

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
    return after;
  }

  return {
    stateOf,
    pause: (task: VoiceTaskLike) => control(task, 'pause'),
    resume: (task: VoiceTaskLike) => control(task, 'resume'),
    toggle: (task: VoiceTaskLike) => control(task, toggleOf(stateOf(task.sid))),
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

/** The clock, ticking every `ms`, for the reminder of a forgotten pause. */
export function useNow(ms: number, clock: () => number = Date.now): number {
  const [time, setTime] = useState(clock);
  useEffect(() => {
    const timer = setInterval(() => setTime(clock()), ms);
    return () => clearInterval(timer);
  }, [ms, clock]);
  return time;
}
