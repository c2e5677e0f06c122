// POST|GET /recording/status: what is being recorded now, from Sync alone, for a flow to branch on.
import { invalidRequest } from '../../lib/errors';
import { controlFunction } from '../../lib/runtime/control-function';
import { CALLER, NEXT, optional, sid } from '../../lib/params';
import { describeRecordings } from '../../lib/controls/describe';

export const parameters = {
  CallSid: optional('the call (CA…); give this or ConferenceSid', sid('CA')),
  ConferenceSid: optional('the conference (CF…); give this or CallSid', sid('CF')),
  ...NEXT,
  ...CALLER,
};

export const handler = controlFunction(parameters, async (deps, p) => {
  if (Boolean(p.CallSid) === Boolean(p.ConferenceSid)) {
    throw invalidRequest('Give exactly one of CallSid and ConferenceSid');
  }
  return p.CallSid
    ? describeRecordings(deps.store, 'callSid', p.CallSid)
    : describeRecordings(deps.store, 'conferenceSid', p.ConferenceSid!);
});
