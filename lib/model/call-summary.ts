/**
 * What a summary reads of a call's state (model/recording-state), by shape: this file imports nothing,
 * so the state's store (sync/state-store) can index a summary without a longer chain of imports.
 */
export interface StateDocument {
  recordings: Record<string, { status: string; pauseBehavior?: string; at?: Partial<Record<string, string>> }>;
  history?: Array<{ at: string; action: string; recordingSid: string; by: string }>;
}

const isActive = (r: { status: string }) => r.status === 'in-progress' || r.status === 'paused';

/**
 * One call or conference at a glance, as the console lists it: its state and recordings, the last change
 * with who asked, who acted. Small (a few hundred bytes), so the console index (sync/console-index) can
 * keep one per call and the console never reads the calls' states one by one.
 */
export interface CallSummary {
  state: 'recording' | 'paused' | 'not-recording';
  /** A recording is in progress or paused. */
  live: boolean;
  recordings: Array<{ recordingSid: string; status: string; pauseBehavior?: string }>;
  /** The last change the state keeps, with who asked for it. */
  lastChange?: { at: string; action: string; recordingSid: string; by: string };
  /** Who acted in the changes the state keeps (its last few), in order, each once. */
  actors: string[];
  /** While paused (nothing recorded): since when (model/pause-alert). */
  pausedSince?: string;
}

/** The latest pause of each paused recording: from its `at`, else the history (`at` is shed first when the document grows). */
function pausedAt(doc: StateDocument, recordingSid: string): number | undefined {
  const at = doc.recordings[recordingSid]?.at?.paused;
  if (at) return Date.parse(at);
  const last = [...(doc.history ?? [])]
    .reverse()
    .find((h) => h.recordingSid === recordingSid && h.action.startsWith('paused'));
  return last ? Date.parse(last.at) : undefined;
}

/** When nothing is recorded and at least one recording is paused: since when (the latest pause), if known. */
export function pausedSince(doc: StateDocument): string | undefined {
  const recordings = Object.entries(doc.recordings ?? {});
  if (recordings.some(([, r]) => r.status === 'in-progress')) return undefined;
  const times = recordings
    .filter(([, r]) => r.status === 'paused')
    .map(([sid]) => pausedAt(doc, sid))
    .filter((t): t is number => t !== undefined && !Number.isNaN(t));
  return times.length > 0 ? new Date(Math.max(...times)).toISOString() : undefined;
}

export function summarize(doc: StateDocument): CallSummary {
  const recordings = Object.entries(doc.recordings ?? {}).map(([recordingSid, r]) => ({
    recordingSid,
    status: r.status,
    ...(r.status === 'paused' && r.pauseBehavior ? { pauseBehavior: r.pauseBehavior } : {}),
  }));
  const active = Object.values(doc.recordings ?? {}).filter(isActive);
  const state = active.some((r) => r.status === 'in-progress')
    ? 'recording'
    : active.length > 0
      ? 'paused'
      : 'not-recording';
  const lastChange = doc.history?.at(-1);
  const since = state === 'paused' ? pausedSince(doc) : undefined;
  return {
    state,
    live: active.length > 0,
    recordings,
    ...(lastChange
      ? {
          lastChange: {
            at: lastChange.at,
            action: lastChange.action,
            recordingSid: lastChange.recordingSid,
            by: lastChange.by,
          },
        }
      : {}),
    actors: [...new Set((doc.history ?? []).map((h) => h.by))],
    ...(since ? { pausedSince: since } : {}),
  };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether `data` is a summary as summarize writes it: the console skips one that is not (written by hand, by another tool). */
export function isSummary(data: unknown): data is CallSummary {
  if (!isObject(data) || !['recording', 'paused', 'not-recording'].includes(data.state as string)) return false;
  if (typeof data.live !== 'boolean' || !Array.isArray(data.actors) || !Array.isArray(data.recordings)) return false;
  if (!data.recordings.every((r) => isObject(r) && typeof r.recordingSid === 'string' && typeof r.status === 'string'))
    return false;
  if (!data.actors.every((a) => typeof a === 'string')) return false;
  const last = data.lastChange;
  return (
    last === undefined ||
    (isObject(last) && ['at', 'action', 'recordingSid', 'by'].every((k) => typeof last[k] === 'string'))
  );
}
