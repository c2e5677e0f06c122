import { appendEvidence, readBackOf } from '../sync/evidence-log';
import { pauseAge } from '../model/pause-alert';
import {
  applyAnswer,
  isActive,
  isTombstoned,
  settleUnsettled,
  type RecordingDocument,
  type TwilioAnswer,
  type Window,
} from '../model/recording-state';
import { legsOnTwilio, listOnTwilio, type Owner } from '../twilio/voice';
import { writeDocument, type Deps } from './deps';

/**
 * Whether Sync's state already says what Twilio's list says of one recording. A recording Sync dropped
 * (a tombstone) or forgot has ended there, as it has on Twilio when Twilio lists it ended.
 */
function agrees(doc: RecordingDocument, a: TwilioAnswer): boolean {
  const tracked = doc.recordings[a.recordingSid];
  if (tracked) return tracked.status === a.status;
  return !isActive(a) && (isTombstoned(doc, a.recordingSid) || Boolean(doc.forgot));
}

/**
 * What a flow branches on: is this call or conference being recorded, or paused, right now. Twilio's list
 * of the recordings (every one, those made elsewhere too, and for a conference its participants' call
 * recordings) is read beside Sync's state, at once: the statuses are Twilio's, Sync adds when each pause began and who acted. Where Twilio shows what Sync (and
 * so the evidence) lacks, a pause whose instance died or a recording made through the API, it is written
 * to Sync and logged as a read-back; where they agree, nothing is written.
 */
export async function describeRecordings(deps: Deps, owner: Owner, alertSeconds: number) {
  const none = (err: { code?: string }) => {
    // A call or conference Twilio does not know has no recording there.
    if (err.code !== 'NOT_FOUND') throw err;
    const now = Date.now();
    return { all: [] as TwilioAnswer[], window: [now, now] as Window };
  };
  const [snapshot, { all, window }, legs] = await Promise.all([
    deps.store.read(owner.sid),
    listOnTwilio(owner).catch(none),
    owner.legs ? legsOnTwilio(owner).catch(none) : { all: [] },
  ]);
  const lacking = all.filter((a) => !agrees(snapshot.doc, a));
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
  let doc = settle(snapshot.doc);
  if (lacking.length > 0 || doc.unsettled !== snapshot.doc.unsettled) {
    // Twilio's truth is the answer; Sync and the evidence catching up with it are best effort, reported in the logs.
    await Promise.all([
      writeDocument(deps, owner.sid, settle, Promise.resolve(snapshot)),
      appendEvidence(deps.evidence, owner.sid, lacking.map(readBackOf)),
    ]);
  }
  const recordings = { ...doc.recordings };
  for (const a of all) recordings[a.recordingSid] = { ...recordings[a.recordingSid], status: a.status };
  // A participant's call recording records the conference's audio: it counts, though its call keeps it.
  for (const a of legs.all) recordings[a.recordingSid] = { status: a.status };
  doc = { ...doc, recordings };
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
    /** Twilio's list is read every time: the statuses are Twilio's. */
    checkedWithTwilio: true,
    ...(doc.unsettled ? { unsettled: doc.unsettled } : {}),
    /** While paused: since when, for how long, and whether past PAUSE_ALERT_SECONDS. */
    ...(paused ? pauseAge(doc, Date.now(), alertSeconds) : {}),
    activeRecordingSids: active.map(([recordingSid]) => recordingSid),
    recordings: entries.map(([recordingSid, { ev: _ev, ...r }]) => ({ recordingSid, ...r })),
    history: doc.history,
  };
}
