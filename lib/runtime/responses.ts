import { ControlError } from '../errors';

// Every answer a Function gives: JSON, an error as JSON, other text, or TwiML that moves a call on.

export function jsonResponse(status: number, body: unknown) {
  const response = new Twilio.Response();
  response.setStatusCode(status);
  response.appendHeader('Content-Type', 'application/json');
  response.setBody(body as object);
  return response;
}

/** Any failure as a ControlError; an unexpected one is logged, and its details do not leave the Function. */
export function asControlError(err: unknown): ControlError {
  if (err instanceof ControlError) return err;
  console.error('recording-controls: unexpected error', (err as Error)?.stack ?? err);
  return new ControlError(500, 'INTERNAL_ERROR', 'The control failed unexpectedly');
}

export function errorResponse(err: unknown) {
  const error = asControlError(err);
  return jsonResponse(error.status, error.toJSON());
}

/** Adds `pair` to the query of `url`, before any fragment, where the next step can read it. */
export function withQuery(url: string, pair: string): string {
  const hash = url.indexOf('#');
  const [base, fragment] = hash < 0 ? [url, ''] : [url.slice(0, hash), url.slice(hash)];
  return `${base}${base.includes('?') ? '&' : '?'}${pair}${fragment}`;
}

/** A TwiML caller is sent on to `next` whatever happened, with `error=CODE` when the control failed: a call never drops. */
export function redirect(next: string, error?: ControlError) {
  const twiml = new Twilio.twiml.VoiceResponse();
  const target = error ? withQuery(next, `error=${encodeURIComponent(error.code)}`) : next;
  twiml.redirect({ method: 'POST' }, target);
  return twiml;
}

type Answer = ReturnType<typeof jsonResponse>;

/** Another answer than JSON, e.g. a CSV export. */
export function textResponse(contentType: string, body: string, headers: Record<string, string> = {}): Answer {
  const response = new Twilio.Response();
  response.setStatusCode(200);
  response.appendHeader('Content-Type', contentType);
  for (const [name, value] of Object.entries(headers)) response.appendHeader(name, value);
  response.setBody(body);
  return response;
}
