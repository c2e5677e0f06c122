import twilio from 'twilio';
import { isLocal, ownUrl, type FunctionContext } from '../env';
import { ControlError } from '../errors';
import { splitEvent, type Headers } from './runtime-event';

/**
 * Whether Twilio signed this request. twilio-run checks no signatures; deployed, Twilio checks them
 * before a protected Function runs. Twilio signs the full URL, query included, with the POST body's
 * parameters; twilio-run hands the Function both merged, query first, so each split of them in that
 * order is tried. The URL is the one Twilio called: PUBLIC_BASE_URL's when a tunnel forwards to twilio-run.
 */
export function signedByTwilio(context: FunctionContext, headers: Headers, params: Record<string, unknown>): boolean {
  const [signature] = [headers['x-twilio-signature']].flat();
  if (!signature || !context.AUTH_TOKEN) return false;
  // A repeated key arrives as an array; Twilio's library signs each of its values, not their join.
  const entries = Object.entries(params).map(
    ([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)] as [string, string | string[]],
  );
  // Locally, a relative callback URL in TwiML resolves against the address Twilio fetched it from, which
  // the Host header names (127.0.0.1 or localhost): both are this twilio-run.
  const [host] = [headers.host].flat();
  const bases = [ownUrl(context, context.PATH), ...(isLocal(context) && host ? [`http://${host}${context.PATH}`] : [])];
  for (const base of new Set(bases))
    for (let queryLength = 0; queryLength <= entries.length; queryLength++) {
      const pairs = entries
        .slice(0, queryLength)
        .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x]));
      const query = new URLSearchParams(pairs).toString();
      const url = `${base}${query ? `?${query}` : ''}`;
      if (twilio.validateRequest(context.AUTH_TOKEN, signature, url, Object.fromEntries(entries.slice(queryLength))))
        return true;
    }
  return false;
}

/**
 * A Twilio callback's parameters: a client's own `request` refused (runtime-event), and, locally, Twilio's
 * signature checked (403 INVALID_SIGNATURE); deployed, Twilio checks it before a protected Function runs.
 */
export function callbackParams(context: FunctionContext, event: Record<string, unknown>): Record<string, unknown> {
  const { headers, params } = splitEvent(event);
  if (isLocal(context) && !signedByTwilio(context, headers ?? {}, params))
    throw new ControlError(403, 'INVALID_SIGNATURE', 'X-Twilio-Signature is missing or does not match this request');
  return params;
}
