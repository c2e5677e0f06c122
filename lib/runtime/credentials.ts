import { credentialsInUrl } from '../errors';

/**
 * Credentials (a password, a token) travel in a POST body only: URLs are logged, by twilio-run and by
 * proxies. Twilio's runtime and twilio-run merge the query string and the body into one `event`
 * (the body winning) and give the Function no URL, so the query is told from the body by the request's
 * headers: a credential that the body's content type or length cannot hold came from the URL.
 */

type Headers = Record<string, string | string[] | undefined>;

const header = (headers: Headers, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Refuses (400 CREDENTIALS_IN_URL) when any of `names` is in `event` but could not have been in the body:
 * no body at all (a GET), a body of another type than JSON or a form, or a body shorter than the name
 * and value alone. A body padded to that length with a credential in the URL passes: the check keeps
 * honest clients off URLs, it cannot stop a client that wants its own secret logged.
 */
export function refuseCredentialsInUrl(event: Record<string, unknown>, names: string[]): void {
  const headers = (event.request as { headers?: Headers } | undefined)?.headers;
  // A runtime that gives no headers at all (before @twilio/runtime-handler 1.2) leaves nothing to tell by.
  if (!headers || typeof headers !== 'object') return;
  const type = (header(headers, 'content-type') ?? '').toLowerCase();
  const lengthHeader = header(headers, 'content-length');
  const length = lengthHeader === undefined ? undefined : Number(lengthHeader);
  const bodyType = /application\/json|application\/x-www-form-urlencoded/.test(type);
  for (const name of names) {
    const value = event[name];
    if (value === undefined || value === null || value === '') continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    const least = Buffer.byteLength(name) + Buffer.byteLength(text) + 1;
    if (!bodyType || length === 0 || (length !== undefined && !(length >= least))) throw credentialsInUrl(name);
  }
}
