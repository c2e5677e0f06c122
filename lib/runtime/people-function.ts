import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import type { Deps } from '../controls/deps';
import type { FunctionContext } from '../env';
import { optional, parseParams, type Parsed, type Spec } from '../params';
import { twilioClient } from '../twilio/client';
import { Deadline } from '../twilio/deadline';
import { verifyFlexToken } from '../twilio/flex';
import { verifyConsoleToken } from './console-auth';
import { refuseCredentialsInUrl } from './credentials';
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

/**
 * The shape of every Function for people: refuse without a valid token before reading anything else,
 * then run through the same library as the protected controls, with the person as the caller that the
 * Sync history and the evidence log record. The token travels in the body only: twilio-run logs URLs.
 */
export function peopleFunction<S extends Spec>(
  audience: Audience,
  spec: S,
  run: (deps: Deps, params: Parsed<S>, context: FunctionContext) => Promise<object>,
) {
  return async (context: FunctionContext, event: Record<string, unknown>, callback: ServerlessCallback) => {
    const arrival = Date.now();
    const { request: _request, ...params } = event;
    try {
      refuseCredentialsInUrl(event, ['Token', 'Password']);
      const { Token } = parseParams(TOKEN, params);
      const client = twilioClient(context, Deadline.fromArrival(arrival));
      const person =
        audience === 'console'
          ? await verifyConsoleToken(context, client, Token)
          : await verifyFlexToken(client, Token);
      const parsed = parseParams(spec, params);
      const result = await run(controlDeps(context, arrival, person.caller, person), parsed, context);
      callback(
        null,
        withCors(audience, result instanceof Twilio.Response ? (result as Answer) : jsonResponse(200, result)),
      );
    } catch (err) {
      callback(null, withCors(audience, errorResponse(err)));
    }
  };
}
