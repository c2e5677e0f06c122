// POST|GET /recording/status: what is being recorded now, for a flow to branch on; a pause is checked with Twilio,
// and one past PAUSE_ALERT_SECONDS is flagged.
import { describeRecordings } from '../../lib/controls/describe';
import { pauseAlertSeconds } from '../../lib/env';
import { invalidRequest } from '../../lib/errors';
import { CALLER, NEXT, optional, sid } from '../../lib/model/params';
import { controlFunction } from '../../lib/runtime/control-function';
import { callOwner, conferenceOwner } from '../../lib/twilio/voice';

export const parameters = {
  CallSid: optional('the call (CA…); give this or ConferenceSid', sid('CA')),
  ConferenceSid: optional('the conference (CF…); give this or CallSid', sid('CF')),
  ...NEXT,
  ...CALLER,
};

export const handler = controlFunction(parameters, async (deps, p, context) => {
  if (Boolean(p.CallSid) === Boolean(p.ConferenceSid)) {
    throw invalidRequest('Give exactly one of CallSid and ConferenceSid');
  }
  const owner = p.CallSid ? callOwner(deps.client, p.CallSid) : conferenceOwner(deps.client, p.ConferenceSid!);
  return describeRecordings(deps, owner, pauseAlertSeconds(context));
});
