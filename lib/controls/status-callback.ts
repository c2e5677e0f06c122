import { fromTwilioError, missingParameter, statusOf } from '../errors';
import {
  ACTIVE,
  applyAnswer,
  applyCallback,
  isTombstoned,
  mayBeForgotten,
  type RecordingDetails,
  type RecordingDocument,
} from '../model/recording-state';
import type { RecordingStatus } from '../model/statuses';
import type { RecordingStore } from '../sync/state-store';
import { appendEvidence, type EvidenceLog } from '../sync/evidence-log';
import { answerOf, timed, type Owner } from '../twilio/voice';

export interface StatusCallback {
  recordingSid: string;
  status: RecordingStatus;
  details: RecordingDetails;
}

/**
 * Whether a callback says a recording is live that the state does not know: the call's Map expired (a
 * late or replayed callback), the start that made it has not written it yet, or a conference's recording
 * is first heard of. Its word alone does not bring a recording to life: what Twilio answers for the
 * recording now is written instead.
 */
const liveAndUnknown = (doc: RecordingDocument, sid: string, status: RecordingStatus) =>
  ACTIVE.includes(status) && !doc.recordings[sid] && !isTombstoned(doc, sid);

/**
 * Keeps the Sync document true to what Twilio reports, whatever order the callbacks come in. A callback
 * for a recording the document may have dropped and forgotten, or a live one for a recording it does not
 * know, is checked against Twilio first, so that a late one never brings an ended recording back.
 *
 * Twilio does not send a refused callback again, so a refusal loses its fact: once the fact is in the
 * evidence log, the callback is answered as received even when the state could not be written before
 * the deadline (Sync throttling, 54009, retried until then); the next control or callback of the
 * recording writes the state again. Only when neither could be written is it refused, and when the
 * state refuses the fact itself (TOO_MANY_RECORDINGS: said, not hidden).
 */
export async function recordStatusCallback(
  store: RecordingStore,
  owner: Owner | undefined,
  callback: StatusCallback,
  evidence?: EvidenceLog,
): Promise<void> {
  if (!owner) throw missingParameter('CallSid or ConferenceSid');
  const at = Date.now();
  const report = { recordingSid: callback.recordingSid, status: callback.status, at, details: callback.details };
  const forgotten = new Error('forgotten');
  const record = async () => {
    try {
      await store.update(owner.sid, (doc) => {
        if (liveAndUnknown(doc, callback.recordingSid, callback.status) || mayBeForgotten(doc, callback.recordingSid))
          throw forgotten;
        return applyCallback(doc, report);
      });
    } catch (err) {
      if (err !== forgotten) throw err;
      const fetched = await timed(() => owner.fetch(callback.recordingSid)).catch((error: unknown) => {
        // Twilio no longer has it (deleted): it ended, so only a callback that says so is news.
        if (statusOf(error) === 404) return undefined;
        throw fromTwilioError(error, `recording ${callback.recordingSid} of ${owner.label}`);
      });
      if (fetched) {
        await store.update(owner.sid, (doc) => applyAnswer(doc, answerOf(fetched.value, fetched.window)).doc);
      } else if (!ACTIVE.includes(callback.status)) {
        await store.update(owner.sid, (doc) => applyCallback(doc, report));
      }
    }
  };
  const [recorded, logged] = await Promise.all([
    record().then(
      () => undefined,
      (err: unknown) => ({ err }),
    ),
    appendEvidence(evidence, owner.sid, [
      {
        at: new Date(at).toISOString(),
        recordingSid: callback.recordingSid,
        status: callback.status,
        by: 'twilio',
        source: 'callback',
        ...(callback.details.startTime ? { startTime: callback.details.startTime } : {}),
      },
    ]),
  ]);
  if (!recorded) return;
  const unavailable = fromTwilioError(recorded.err, `the Sync document of ${owner.sid}`).status >= 500;
  if (!unavailable || !evidence || logged.evidenceLogged === false) throw recorded.err;
  console.warn(
    `recording-controls: the ${callback.status} callback of ${callback.recordingSid} is kept in the evidence log of ${owner.sid}, but its state missed it: ${(recorded.err as Error)?.message ?? recorded.err}`,
  );
}
