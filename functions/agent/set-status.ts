// POST /agent/set-status: a Flex agent pauses, resumes or stops the recording of their call or conference.
import { RECORDING_CHOICE, RECORDING_STATUSES, STATUS_ALIASES, choice, required } from '../../lib/model/params';
import { REASON, TARGET, personControl } from '../../lib/controls/people';
import { peopleFunction } from '../../lib/runtime/people-function';

export const parameters = {
  ...TARGET,
  Status: required(
    'paused, in-progress or stopped (or pause, resume, stop)',
    choice(RECORDING_STATUSES, STATUS_ALIASES),
  ),
  ...RECORDING_CHOICE,
  ...REASON,
};

export const handler = peopleFunction('agent', parameters, (deps, p, context) =>
  personControl(deps, context, p, p.Status),
);
