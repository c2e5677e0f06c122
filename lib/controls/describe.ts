import { pauseAge } from '../model/pause-alert';
import { applyAnswer, isActive, settleUnsettled, type RecordingDocument } from '../model/recording-state';
import { listOnTwilio, type Owner } from '../twilio/voice';
import { writeDocument, type Deps } from './deps';

/** The document claims a pause (the claim a PCI flow acts on), or does not know a control's outcome. */
const needsTwilio = (doc: RecordingDocument) =>
  Boolean(doc.unsettled) || Object.values(doc.recordings).some((r) => r.status === 'paused');

/**
 * What a flow branches on: is this call or conference being recorded, or paused, right now. From Sync
 * alone while Sync says recording or nothing; a pause, or an outcome Sync does not know, is checked
 * against Twilio's list of the recordings (every recording, including any started elsewhere), which is
 * written back to Sync: a pause is never claimed that Twilio does not hold now.
 */
export async function describeRecordings(deps: Deps, owner: Owner, alertSeconds: number) {
  const snapshot = await deps.store.read(owner.sid);
  let doc = snapshot.doc;
  const checked = snapshot.revision !== undefined && needsTwilio(doc);
  if (checked) {
    const { all, window } = await listOnTwilio(owner);
    const settle = (d: RecordingDocument) =>
      settleUnsettled(
        all.reduce((x, a) => {
          try {
            return applyAnswer(x, a).doc;
          } catch {
            return x; // beyond what the document tracks: it still counts in the answer below
          }
        }, d),
        window,
      );
    // Twilio's truth is the answer; Sync catching up with it is best effort, reported in the logs.
    await writeDocument(deps, owner.sid, settle, Promise.resolve(snapshot));
    doc = settle(doc);
    const recordings = { ...doc.recordings };
    for (const a of all) recordings[a.recordingSid] = { ...recordings[a.recordingSid], status: a.status };
    doc = { ...doc, recordings };
  }
  const entries = Object.entries(doc.recordings);
  const active = entries.filter(([, r]) => isActive(r));
  const recording = active.some(([, r]) => r.status === 'in-progress');
  const paused = !recording && active.length > 0;
  return {
    [owner.key]: owner.sid,
    status: recording ? 'recording' : paused ? 'paused' : 'not-recording',
    recording,
    paused,
    /** Whether Sync has heard of this call or conference at all. */
    known: snapshot.revision !== undefined,
    /** Whether Twilio was asked: Sync claimed a pause, or did not know a control's outcome. */
    checkedWithTwilio: checked,
    ...(doc.unsettled ? { unsettled: doc.unsettled } : {}),
    /** While paused: since when, for how long, and whether past PAUSE_ALERT_SECONDS. */
    ...(paused ? pauseAge(doc, Date.now(), alertSeconds) : {}),
    activeRecordingSids: active.map(([recordingSid]) => recordingSid),
    recordings: entries.map(([recordingSid, { ev: _ev, ...r }]) => ({ recordingSid, ...r })),
    history: doc.history,
  };
}
