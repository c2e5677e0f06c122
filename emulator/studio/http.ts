import type { CallbackDelivery } from '../callbacks';

/** Run Function and Make HTTP Request fail when the server has not answered within 10 s, or answers more than 64 kB. */
const TIMEOUT_MS = 10_000;
const MAX_BYTES = 64 * 1024;

/** What a widget that called a server ended with: its event's outcome, its outputs, and what to log. */
export interface HttpOutcome {
  ok: boolean;
  outputs: Record<string, unknown>;
  shown: Record<string, unknown>;
}

/** The URL with the first matching prefix of `rewrites` replaced (deployed Functions pointed at local ones). */
export function rewritten(url: string, rewrites: Record<string, string>): string {
  for (const [from, to] of Object.entries(rewrites)) if (url.startsWith(from)) return to + url.slice(from.length);
  return url;
}

/** Outputs as Studio leaves them: `status_code`, `body`, `content_type`, and `parsed` for a JSON answer only. */
function outcome(status: number, body: string, contentType: string, shown: Record<string, unknown>): HttpOutcome {
  const outputs: Record<string, unknown> = { status_code: status, body, content_type: contentType };
  if (contentType.includes('application/json')) {
    try {
      outputs.parsed = JSON.parse(body);
    } catch {
      // Studio leaves `parsed` out when the body is not JSON.
    }
  }
  const ok = status >= 200 && status < 300 && Buffer.byteLength(body) <= MAX_BYTES;
  return { ok, outputs, shown: { ...shown, status_code: status, parsed: outputs.parsed } };
}

/** Studio's Run Function: a signed form POST of the rendered parameters; 2xx within the time limit is `success`. */
export async function runFunction(
  webhooks: CallbackDelivery,
  url: string,
  params: Record<string, string>,
): Promise<HttpOutcome> {
  const answer = await webhooks.deliver(url, 'POST', params, TIMEOUT_MS);
  return outcome(answer.status ?? 0, answer.body ?? '', answer.contentType ?? '', { url, params });
}

export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST';
  /** Form parameters, or the JSON body's text when `json`. */
  params: Record<string, string>;
  json?: string;
  /** HTTP Basic with the account's SID and auth token (`add_twilio_auth`). */
  auth?: string;
}

/**
 * Studio's Make HTTP Request: GET with the parameters in the query, or POST as a form or JSON; not
 * signed; redirects followed; 2xx within the time limit is `success`, anything else `failed`.
 */
export async function httpRequest(request: HttpRequest): Promise<HttpOutcome> {
  const { method, params, json } = request;
  const form = new URLSearchParams(params).toString();
  const url = method === 'GET' && form ? `${request.url}${request.url.includes('?') ? '&' : '?'}${form}` : request.url;
  const shown = { url, method, ...(json === undefined ? { params } : { body: json }) };
  try {
    const res = await fetch(url, {
      method,
      headers: {
        ...(request.auth ? { Authorization: `Basic ${Buffer.from(request.auth).toString('base64')}` } : {}),
        ...(method === 'POST'
          ? { 'Content-Type': json === undefined ? 'application/x-www-form-urlencoded' : 'application/json' }
          : {}),
      },
      body: method === 'POST' ? (json ?? form) : undefined,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    return outcome(res.status, await res.text(), res.headers.get('content-type') ?? '', shown);
  } catch (err) {
    return {
      ok: false,
      outputs: { status_code: 0, body: '', content_type: '' },
      shown: { ...shown, error: (err as Error).message },
    };
  }
}
