// POST /recording/set-status: pause, resume or stop the recording of a call, by SID or by what Sync knows.
import { controlFunction } from '../../lib/runtime/control-function';
import {
  RECORDING_SELECTION,
  RECORDING_STATUSES,
  STATUS_ALIASES,
  choice,
  required,
  setStatusOptions,
  sid,
} from '../../lib/model/params';
import { callOwner } from '../../lib/twilio/voice';
import { setRecordingStatus } from '../../lib/controls/set-status';

export const parameters = {
  CallSid: required('the call (CA…)', sid('CA')),
  Status: required(
    'paused, in-progress or stopped (or pause, resume, stop)',
    choice(RECORDING_STATUSES, STATUS_ALIASES),
  ),
  ...RECORDING_SELECTION,
};

export const handler = controlFunction(parameters, (deps, p) =>
  setRecordingStatus(deps, callOwner(deps.client, p.CallSid), setStatusOptions(p)),
);
