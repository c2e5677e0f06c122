import { ControlError } from '../errors';
import type { EvidenceEntry } from '../model/evidence';
import { mayLift, type Person } from '../model/people';
import type { RecordingDocument } from '../model/recording-document';
import { appendEvidence } from '../sync/evidence-log';
import type { Deps } from './deps';

/**
 * A flow's pause holds: before a person resumes or stops a paused recording (a stop ends the pause
 * too), who paused it is read, and the rule of model/people decides. Who paused comes from the Sync document's history (read anyway, one request);
 * only when the history no longer holds that pause (it keeps the last few actions) is the evidence
 * log read. The check and the resume are not one step: a flow that pauses again between them is not
 * seen by this resume (Twilio has no conditional update); its pause still lands after or before it,
 * as Twilio orders them, and the evidence shows both.
 */

const isPause = (action: string) => action.startsWith('paused');

/** The pauses this resume or stop would end: the recording named, else every one the document says is paused. */
function lifted(doc: RecordingDocument, recordingSid: string | undefined): string[] {
  if (recordingSid) return doc.recordings?.[recordingSid]?.status === 'paused' ? [recordingSid] : [];
  return Object.entries(doc.recordings ?? {})
    .filter(([, r]) => r.status === 'paused')
    .map(([sid]) => sid);
}

async function pausedBy(deps: Deps, ownerSid: string, doc: RecordingDocument, recordingSid: string) {
  const fromHistory = [...(doc.history ?? [])]
    .reverse()
    .find((h) => h.recordingSid === recordingSid && isPause(h.action));
  if (fromHistory) return fromHistory.by;
  const entries: EvidenceEntry[] = deps.evidence ? await deps.evidence.readAll(ownerSid) : [];
  // Unknown: undefined, which the rule takes as a flow's pause.
  return [...entries]
    .reverse()
    .find((e) => e.recordingSid === recordingSid && e.source === 'control' && e.status === 'paused')?.by;
}

/**
 * Refuses (403 PAUSE_HELD, 400 REASON_REQUIRED) a person's resume or stop that would end a pause they
 * may not lift, logging the refused attempt as evidence; logs a supervisor's override with its reason.
 */
export async function checkLift(
  deps: Deps,
  person: Person,
  ownerSid: string,
  change: { action: 'in-progress' | 'stopped'; recordingSid: string | undefined; reason: string | undefined },
): Promise<void> {
  const { recordingSid, reason } = change;
  const { doc } = await deps.store.read(ownerSid);
  const at = new Date().toISOString();
  const base = { at, by: person.caller, action: change.action, source: 'control' as const };
  const overrides = [];
  for (const sid of lifted(doc, recordingSid)) {
    const by = await pausedBy(deps, ownerSid, doc, sid);
    const decision = mayLift(person, by, reason);
    const pauser = by ?? 'unknown';
    if (!decision.allowed) {
      await appendEvidence(deps.evidence, ownerSid, [
        { ...base, recordingSid: sid, status: 'refused', pausedBy: pauser, ...(reason ? { reason } : {}) },
      ]);
      throw new ControlError(decision.code === 'PAUSE_HELD' ? 403 : 400, decision.code, decision.message);
    }
    if (decision.override) overrides.push({ ...base, recordingSid: sid, status: 'override', pausedBy: pauser, reason });
  }
  if (overrides.length > 0) await appendEvidence(deps.evidence, ownerSid, overrides);
}
