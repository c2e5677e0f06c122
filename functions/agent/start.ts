// POST /agent/start: a Flex agent starts recording their call, or gets the recording it already has.
import { required, sid } from '../../lib/model/params';
import { REASON, personControl } from '../../lib/controls/people';
import { peopleFunction } from '../../lib/runtime/people-function';

export const parameters = { CallSid: required('the call to record (CA…)', sid('CA')), ...REASON };

export const handler = peopleFunction('agent', parameters, (deps, p, context) =>
  personControl(deps, context, p, 'start'),
);
