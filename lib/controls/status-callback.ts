import { missingParameter } from '../errors';
import { applyAnswer, applyCallback, mayBeForgotten, type RecordingDetails } from '../model/recording-document';
import type { RecordingStatus } from '../model/statuses';
import type { RecordingStore } from '../sync/document-store';
import { appendEvidence, type EvidenceLog } from '../sync/evidence-log';
import { answerOf, timed, type Owner } from '../twilio/voice';

export interface StatusCallback {
  recordingSid: string;
  status: RecordingStatus;
  details: RecordingDetails;
}

/**
 * Keeps the Sync document true to what Twilio reports, whatever order the callbacks come in. A callback
 * for a recording the document may have dropped and forgotten is checked against Twilio first, so that
 * a late one never brings an ended recording back.
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
        if (mayBeForgotten(doc, callback.recordingSid)) throw forgotten;
        return applyCallback(doc, report);
      });
    } catch (err) {
      if (err !== forgotten) throw err;
      const { value, window } = await timed(() => owner.fetch(callback.recordingSid));
      await store.update(owner.sid, (doc) => applyAnswer(doc, answerOf(value, window)).doc);
    }
  };
  await Promise.all([
    record(),
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
}
