import type twilio from 'twilio';
import type { Context } from '@twilio-labs/serverless-runtime-types/types';
import { Deadline, SYNC_RESERVE_MS } from './deadline';
import { ControlError } from './errors';
import { EvidenceLog } from './evidence-log';
import { TwilioHttpClient } from './http-client';
import { hasPlaceholderCredentials, isLoopbackUrl } from './local-run';
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
  /** Set only by `npm start` and the tests: the local emulator's address (honoured locally, on loopback only). */
  TWILIO_API_BASE_URL?: string;
  /** Local runs against a real account: the public address that forwards to twilio-run, for Twilio's callbacks. */
  PUBLIC_BASE_URL?: string;
};

export type FunctionContext = Context<Env>;

/**
 * The Function's own Twilio client, sending through TwilioHttpClient (retries, and nothing outlives
 * `deadline`; the emulator's address when one is configured).
 */
export function twilioClient(context: FunctionContext, deadline: Deadline): twilio.Twilio {
  const emulator = emulatorAddress(context);
  if (!emulator && hasPlaceholderCredentials(context)) {
    throw new ControlError(
      500,
      'INVALID_CONFIGURATION',
      "ACCOUNT_SID or AUTH_TOKEN is the emulator's placeholder, but no emulator runs for these Functions: start the toolkit with `npm start` (it starts the emulator and points the Functions at it), or put your Account SID and Auth Token in .env",
    );
  }
  const httpClient = new TwilioHttpClient(deadline, emulator);
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
export function evidenceLog(context: FunctionContext, client: twilio.Twilio): EvidenceLog {
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
    evidence: evidenceLog(context, syncClient),
    deadline,
    caller,
  };
}

/**
 * The emulator's address, honoured only in a local run and only on this machine: anywhere else it would
 * send the account's credentials to another host.
 */
function emulatorAddress(context: FunctionContext): string | undefined {
  const address = context.TWILIO_API_BASE_URL;
  if (!address) return undefined;
  if (!isLocal(context) || !isLoopbackUrl(address)) {
    throw new ControlError(
      500,
      'INVALID_CONFIGURATION',
      "TWILIO_API_BASE_URL is set, but it is honoured only in a local run and only with a loopback address (the emulator on this machine): remove it from this service's settings (.env locally, its environment variables deployed)",
    );
  }
  return address;
}

/** Running under twilio-run on this machine, where nothing checks X-Twilio-Signature for us. */
export const isLocal = (context: FunctionContext) => /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(context.DOMAIN_NAME);

/**
 * A URL of this deployment, as Twilio reaches it: https when deployed; locally PUBLIC_BASE_URL when set
 * (a tunnel to twilio-run, for a real account's callbacks), else twilio-run's own http address.
 */
export function ownUrl(context: FunctionContext, path: string): string {
  if (!isLocal(context)) return `https://${context.DOMAIN_NAME}${path}`;
  return context.PUBLIC_BASE_URL ? context.PUBLIC_BASE_URL.replace(/\/+$/, '') + path : `http://${context.DOMAIN_NAME}${path}`;
}
