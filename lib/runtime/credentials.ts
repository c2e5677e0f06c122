import { credentialsInUrl } from '../errors';

/**
 * Credentials (a password, a token) travel in a POST body only: URLs are logged, by twilio-run and by
 * proxies. Twilio's runtime and twilio-run merge the query string and the body into one `event`
 * (the body winning) and give the Function no URL, so the query is told from the body by the request's
 * headers: when the parameters, written as briefly as the body's type allows, need more bytes than the
 * body has, some came from the URL, and a credential beside them may have.
 */

import type { Headers } from './runtime-event';

const header = (headers: Headers, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const bytes = (text: string) => Buffer.byteLength(text);

/**
 * The fewest bytes a body of `type` holding exactly `params` can have: JSON as JSON.stringify writes
 * it; a form with every name and value unescaped (escaping only adds), `=` and `&` between.
 */
function leastBodyBytes(type: 'json' | 'form', params: Record<string, unknown>): number {
  if (type === 'json') return bytes(JSON.stringify(params));
  const pairs = Object.entries(params).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((v) => bytes(name) + bytes(String(v)) + 1),
  );
  return pairs.reduce((sum, n) => sum + n, 0) + Math.max(pairs.length - 1, 0);
}

/**
 * Refuses (400 CREDENTIALS_IN_URL) when any of `names` is in `event` and the request cannot show that
 * it came in the body: no JSON or form body (a GET, another type), a body whose length is not declared
 * (chunked), or a body too short for the parameters the Function received, i.e. a URL that carries
 * parameters too. A body padded to that length with the credential in the URL passes: the check keeps
 * honest clients off URLs, it cannot stop a client that wants its own secret logged.
 */
export function refuseCredentialsInUrl(
  headers: Headers | undefined,
  params: Record<string, unknown>,
  names: string[],
): void {
  const present = names.filter((name) => params[name] !== undefined && params[name] !== null && params[name] !== '');
  if (present.length === 0) return;
  // A runtime that gives no headers at all (before @twilio/runtime-handler 1.2) leaves nothing to tell by.
  if (!headers) return;
  const contentType = (header(headers, 'content-type') ?? '').toLowerCase();
  const type = /application\/json/.test(contentType)
    ? 'json'
    : /application\/x-www-form-urlencoded/.test(contentType)
      ? 'form'
      : undefined;
  const lengthHeader = header(headers, 'content-length');
  const length = lengthHeader === undefined || !/^\d+$/.test(lengthHeader.trim()) ? undefined : Number(lengthHeader);
  if (!type || length === undefined || leastBodyBytes(type, params) > length) throw credentialsInUrl(present[0]);
}
