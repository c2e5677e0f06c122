// POST /console/logout: ends a console token on every instance (kept in Sync until it would have expired).
import { optional } from '../../lib/model/params';
import { consoleLogout } from '../../lib/runtime/console-auth';
import { credentialFunction } from '../../lib/runtime/people-function';

export const parameters = { Token: optional('the console token to end', (raw) => raw) };

export const handler = credentialFunction(parameters, (context, client, { Token }) =>
  consoleLogout(context, client, Token),
);
