import type { ServerlessCallback, ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';
import { ControlError } from './errors';
import { CALLER, NEXT, parseParams, type Parsed, type Spec } from './params';
import { controlDeps, type Env, type FunctionContext } from './twilio';
import type { Deps } from './recordings';

type Event = Record<string, unknown> & { request?: unknown };

export function jsonResponse(status: number, body: unknown) {
  const response = new Twilio.Response();
  response.setStatusCode(status);
  response.appendHeader('Content-Type', 'application/json');
  response.setBody(body as object);
  return response;
}

/** Any failure as a ControlError; an unexpected one is logged, and its details do not leave the Function. */
function asControlError(err: unknown): ControlError {
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
function redirect(next: string, error?: ControlError) {
  const twiml = new Twilio.twiml.VoiceResponse();
  const target = error ? withQuery(next, `error=${encodeURIComponent(error.code)}`) : next;
  twiml.redirect({ method: 'POST' }, target);
  return twiml;
}

/** Who asked, for the history: a Studio flow when it says so, a TwiML action URL, or a plain HTTP caller. */
function callerOf(params: Record<string, unknown>, next: string | undefined): string {
  const { FlowSid, ExecutionSid } = parseParams(CALLER, params);
  if (FlowSid) return `studio:${[FlowSid, ExecutionSid].filter(Boolean).join('/')}`;
  return next ? 'twiml' : 'http';
}

/**
 * The shape every control Function shares: read and check its parameters before any Twilio request,
 * run, and answer JSON (Studio, HTTP) or, when the request carries `Next`, TwiML that moves the call on.
 */
export function controlFunction<S extends Spec>(
  spec: S,
  run: (deps: Deps, params: Parsed<S>, context: FunctionContext) => Promise<object>,
): ServerlessFunctionSignature<Env, Event & { request: { cookies: object; headers: object } }> {
  return async (context: FunctionContext, event: Event, callback: ServerlessCallback) => {
    const arrival = Date.now();
    const { request: _request, ...params } = event;
    let next: string | undefined;
    try {
      next = parseParams(NEXT, params).Next;
    } catch (err) {
      return callback(null, errorResponse(err));
    }
    try {
      const parsed = parseParams(spec, params);
      const caller = callerOf(params, next);
      const result = await run(controlDeps(context, arrival, caller), parsed, context);
      callback(null, next ? redirect(next) : jsonResponse(200, result));
    } catch (err) {
      callback(null, next ? redirect(next, asControlError(err)) : errorResponse(err));
    }
  };
}
