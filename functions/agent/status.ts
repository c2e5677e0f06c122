// POST /agent/status: a Flex agent's button reads the recording state of their call or conference, and
// whose pause holds it, before anything is pressed.
import { TARGET, personStatus } from '../../lib/controls/people';
import { peopleFunction } from '../../lib/runtime/people-function';

export const parameters = { ...TARGET };

export const handler = peopleFunction('agent', parameters, (deps, p, context) => personStatus(deps, context, p));
