// POST /console/login: a supervisor's or admin's Flex token (Token), or ADMIN_PASSWORD (Password), for a
// console token that expires and that /console/logout ends (lib/runtime/console-auth).
import { optional } from '../../lib/params';
import { consoleLogin } from '../../lib/runtime/console-auth';
import { credentialFunction } from '../../lib/runtime/people-function';

export const parameters = {
  Token: optional('the Flex token of a supervisor or admin', (raw) => raw),
  Password: optional('the ADMIN_PASSWORD of this deployment, for accounts without Flex', (raw) => raw),
};

export const handler = credentialFunction(parameters, consoleLogin);
