// POST /console/calls: the calls and conferences Sync tracks, live first, for the console.
import { listTrackedCalls } from '../../lib/controls/tracked-calls';
import { peopleFunction } from '../../lib/runtime/people-function';
import { syncOptions } from '../../lib/env';

export const parameters = {};

export const handler = peopleFunction('console', parameters, async (deps, _p, context) => ({
  calls: await listTrackedCalls(deps.client, syncOptions(context)),
}));
