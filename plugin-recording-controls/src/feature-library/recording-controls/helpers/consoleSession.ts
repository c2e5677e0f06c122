import { useEffect, useState } from 'react';
import { FunctionError, type ConsoleCalls, type RecordingService, type Target } from './RecordingService';

/** What a supervisor's view knows: signing in, the calls, or why it cannot show them. */
export type ConsoleState =
  | { kind: 'signing-in' }
  | { kind: 'refused'; code: string; message: string }
  | { kind: 'unknown'; message: string }
  | { kind: 'ready'; data: ConsoleCalls; stale?: { code: string; message: string } };

const failure = (err: unknown) =>
  err instanceof FunctionError
    ? { code: err.code, message: err.message }
    : { code: 'UNREACHABLE', message: String((err as Error).message) };

/**
 * One console sign-in per Flex session (the supervisor's Flex token exchanged at /console/login), and
 * one poll of /console/calls shared by the Recordings view and the Teams view's column.
 */
export function createConsoleSession(service: RecordingService, pollMs = 2000) {
  let state: ConsoleState = { kind: 'signing-in' };
  let consoleToken: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let users = 0;
  let polling = false;
  const listeners = new Set<() => void>();
  const set = (next: ConsoleState) => {
    state = next;
    listeners.forEach((listener) => listener());
  };

  async function signIn(): Promise<string> {
    if (!consoleToken) consoleToken = (await service.consoleLogin()).token;
    return consoleToken;
  }

  async function refresh(): Promise<void> {
    try {
      const data = await service.consoleCalls(await signIn());
      set({ kind: 'ready', data });
    } catch (err) {
      // An expired or revoked console token signs in again at the next refresh.
      if (err instanceof FunctionError && err.status === 401) consoleToken = undefined;
      const why = failure(err);
      if (state.kind === 'ready') set({ ...state, stale: why });
      else if (err instanceof FunctionError) set({ kind: 'refused', ...why });
      else set({ kind: 'unknown', message: why.message });
    }
  }

  async function loop() {
    polling = true;
    await refresh();
    if (users > 0) timer = setTimeout(loop, pollMs);
    else polling = false;
  }

  return {
    current: () => state,
    refresh,
    /** A supervisor's pause or resume; the Function's refusal (REASON_REQUIRED, PAUSE_HELD…) is thrown as it came. */
    async control(target: Target, action: 'pause' | 'resume', reason?: string) {
      const answer = await service.consoleControl(await signIn(), target, action, reason);
      await refresh();
      return answer;
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      if (users++ === 0 && !polling) void loop();
      return () => {
        listeners.delete(listener);
        if (--users === 0 && timer) {
          clearTimeout(timer);
          polling = false;
        }
      };
    },
  };
}

export type ConsoleSession = ReturnType<typeof createConsoleSession>;

export function useConsoleState(session: ConsoleSession): ConsoleState {
  const [state, setState] = useState(session.current);
  useEffect(() => session.subscribe(() => setState(session.current())), [session]);
  return state;
}
