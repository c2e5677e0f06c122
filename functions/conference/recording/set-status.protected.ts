// POST /conference/recording/set-status: pause or resume the recording of a conference.
import { ControlError } from '../../../lib/errors';
import { controlFunction } from '../../../lib/handler';
import { RECORDING_SELECTION, choice, required, setStatusOptions, sid } from '../../../lib/params';
import { conferenceOwner } from '../../../lib/recordings';
import { setRecordingStatus } from '../../../lib/set-status';

/** Only pause and resume exist for conference recordings; starting or stopping gets an answer that says why. */
function conferenceStatus(raw: string, name: string) {
  if (/^(start|started|stop|stopped)$/i.test(raw.trim())) {
    throw new ControlError(
      400,
      'NOT_SUPPORTED_FOR_CONFERENCES',
      "Twilio's API cannot start or stop a conference recording: it starts with <Conference record=\"record-from-start\"> and ends with the conference. Use paused or in-progress.",
    );
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
