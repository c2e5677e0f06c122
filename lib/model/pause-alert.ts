import { pausedSince } from './call-summary';
import type { RecordingDocument } from './recording-state';

export { pausedSince };

/**
 * A pause nobody lifted (an agent who forgot, a flow that failed after its pause) looks like any other
 * pause while the call goes on unrecorded: past PAUSE_ALERT_SECONDS it is flagged, for people and flows.
 */

/** How old a call's or conference's pause is, and whether it is past the alert. */
export interface PauseAge {
  /** When the call stopped being recorded: the latest pause of its paused recordings (UTC, ISO 8601). */
  pausedSince: string;
  pausedForSeconds: number;
  pauseAlert: boolean;
}

/** How long ago `since` was, and whether past `alertSeconds` (0: never). */
export function ageOf(since: string, now: number, alertSeconds: number): PauseAge {
  const pausedForSeconds = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  return { pausedSince: since, pausedForSeconds, pauseAlert: alertSeconds > 0 && pausedForSeconds >= alertSeconds };
}

/** The age of the pause, when the call or conference is paused and the time of its pause is known. */
export function pauseAge(doc: RecordingDocument, now: number, alertSeconds: number): PauseAge | undefined {
  const since = pausedSince(doc);
  return since ? ageOf(since, now, alertSeconds) : undefined;
}
