import type twilio from 'twilio';
import type { Context } from '@twilio-labs/serverless-runtime-types/types';
import { Deadline, SYNC_RESERVE_MS } from './deadline';
import { EvidenceLog } from './evidence-log';
import { TwilioHttpClient } from './http-client';
import { RecordingStore } from './recording-store';
import type { Deps } from './recordings';

/** The settings the Functions read from their environment (.env locally, the service's variables deployed). */
export type Env = {
  ACCOUNT_SID?: string;
  AUTH_TOKEN?: string;
  SYNC_SERVICE_SID?: string;
  SYNC_DOCUMENT_TTL?: string;
  /** The console's password; empty or unset: the console is off (see lib/people-auth). */
  ADMIN_PASSWORD?: string;
  /** Set only by `npm start` and the tests: the local emulator's address. */
  TWILIO_API_BASE_URL?: string;
};

export type FunctionContext = Context<Env>;

/**
 * The Function's own Twilio client, sending through TwilioHttpClient (retries, and nothing outlives
 * `deadline`; the emulator's address when one is configured).
 */
export function twilioClient(context: FunctionContext, deadline: Deadline): twilio.Twilio {
  const httpClient = new TwilioHttpClient(deadline, context.TWILIO_API_BASE_URL || undefined);
  // getTwilioClient is typed with twilio v4's options, but the runtime hands them to this project's twilio.
  const getClient = context.getTwilioClient as unknown as (options: { httpClient: TwilioHttpClient }) => twilio.Twilio;
  return getClient({ httpClient });
}

const syncServiceSid = (context: FunctionContext) => context.SYNC_SERVICE_SID || 'default';

export interface SyncOptions {
  serviceSid: string;
  ttlSeconds: number;
}

/** Where the toolkit keeps its Sync objects, and for how long after their last write. */
export function syncOptions(context: FunctionContext): SyncOptions {
  const ttl = Number(context.SYNC_DOCUMENT_TTL ?? 86400);
  return { serviceSid: syncServiceSid(context), ttlSeconds: Number.isInteger(ttl) && ttl >= 0 ? ttl : 86400 };
}

export function recordingStore(context: FunctionContext, deadline: Deadline, client = twilioClient(context, deadline)): RecordingStore {
  return new RecordingStore(client, syncOptions(context), deadline);
}

/** The evidence log (lib/evidence-log), kept with the documents' TTL. */
export function evidenceLog(context: FunctionContext, deadline: Deadline, client = twilioClient(context, deadline)): EvidenceLog {
  return new EvidenceLog(client, syncOptions(context));
}

/** What a control of a request that arrived at `arrival` works with: Voice stops early enough for Sync to be told. */
export function controlDeps(context: FunctionContext, arrival: number, caller: string): Deps {
  const deadline = Deadline.fromArrival(arrival);
  const syncClient = twilioClient(context, deadline);
  return {
    client: twilioClient(context, deadline.before(SYNC_RESERVE_MS)),
    syncClient,
    syncServiceSid: syncServiceSid(context),
    store: recordingStore(context, deadline, syncClient),
    evidence: evidenceLog(context, deadline, syncClient),
    deadline,
    caller,
  };
}

/** Running under twilio-run on this machine, where nothing checks X-Twilio-Signature for us. */
export const isLocal = (context: FunctionContext) => /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(context.DOMAIN_NAME);

/** A URL of this deployment: https when deployed, http for a local twilio-run. */
export const ownUrl = (context: FunctionContext, path: string) => `${isLocal(context) ? 'http' : 'https'}://${context.DOMAIN_NAME}${path}`;
