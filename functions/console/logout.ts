// POST /console/logout: ends a console token on every instance (kept in Sync until it would have expired).
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import { errorResponse, jsonResponse } from '../../lib/runtime/responses';
import { optional, parseParams } from '../../lib/params';
import { consoleLogout } from '../../lib/runtime/console-auth';
import { refuseCredentialsInUrl } from '../../lib/runtime/credentials';
import type { FunctionContext } from '../../lib/env';
import { twilioClient } from '../../lib/twilio/client';
import { Deadline } from '../../lib/twilio/deadline';

export const parameters = { Token: optional('the console token to end', (raw) => raw) };

export const handler = async (
  context: FunctionContext,
  event: Record<string, unknown>,
  callback: ServerlessCallback,
) => {
  const arrival = Date.now();
  try {
    refuseCredentialsInUrl(event, ['Password', 'Token']);
    const { Token } = parseParams(parameters, event);
    callback(
      null,
      jsonResponse(200, await consoleLogout(context, twilioClient(context, Deadline.fromArrival(arrival)), Token)),
    );
  } catch (err) {
    callback(null, errorResponse(err));
  }
};
