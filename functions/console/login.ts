// POST /console/login: exchanges ADMIN_PASSWORD for a console token that expires (lib/runtime/console-auth).
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import { errorResponse, jsonResponse } from '../../lib/runtime/responses';
import { optional, parseParams } from '../../lib/params';
import { consoleLogin } from '../../lib/runtime/console-auth';
import { refuseCredentialsInUrl } from '../../lib/runtime/credentials';
import type { FunctionContext } from '../../lib/env';

export const parameters = { Password: optional('the ADMIN_PASSWORD of this deployment', (raw) => raw) };

export const handler = async (
  context: FunctionContext,
  event: Record<string, unknown>,
  callback: ServerlessCallback,
) => {
  try {
    refuseCredentialsInUrl(event, ['Password', 'Token']);
    const { Password } = parseParams(parameters, event);
    callback(null, jsonResponse(200, await consoleLogin(context, Password)));
  } catch (err) {
    callback(null, errorResponse(err));
  }
};
