// POST /conference/recording/set-status: pause or resume the recording of a conference.
import { ControlError } from '../../../lib/errors';
import { controlFunction } from '../../../lib/handler';
import { NEXT, PAUSE_BEHAVIORS, bool, checkPauseBehavior, choice, optional, recordingSid, required, sid } from '../../../lib/params';
import { conferenceOwner, setRecordingStatus } from '../../../lib/recordings';

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
  RecordingSid: optional('the recording (RE… or Twilio.CURRENT); default: the active recording Sync knows', recordingSid),
  PauseBehavior: optional('skip or silence, with paused (Twilio default silence)', choice(PAUSE_BEHAVIORS)),
  All: optional('true: act on every active recording of the conference', bool),
  ...NEXT,
};

export const handler = controlFunction(parameters, (deps, p) => {
  checkPauseBehavior(p.Status, p.PauseBehavior);
  return setRecordingStatus(deps, conferenceOwner(deps.client, p.ConferenceSid), {
    status: p.Status,
    recordingSid: p.RecordingSid,
    pauseBehavior: p.PauseBehavior,
    all: p.All ?? false,
  });
});
