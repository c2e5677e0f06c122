// POST /console/calls: the calls and conferences Sync tracks, newest first, as a supervisor knows them
// (numbers masked, direction, duration, agents, flows by name, long pauses); Number filters by digits,
// Since (the last answer's cursor) answers only the calls changed since, with the count of all.
import { listConsoleCalls } from '../../lib/controls/console-calls';
import { pauseAlertSeconds, syncOptions } from '../../lib/env';
import { invalidParameter } from '../../lib/errors';
import { optional } from '../../lib/model/params';
import { peopleFunction } from '../../lib/runtime/people-function';

export const parameters = {
  Number: optional('digits that the caller or called number holds (3 or more)', (raw, name) => {
    const digits = raw.replace(/[\s().+-]/g, '');
    if (digits && !/^\d{3,20}$/.test(digits)) throw invalidParameter(name, 'must be 3 to 20 digits');
    return digits || undefined;
  }),
  Since: optional('the cursor of an earlier answer: only the calls changed since (a refresh)', (raw, name) => {
    if (Number.isNaN(Date.parse(raw)) || !/^\d{4}-\d\d-\d\dT/.test(raw))
      throw invalidParameter(name, 'must be a cursor this Function gave');
    return new Date(raw).toISOString();
  }),
};

export const handler = peopleFunction('console', parameters, async (deps, p, context) => ({
  alertSeconds: pauseAlertSeconds(context),
  ...(await listConsoleCalls(deps.client, {
    sync: syncOptions(context),
    workspaceSid: context.TASKROUTER_WORKSPACE_SID || undefined,
    alertSeconds: pauseAlertSeconds(context),
    number: p.Number,
    since: p.Since,
  })),
}));
