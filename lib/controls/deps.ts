import type twilio from 'twilio';
import { ControlError, fromTwilioError } from '../errors';
import { addHistory, type ControlAction, type RecordingDocument } from '../model/recording-state';
import type { Person } from '../model/people';
import type { Change, RecordingStore, Snapshot } from '../sync/state-store';
import type { EvidenceLog } from '../sync/evidence-log';
import type { Deadline } from '../twilio/deadline';
import type { RetryFence } from '../twilio/http-client';

/** What every control needs: Twilio, the Sync store, who is asking (for the history), and when it must answer. */
export interface Deps {
  /** For Voice requests: its deadline keeps time back for the Sync write that follows. */
  client: twilio.Twilio;
  /** The call's state in Sync, and its Map (sync/call-map), with a client whose deadline is the request's own. */
  store: RecordingStore;
  deadline: Deadline;
  caller: string;
  /** A person's Functions (console, agents): who they are and their role; absent for the protected controls. */
  person?: Person;
  /** The call's evidence log (sync/evidence-log), appended beside each Sync write. */
  evidence?: EvidenceLog;
  /** When `client` may send a change of a recording again (twilio/http-client): set by the control. */
  fence: ControlFence;
}

/** A control's fence for its retries; none set: a change of a recording is never sent twice. */
export class ControlFence implements RetryFence {
  guard?: () => Promise<boolean>;

  mayRetry(): Promise<boolean> {
    return this.guard ? this.guard() : Promise.resolve(false);
  }
}

/** What Sync's write came to, said in every answer: a control Twilio made stands even when Sync missed it. */
export type SyncOutcome = { synced: true } | { synced: false; syncError: { code: string; message: string } };

/** Writes to the owner's document; a failure is reported and logged, never thrown. */
export async function writeDocument(
  deps: Deps,
  ownerSid: string,
  change: Change,
  known?: Promise<Snapshot>,
): Promise<SyncOutcome> {
  try {
    await deps.store.update(ownerSid, change, known);
    return { synced: true };
  } catch (err) {
    const error = err instanceof ControlError ? err : fromTwilioError(err, `the Sync document of ${ownerSid}`);
    console.warn(
      `recording-controls: Twilio made the change but the Sync document of ${ownerSid} missed it (${error.code}): the next control or callback repairs it`,
    );
    return { synced: false, syncError: { code: error.code, message: error.message } };
  }
}

/** The change that adds one control action, timed now, to the document's history. */
export function historyOf(
  deps: Deps,
  action: string,
  recordingSid: string,
): (doc: RecordingDocument) => RecordingDocument {
  const entry: ControlAction = { at: new Date().toISOString(), action, recordingSid, by: deps.caller };
  return (doc) => addHistory(doc, entry);
}
