import { ControlError } from './errors';
import { appendEvidence, type EvidenceLog } from './evidence-log';
import { applyCallback, type RecordingDetails, type RecordingStatus } from './recording-document';
import type { RecordingStore } from './recording-store';

export interface StatusCallback {
  callSid?: string;
  conferenceSid?: string;
  recordingSid: string;
  status: RecordingStatus;
  details: RecordingDetails;
}

/** Keeps the Sync document true to what Twilio reports, whatever order the callbacks come in. */
export async function recordStatusCallback(store: RecordingStore, callback: StatusCallback, evidence?: EvidenceLog): Promise<void> {
  const ownerSid = callback.conferenceSid ?? callback.callSid;
  if (!ownerSid) throw new ControlError(400, 'MISSING_PARAMETER', 'CallSid or ConferenceSid is required');
  const at = Date.now();
  await Promise.all([
    store.update(ownerSid, (doc) => applyCallback(doc, { recordingSid: callback.recordingSid, status: callback.status, at, details: callback.details })),
    appendEvidence(evidence, ownerSid, [{ at: new Date(at).toISOString(), recordingSid: callback.recordingSid, status: callback.status, by: 'twilio', source: 'callback' }]),
  ]);
}
