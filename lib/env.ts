import type { Context } from '@twilio-labs/serverless-runtime-types/types';

/** The settings the Functions read from their environment (.env locally, the service's variables deployed). */
export type Env = {
  ACCOUNT_SID?: string;
  AUTH_TOKEN?: string;
  SYNC_SERVICE_SID?: string;
  SYNC_DOCUMENT_TTL?: string;
  /** The console's password; empty or unset: the console is off (see runtime/console-auth). */
  ADMIN_PASSWORD?: string;
  /** The Flex TaskRouter workspace (WS…) whose tasks say which calls an agent holds (see controls/ownership). */
  TASKROUTER_WORKSPACE_SID?: string;
  /** A pause longer than this many seconds is flagged (model/pause-alert); 0: never. */
  PAUSE_ALERT_SECONDS?: string;
  /** Set only by `npm start` and the tests: the local emulator's address (honoured locally, on loopback only). */
  TWILIO_API_BASE_URL?: string;
  /** Local runs against a real account: the public address that forwards to twilio-run, for Twilio's callbacks. */
  PUBLIC_BASE_URL?: string;
};

export type FunctionContext = Context<Env>;

/** The shortest ADMIN_PASSWORD that turns password sign-in on: guesses are throttled, not impossible. */
export const MIN_ADMIN_PASSWORD_LENGTH = 12;

/** Why an ADMIN_PASSWORD cannot be used, if it cannot; empty is fine (password sign-in off). */
export function adminPasswordProblem(password: string | undefined): string | undefined {
  if (!password || password.length >= MIN_ADMIN_PASSWORD_LENGTH) return undefined;
  return `ADMIN_PASSWORD has ${password.length} characters, fewer than ${MIN_ADMIN_PASSWORD_LENGTH}: a short password is guessed; choose a longer one (e.g. four random words), or leave it empty to sign in with Flex only`;
}

export interface SyncOptions {
  serviceSid: string;
  ttlSeconds: number;
}

/** Where the toolkit keeps its Sync objects, and for how long after their last write. */
export function syncOptions(context: FunctionContext): SyncOptions {
  const ttl = Number(context.SYNC_DOCUMENT_TTL ?? 86400);
  return {
    serviceSid: context.SYNC_SERVICE_SID || 'default',
    ttlSeconds: Number.isInteger(ttl) && ttl >= 0 ? ttl : 86400,
  };
}

/** Long enough for a card number or an identity check, short of a whole call going unrecorded. */
export const DEFAULT_PAUSE_ALERT_SECONDS = 180;

/** PAUSE_ALERT_SECONDS as a whole number of seconds (0: no alert); anything else: the default. */
export function pauseAlertSeconds(context: FunctionContext): number {
  const seconds = Number(context.PAUSE_ALERT_SECONDS || DEFAULT_PAUSE_ALERT_SECONDS);
  return Number.isInteger(seconds) && seconds >= 0 ? seconds : DEFAULT_PAUSE_ALERT_SECONDS;
}

/** Running under twilio-run on this machine, where nothing checks X-Twilio-Signature for us. */
export const isLocal = (context: FunctionContext) =>
  /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(context.DOMAIN_NAME);

/**
 * A URL of this deployment, as Twilio reaches it: https when deployed; locally PUBLIC_BASE_URL when set
 * (a tunnel to twilio-run, for a real account's callbacks), else twilio-run's own http address.
 */
export function ownUrl(context: FunctionContext, path: string): string {
  if (!isLocal(context)) return `https://${context.DOMAIN_NAME}${path}`;
  return context.PUBLIC_BASE_URL
    ? context.PUBLIC_BASE_URL.replace(/\/+$/, '') + path
    : `http://${context.DOMAIN_NAME}${path}`;
}
