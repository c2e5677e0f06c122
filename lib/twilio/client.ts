import type twilio from 'twilio';
import { isLocal, type FunctionContext } from '../env';
import { invalidConfiguration } from '../errors';
import { hasPlaceholderCredentials, isLoopbackUrl } from '../local-run';
import type { Deadline } from './deadline';
import { DEFAULT_RETRY_POLICY, TwilioHttpClient, type RetryFence } from './http-client';

/**
 * The Function's own Twilio client, sending through TwilioHttpClient (retries, and nothing outlives
 * `deadline`; the emulator's address when one is configured).
 */
export function twilioClient(context: FunctionContext, deadline: Deadline, fence?: RetryFence): twilio.Twilio {
  const emulator = emulatorAddress(context);
  if (!emulator && hasPlaceholderCredentials(context)) {
    throw invalidConfiguration(
      "ACCOUNT_SID or AUTH_TOKEN is the emulator's placeholder, but no emulator runs for these Functions: start the toolkit with `npm start` (it starts the emulator and points the Functions at it), or put your Account SID and Auth Token in .env",
    );
  }
  const httpClient = new TwilioHttpClient(deadline, emulator, DEFAULT_RETRY_POLICY, fence);
  // getTwilioClient is typed with twilio v4's options, but the runtime hands them to this project's twilio.
  const getClient = context.getTwilioClient as unknown as (options: { httpClient: TwilioHttpClient }) => twilio.Twilio;
  return getClient({ httpClient });
}

/**
 * The emulator's address, honoured only in a local run and only on this machine: anywhere else it would
 * send the account's credentials to another host.
 */
function emulatorAddress(context: FunctionContext): string | undefined {
  const address = context.TWILIO_API_BASE_URL;
  if (!address) return undefined;
  if (!isLocal(context) || !isLoopbackUrl(address)) {
    throw invalidConfiguration(
      "TWILIO_API_BASE_URL is set, but it is honoured only in a local run and only with a loopback address (the emulator on this machine): remove it from this service's settings (.env locally, its environment variables deployed)",
    );
  }
  return address;
}
