// POST /console/calls: the calls and conferences Sync tracks, live first, for the console.
import { listTrackedCalls } from '../../lib/console';
import { peopleFunction } from '../../lib/people-handler';
import { syncOptions } from '../../lib/twilio';

export const parameters = {};

export const handler = peopleFunction('console', parameters, async (deps, _p, context) => ({ calls: await listTrackedCalls(deps.client, syncOptions(context)) }));
