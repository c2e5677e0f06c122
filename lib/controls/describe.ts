import { isActive } from '../model/recording-document';
import type { RecordingStore } from '../sync/document-store';

/** What a flow branches on: is this call or conference being recorded, or paused, right now. */
export async function describeRecordings(store: RecordingStore, key: 'callSid' | 'conferenceSid', sid: string) {
  const { doc, revision } = await store.read(sid);
  const entries = Object.entries(doc.recordings);
  const active = entries.filter(([, r]) => isActive(r));
  const recording = active.some(([, r]) => r.status === 'in-progress');
  const paused = !recording && active.length > 0;
  return {
    [key]: sid,
    status: recording ? 'recording' : paused ? 'paused' : 'not-recording',
    recording,
    paused,
    /** Whether Sync has heard of this call or conference at all. */
    known: revision !== undefined,
    activeRecordingSids: active.map(([recordingSid]) => recordingSid),
    recordings: entries.map(([recordingSid, { ev: _ev, ...r }]) => ({ recordingSid, ...r })),
    history: doc.history,
  };
}
