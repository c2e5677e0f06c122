// POST /console/login: a supervisor's or admin's Flex token (Token), or ADMIN_PASSWORD (Password), for a
// console token that expires and that /console/logout ends (lib/runtime/console-auth).
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import { errorResponse, jsonResponse } from '../../lib/runtime/responses';
import { optional, parseParams } from '../../lib/params';
import { consoleLogin } from '../../lib/runtime/console-auth';
import { refuseCredentialsInUrl } from '../../lib/runtime/credentials';
import type { FunctionContext } from '../../lib/env';
import { twilioClient } from '../../lib/twilio/client';
import { Deadline } from '../../lib/twilio/deadline';

export const parameters = {
  Token: optional('the Flex token of a supervisor or admin', (raw) => raw),
  Password: optional('the ADMIN_PASSWORD of this deployment, for accounts without Flex', (raw) => raw),
};

export const handler = async (
  context: FunctionContext,
  event: Record<string, unknown>,
  callback: ServerlessCallback,
) => {
  const arrival = Date.now();
  try {
    refuseCredentialsInUrl(event, ['Password', 'Token']);
    const credentials = parseParams(parameters, event);
    const client = twilioClient(context, Deadline.fromArrival(arrival));
    callback(null, jsonResponse(200, await consoleLogin(context, client, credentials, event)));
  } catch (err) {
    callback(null, errorResponse(err));
  }
};
