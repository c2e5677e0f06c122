// POST /console/login: a supervisor's or admin's Flex token (Token), or ADMIN_PASSWORD (Password) with the
// person's Name, for a console token that expires and that /console/logout ends (lib/runtime/console-auth).
import { optional, personName } from '../../lib/model/params';
import { consoleLogin } from '../../lib/runtime/console-auth';
import { credentialFunction } from '../../lib/runtime/people-function';

export const parameters = {
  Token: optional('the Flex token of a supervisor or admin', (raw) => raw),
  Password: optional('the ADMIN_PASSWORD of this deployment, for accounts without Flex', (raw) => raw),
  Name: optional("with Password: the person's name, kept in the evidence as console:admin (Name)", personName),
};

export const handler = credentialFunction(parameters, consoleLogin);
