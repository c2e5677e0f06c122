import { evidenceUnavailable, fromTwilioError } from '../errors';
import { CAPTURE } from '../model/captures';
import type { NewEvidence } from '../model/evidence';
import type { EvidenceLog } from '../sync/evidence-log';

/** What <Pay> reports of a capture: a stage from its statusCallback, or its Result from its action. Never card data. */
export interface PaymentReport {
  callSid: string;
  stage?: { for: string; attempt?: number; errorType?: string };
  result?: string;
}

/**
 * Logs a <Pay> report in the call's evidence, timed on arrival (model/captures turns them into captures
 * and verdicts). Twilio does not send a refused callback again, so a report that cannot be logged is
 * said: EVIDENCE_UNAVAILABLE.
 */
export async function recordPayment(evidence: EvidenceLog, report: PaymentReport): Promise<void> {
  const at = new Date().toISOString();
  const base = { at, recordingSid: CAPTURE, by: 'twilio', source: 'capture' as const };
  const entries: NewEvidence[] = [
    ...(report.stage
      ? [
          {
            ...base,
            status: 'stage',
            action: report.stage.for,
            ...(report.stage.attempt !== undefined ? { attempt: report.stage.attempt } : {}),
            ...(report.stage.errorType ? { errorType: report.stage.errorType } : {}),
          },
        ]
      : []),
    ...(report.result ? [{ ...base, status: report.result, action: 'result' }] : []),
  ];
  if (entries.length === 0) return;
  try {
    await evidence.append(report.callSid, entries);
  } catch (err) {
    const cause = fromTwilioError(err, `the evidence log of ${report.callSid}`);
    throw evidenceUnavailable(`${cause.message}: the capture's report was not logged`);
  }
}
