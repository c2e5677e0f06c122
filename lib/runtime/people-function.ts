import type twilio from 'twilio';
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import type { Deps } from '../controls/deps';
import type { FunctionContext } from '../env';
import { optional, parseParams, type Parsed, type Spec } from '../model/params';
import { twilioClient } from '../twilio/client';
import { Deadline } from '../twilio/deadline';
import { verifyFlexToken } from '../twilio/flex';
import { verifyConsoleToken } from './console-auth';
import { refuseCredentialsInUrl } from './credentials';
import { splitEvent } from './runtime-event';
import { errorResponse, jsonResponse } from './responses';
import { controlDeps } from './wiring';

/** Console Functions take a console token (runtime/console-auth); agent Functions a Flex user token. */
export type Audience = 'console' | 'agent';

/** Flex runs its plugins here; the agent Functions answer that origin's requests. */
export const FLEX_ORIGIN = 'https://flex.twilio.com';

const TOKEN = { Token: optional('the console token from /console/login, or the Flex user token', (raw) => raw) };

type Answer = ReturnType<typeof jsonResponse>;

function withCors(audience: Audience, response: Answer): Answer {
  if (audience === 'agent') {
    response.appendHeader('Access-Control-Allow-Origin', FLEX_ORIGIN);
    response.appendHeader('Vary', 'Origin');
  }
  return response;
}

type Run = (
  context: FunctionContext,
  params: Record<string, unknown>,
  client: twilio.Twilio,
  arrival: number,
) => Promise<object>;

/**
 * What every Function for people does first and last: refuse a client's own `request` (runtime-event)
 * and credentials sent in the URL (twilio-run logs URLs, so tokens and passwords travel in the body
 * only), then answer JSON, or the error's answer.
 */
function forPeople(audience: Audience, run: Run) {
  return async (context: FunctionContext, event: Record<string, unknown>, callback: ServerlessCallback) => {
    const arrival = Date.now();
    try {
      const { headers, params } = splitEvent(event);
      refuseCredentialsInUrl(headers, params, ['Token', 'Password']);
      const result = await run(context, params, twilioClient(context, Deadline.fromArrival(arrival)), arrival);
      callback(
        null,
        withCors(audience, result instanceof Twilio.Response ? (result as Answer) : jsonResponse(200, result)),
      );
    } catch (err) {
      callback(null, withCors(audience, errorResponse(err)));
    }
  };
}

/**
 * The shape of every Function for people: refuse without a valid token before reading anything else,
 * then run through the same library as the protected controls, with the person as the caller that the
 * Sync history and the evidence log record.
 */
export function peopleFunction<S extends Spec>(
  audience: Audience,
  spec: S,
  run: (deps: Deps, params: Parsed<S>, context: FunctionContext) => Promise<object>,
) {
  return forPeople(audience, async (context, params, client, arrival) => {
    const { Token } = parseParams(TOKEN, params);
    const person =
      audience === 'console' ? await verifyConsoleToken(context, client, Token) : await verifyFlexToken(client, Token);
    return run(controlDeps(context, arrival, person.caller, person), parseParams(spec, params), context);
  });
}

/** The console's sign-in and sign-out, which take a credential instead of a console token. */
export function credentialFunction<S extends Spec>(
  spec: S,
  run: (context: FunctionContext, client: twilio.Twilio, params: Parsed<S>) => Promise<object>,
) {
  return forPeople('console', (context, params, client) => run(context, client, parseParams(spec, params)));
}
