import type { ServerlessCallback, ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';
import type { Deps } from '../controls/deps';
import type { Env, FunctionContext } from '../env';
import { CALLER, NEXT, parseParams, type Parsed, type Spec } from '../model/params';
import { asControlError, errorResponse, jsonResponse, redirect } from './responses';
import { splitEvent } from './runtime-event';
import { controlDeps } from './wiring';

type Event = Record<string, unknown> & { request?: unknown };

/** Who asked, for the history: a Studio flow when it says so, a TwiML action URL, or a plain HTTP caller. */
function callerOf(params: Record<string, unknown>, next: string | undefined): string {
  const { FlowSid, ExecutionSid } = parseParams(CALLER, params);
  if (FlowSid) return `studio:${[FlowSid, ExecutionSid].filter(Boolean).join('/')}`;
  return next ? 'twiml' : 'http';
}

/**
 * The shape every control Function shares: read and check its parameters (a client's own `request`
 * refused, runtime-event) before any Twilio request, run, and answer JSON (Studio, HTTP) or, when the
 * request carries `Next`, TwiML that moves the call on.
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
      splitEvent(event);
      const parsed = parseParams(spec, params);
      const caller = callerOf(params, next);
      const result = await run(controlDeps(context, arrival, caller), parsed, context);
      callback(null, next ? redirect(next) : jsonResponse(200, result));
    } catch (err) {
      callback(null, next ? redirect(next, asControlError(err)) : errorResponse(err));
    }
  };
}
