// POST /console/control: start, pause, resume or stop a recording from the console, as console:admin.
import { RECORDING_CHOICE, required } from '../../lib/model/params';
import { ACTION, REASON, TARGET, personControl } from '../../lib/controls/people';
import { peopleFunction } from '../../lib/runtime/people-function';

export const parameters = {
  ...TARGET,
  Action: required('start, pause, resume or stop', ACTION),
  ...RECORDING_CHOICE,
  ...REASON,
};

export const handler = peopleFunction('console', parameters, (deps, p, context) =>
  personControl(deps, context, p, p.Action),
);
