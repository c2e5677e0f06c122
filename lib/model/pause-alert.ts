import type { RecordingDocument } from './recording-state';

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

/** The latest pause of each paused recording: from its `at`, else the history (`at` is shed first when the document grows). */
function pausedAt(doc: RecordingDocument, recordingSid: string): number | undefined {
  const at = doc.recordings[recordingSid]?.at?.paused;
  if (at) return Date.parse(at);
  const last = [...(doc.history ?? [])]
    .reverse()
    .find((h) => h.recordingSid === recordingSid && h.action.startsWith('paused'));
  return last ? Date.parse(last.at) : undefined;
}

/** When nothing is recorded and at least one recording is paused: since when (the latest pause), if known. */
export function pausedSince(doc: RecordingDocument): string | undefined {
  const recordings = Object.entries(doc.recordings ?? {});
  if (recordings.some(([, r]) => r.status === 'in-progress')) return undefined;
  const times = recordings
    .filter(([, r]) => r.status === 'paused')
    .map(([sid]) => pausedAt(doc, sid))
    .filter((t): t is number => t !== undefined && !Number.isNaN(t));
  return times.length > 0 ? new Date(Math.max(...times)).toISOString() : undefined;
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
