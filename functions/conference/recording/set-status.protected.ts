// POST /conference/recording/set-status: pause or resume the recording of a conference.
import { notSupportedForConferences } from '../../../lib/errors';
import { controlFunction } from '../../../lib/runtime/control-function';
import { RECORDING_SELECTION, choice, required, setStatusOptions, sid } from '../../../lib/model/params';
import { conferenceOwner } from '../../../lib/twilio/voice';
import { setRecordingStatus } from '../../../lib/controls/set-status';

/** Only pause and resume exist for conference recordings; starting or stopping gets an answer that says why. */
function conferenceStatus(raw: string, name: string) {
  if (/^(start|started|stop|stopped)$/i.test(raw.trim())) {
    throw notSupportedForConferences();
  }
  return choice(['paused', 'in-progress'] as const, { pause: 'paused', resume: 'in-progress' })(raw, name);
}

export const parameters = {
  ConferenceSid: required('the conference (CF…)', sid('CF')),
  Status: required('paused or in-progress (or pause, resume)', conferenceStatus),
  ...RECORDING_SELECTION,
};

export const handler = controlFunction(parameters, (deps, p) =>
  setRecordingStatus(deps, conferenceOwner(deps.client, p.ConferenceSid), setStatusOptions(p)),
);
