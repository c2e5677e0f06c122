import { ControlError, evidenceUnavailable, fromTwilioError } from '../errors';
import type { NewEvidence } from '../model/evidence';
import { liftOf, type Person } from '../model/people';
import { appendEvidence } from '../sync/evidence-log';
import { isActive } from '../model/recording-state';
import { listOnTwilio, type Owner } from '../twilio/voice';
import type { Deps } from './deps';

/**
 * One lock, on the call or conference: while a pause that a person may not lift holds any of its
 * recordings, that person's resume, stop or start is refused, whatever recording it names (a SID,
 * Twilio.CURRENT, All, one Sync never saw): the paused recordings are Twilio's list's and Sync's, their
 * pausers the evidence's (model/people). The check and the control are not one step: a flow that pauses
 * between them is not seen by this control (Twilio has no conditional update); the evidence shows both.
 */

/** A person's attempt that may end a pause or record during one: what they asked, and how they named it. */
export interface Attempt {
  action: 'start' | 'in-progress' | 'stopped';
  /** The parameters as the person gave them, for the evidence: e.g. `RecordingSid=Twilio.CURRENT All=true`. */
  how: string;
  reason?: string;
}

async function evidenceOfOwner(deps: Deps, ownerSid: string) {
  try {
    return deps.evidence ? await deps.evidence.readAll(ownerSid) : [];
  } catch (err) {
    const cause = fromTwilioError(err, `the evidence log of ${ownerSid}`);
    throw evidenceUnavailable(`${cause.message}: who paused is unknown, so nothing was sent`);
  }
}

/**
 * What the lock is read from, all at once (one round trip in sequence): Twilio's list, Sync's state and
 * the evidence. Paused: Twilio's list says so, or Sync does (a pause Twilio's list may not show yet)
 * of a recording the list does not show ended.
 */
export async function readPauses(deps: Deps, owner: Owner) {
  const [listed, { doc }, entries] = await Promise.all([
    listOnTwilio(owner),
    deps.store.read(owner.sid),
    evidenceOfOwner(deps, owner.sid),
  ]);
  // Twilio's list showing a recording ended settles it: a stopped recording never records again.
  const ended = new Set(listed.all.filter((a) => !isActive(a)).map((a) => a.recordingSid));
  const fromSync = Object.entries(doc.recordings ?? {}).filter(([s, r]) => r.status === 'paused' && !ended.has(s));
  const paused = [
    ...new Set([
      ...listed.all.filter((a) => a.status === 'paused').map((a) => a.recordingSid),
      ...fromSync.map(([s]) => s),
    ]),
  ];
  return { listed, paused, entries };
}

/**
 * Refuses (403 PAUSE_HELD, 400 REASON_REQUIRED) a person's attempt while a pause they may not lift holds
 * any recording of `owner`, logging the refusal with who and how; logs a supervisor's override with its
 * reason. Twilio's list, Sync and the evidence are read at once: one round trip in sequence.
 */
export async function checkLock(deps: Deps, person: Person, owner: Owner, attempt: Attempt): Promise<void> {
  const { paused, entries } = await readPauses(deps, owner);
  const at = new Date().toISOString();
  const logged = (recordingSid: string, status: 'refused' | 'override', pausedBy: string | undefined): NewEvidence => ({
    at,
    by: person.caller,
    action: attempt.action,
    source: 'control',
    recordingSid,
    status,
    pausedBy: pausedBy ?? 'unknown',
    how: attempt.how,
    ...(attempt.reason ? { reason: attempt.reason } : {}),
  });
  const refusals: Array<{ entry: NewEvidence; error: ControlError }> = [];
  const overrides: NewEvidence[] = [];
  for (const sid of paused) {
    // Every holder must be liftable; the first that is not is the one named, else the latest.
    const { latest, refused, override } = liftOf(person, entries, sid, attempt.reason);
    if (refused) {
      const { code, message } = refused.decision;
      refusals.push({
        entry: logged(sid, 'refused', refused.by),
        error: new ControlError(code === 'PAUSE_HELD' ? 403 : 400, code, message),
      });
    } else if (override) {
      overrides.push(logged(sid, 'override', latest));
    }
  }
  if (refusals.length > 0) {
    await appendEvidence(
      deps.evidence,
      owner.sid,
      refusals.map((r) => r.entry),
    );
    throw refusals[0].error;
  }
  if (overrides.length > 0 && deps.evidence) {
    // An override is in the evidence before it is sent, or it is not sent.
    try {
      await deps.evidence.append(owner.sid, overrides);
    } catch (err) {
      const cause = fromTwilioError(err, `the evidence log of ${owner.sid}`);
      throw evidenceUnavailable(`${cause.message}: the override was not logged, so it was not sent`);
    }
  }
}
