// POST /recording/set-status: pause, resume or stop the recording of a call, by SID or by what Sync knows.
import { controlFunction } from '../../lib/handler';
import {
  NEXT, PAUSE_BEHAVIORS, RECORDING_STATUSES, STATUS_ALIASES, bool, checkPauseBehavior, choice, optional, recordingSid, required, sid,
} from '../../lib/params';
import { callOwner, setRecordingStatus } from '../../lib/recordings';

export const parameters = {
  CallSid: required('the call (CA…)', sid('CA')),
  Status: required('paused, in-progress or stopped (or pause, resume, stop)', choice(RECORDING_STATUSES, STATUS_ALIASES)),
  RecordingSid: optional('the recording (RE… or Twilio.CURRENT); default: the active recording Sync knows', recordingSid),
  PauseBehavior: optional('skip or silence, with paused (Twilio default silence)', choice(PAUSE_BEHAVIORS)),
  All: optional('true: act on every active recording of the call', bool),
  ...NEXT,
};

export const handler = controlFunction(parameters, (deps, p) => {
  checkPauseBehavior(p.Status, p.PauseBehavior);
  return setRecordingStatus(deps, callOwner(deps.client, p.CallSid), {
    status: p.Status,
    recordingSid: p.RecordingSid,
    pauseBehavior: p.PauseBehavior,
    all: p.All ?? false,
  });
});
