import { missingParameter } from '../errors';
import { applyCallback, type RecordingDetails } from '../model/recording-document';
import type { RecordingStatus } from '../model/statuses';
import type { RecordingStore } from '../sync/document-store';
import { appendEvidence, type EvidenceLog } from '../sync/evidence-log';

export interface StatusCallback {
  callSid?: string;
  conferenceSid?: string;
  recordingSid: string;
  status: RecordingStatus;
  details: RecordingDetails;
}

/** Keeps the Sync document true to what Twilio reports, whatever order the callbacks come in. */
export async function recordStatusCallback(
  store: RecordingStore,
  callback: StatusCallback,
  evidence?: EvidenceLog,
): Promise<void> {
  const ownerSid = callback.conferenceSid ?? callback.callSid;
  if (!ownerSid) throw missingParameter('CallSid or ConferenceSid');
  const at = Date.now();
  await Promise.all([
    store.update(ownerSid, (doc) =>
      applyCallback(doc, {
        recordingSid: callback.recordingSid,
        status: callback.status,
        at,
        details: callback.details,
      }),
    ),
    appendEvidence(evidence, ownerSid, [
      {
        at: new Date(at).toISOString(),
        recordingSid: callback.recordingSid,
        status: callback.status,
        by: 'twilio',
        source: 'callback',
      },
    ]),
  ]);
}
