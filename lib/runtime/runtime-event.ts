import { reservedParameter } from '../errors';

/**
 * What Twilio's runtime hands a Function, told apart from what the client sent. @twilio/runtime-handler
 * builds the event as `{request: {headers, cookies}, ...query, ...body}`: a client's own `request`, in the
 * query or the body, silently replaces the runtime's headers (the ones the URL-credential check and the
 * signature check read). Such a request is refused before anything runs. The runtime's object is known
 * by its shape: exactly `headers` and `cookies`, text values, lower-case header names, and none of the
 * headers the runtime withholds from Functions. A client that forges that shape field for field is not
 * told apart; what it can then change is only the URL-credential check, for its own credential.
 */

export type Headers = Record<string, string | string[]>;

/**
 * Headers the runtime never passes to a Function (Twilio's "Headers and cookies: Limitations" page, and
 * @twilio/runtime-handler 2.1.0's dev-runtime/checks/restricted-headers.js, which the package does not
 * export; deployed, Host is withheld too, but twilio-run passes it): a request naming one is not the runtime's.
 */
const WITHHELD_PREFIXES = ['i-twilio-', 'i-t-', 'ot-', 'x-amz', 'x-forwarded-', 'x-accel-'];
const WITHHELD = [
  'via',
  'referer',
  'transfer-encoding',
  'proxy-authorization',
  'proxy-authenticate',
  'x-real-ip',
  'connection',
  'proxy-connection',
  'expect',
  'trailer',
  'upgrade',
];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown) => typeof value === 'string';

function madeByRuntime(request: unknown): request is { headers: Headers; cookies: Record<string, string> } {
  if (!isRecord(request)) return false;
  const keys = Object.keys(request).sort();
  if (keys.join() !== 'cookies,headers') return false;
  const { headers, cookies } = request;
  if (!isRecord(headers) || !isRecord(cookies) || !Object.values(cookies).every(isText)) return false;
  return Object.entries(headers).every(
    ([name, value]) =>
      name === name.toLowerCase() &&
      !WITHHELD.includes(name) &&
      !WITHHELD_PREFIXES.some((prefix) => name.startsWith(prefix)) &&
      (isText(value) || (Array.isArray(value) && value.every(isText))),
  );
}

/**
 * The runtime's headers and the client's parameters; throws 400 RESERVED_PARAMETER where the client
 * named one of the runtime's keys. A runtime that gives no `request` at all (before
 * @twilio/runtime-handler 1.2) gives no headers.
 */
export function splitEvent(event: Record<string, unknown>): {
  headers: Headers | undefined;
  params: Record<string, unknown>;
} {
  const { request, ...params } = event;
  if (request === undefined) return { headers: undefined, params };
  if (!madeByRuntime(request)) throw reservedParameter();
  return { headers: request.headers, params };
}
