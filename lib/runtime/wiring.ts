import type twilio from 'twilio';
import { ControlFence, type Deps } from '../controls/deps';
import type { Person } from '../model/people';
import { syncOptions, type FunctionContext } from '../env';
import { RecordingStore } from '../sync/state-store';
import { EvidenceLog } from '../sync/evidence-log';
import { twilioClient } from '../twilio/client';
import { Deadline, SYNC_RESERVE_MS } from '../twilio/deadline';

// The composition root: what a Function's request works with, built from its context.

export function recordingStore(
  context: FunctionContext,
  deadline: Deadline,
  client = twilioClient(context, deadline),
): RecordingStore {
  return new RecordingStore(client, syncOptions(context), deadline);
}

/** The evidence log (sync/evidence-log), kept with the documents' TTL. */
export function evidenceLog(context: FunctionContext, client: twilio.Twilio): EvidenceLog {
  return new EvidenceLog(client, syncOptions(context));
}

/** What a control of a request that arrived at `arrival` works with: Voice stops early enough for Sync to be told. */
export function controlDeps(context: FunctionContext, arrival: number, caller: string, person?: Person): Deps {
  const deadline = Deadline.fromArrival(arrival);
  const syncClient = twilioClient(context, deadline);
  const fence = new ControlFence();
  return {
    client: twilioClient(context, deadline.before(SYNC_RESERVE_MS), fence),
    fence,
    store: recordingStore(context, deadline, syncClient),
    evidence: evidenceLog(context, syncClient),
    deadline,
    caller,
    ...(person ? { person } : {}),
  };
}
