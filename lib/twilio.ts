import type twilio from 'twilio';
import type { Context } from '@twilio-labs/serverless-runtime-types/types';
import { TwilioHttpClient } from './http-client';
import { EvidenceLog } from './evidence-log';
import { RecordingStore } from './recording-store';

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
 * The Function's own Twilio client, sending through TwilioHttpClient (retries within the run's time
 * budget; the emulator's address when one is configured).
 */
export function twilioClient(context: FunctionContext): twilio.Twilio {
  const httpClient = new TwilioHttpClient(context.TWILIO_API_BASE_URL || undefined);
  // getTwilioClient is typed with twilio v4's options, but the runtime hands them to this project's twilio.
  const getClient = context.getTwilioClient as unknown as (options: { httpClient: TwilioHttpClient }) => twilio.Twilio;
  return getClient({ httpClient });
}

export interface SyncOptions {
  serviceSid: string;
  ttlSeconds: number;
}

/** Where the toolkit keeps its Sync objects, and for how long after their last write. */
export function syncOptions(context: FunctionContext): SyncOptions {
  const ttl = Number(context.SYNC_DOCUMENT_TTL ?? 86400);
  return { serviceSid: context.SYNC_SERVICE_SID || 'default', ttlSeconds: Number.isInteger(ttl) && ttl >= 0 ? ttl : 86400 };
}

export function recordingStore(context: FunctionContext, client: twilio.Twilio): RecordingStore {
  return new RecordingStore(client, syncOptions(context));
}

export function evidenceLog(context: FunctionContext, client: twilio.Twilio): EvidenceLog {
  return new EvidenceLog(client, syncOptions(context));
}

/** Running under twilio-run on this machine, where nothing checks X-Twilio-Signature for us. */
export const isLocal = (context: FunctionContext) => /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(context.DOMAIN_NAME);

/** A URL of this deployment: https when deployed, http for a local twilio-run. */
export const ownUrl = (context: FunctionContext, path: string) => `${isLocal(context) ? 'http' : 'https'}://${context.DOMAIN_NAME}${path}`;
