import type twilio from 'twilio';
import { fromTwilioError, statusOf } from '../errors';
import { workerIdentity } from '../model/people';

/**
 * What TaskRouter says a Flex worker holds: their accepted reservations, and the calls and
 * conferences their tasks name, in the attributes Flex sets on voice tasks (`call_sid`, and
 * `conference.sid` once the conference has started).
 */

export interface Target {
  kind: 'call' | 'conference';
  sid: string;
}

/** The call and the conference a task's attributes name, as far as they name them. */
const namedIn = (attributes: string): { call?: unknown; conference?: unknown } => {
  try {
    const parsed = JSON.parse(attributes) as { call_sid?: unknown; conference?: { sid?: unknown } };
    return { call: parsed.call_sid, conference: parsed.conference?.sid };
  } catch {
    return {};
  }
};
const named = (attributes: string, target: Target): boolean => namedIn(attributes)[target.kind] === target.sid;

/**
 * Whether `workerSid` has accepted a task of `workspaceSid` that names `target`: one request for the
 * worker's accepted reservations, then one per reserved task, side by side. A worker TaskRouter does
 * not know holds nothing.
 */
export async function workerHolds(
  client: twilio.Twilio,
  workspaceSid: string,
  workerSid: string,
  target: Target,
): Promise<boolean> {
  const workspace = client.taskrouter.v1.workspaces(workspaceSid);
  try {
    const reservations = await workspace
      .workers(workerSid)
      .reservations.list({ reservationStatus: 'accepted', pageSize: 50, limit: 50 });
    const tasks = await Promise.all(reservations.map((r) => workspace.tasks(r.taskSid).fetch()));
    return tasks.some((task) => named(task.attributes, target));
  } catch (err) {
    if (statusOf(err) === 404) return false;
    throw fromTwilioError(err, `the TaskRouter tasks of worker ${workerSid}`);
  }
}

/** An agent on a call: their one name (model/people workerIdentity) and the worker's friendly name, to show. */
export interface Agent {
  identity: string;
  name: string;
}

const workersOfTask = new Map<string, Array<{ workerSid: string; workerName: string }>>();
const MAX_TASKS = 20_000;
const MAX_LOOKUPS = 100;
/** Each worker's identity (its `contact_uri`, set by Flex, never changes), or null when it has none. */
const identities = new Map<string, string | null>();

/**
 * Who is on each of `sids` (CA…, CF…): the workers on the accepted reservations of the assigned tasks that
 * name it, each by the identity their Flex token carries (so the console names them as the history does)
 * and their worker's friendly name. One request for the assigned tasks, then one per task naming one of
 * `sids` and one per worker, each once a process.
 */
export async function agentsOn(
  client: twilio.Twilio,
  workspaceSid: string,
  sids: string[],
): Promise<Map<string, Agent[]>> {
  const workspace = client.taskrouter.v1.workspaces(workspaceSid);
  const agents = new Map<string, Agent[]>();
  const wanted = new Set(sids);
  try {
    const tasks = await workspace.tasks.list({ assignmentStatus: ['assigned'], pageSize: 1000 });
    const named = tasks.flatMap((task) => {
      const { call, conference } = namedIn(task.attributes);
      const sid = [call, conference].find((s): s is string => typeof s === 'string' && wanted.has(s));
      return sid ? [{ task, sid, key: `${task.sid}@${task.dateUpdated?.toISOString()}` }] : [];
    });
    // A task's workers change only with the task: each process keeps them, and looks up at most
    // MAX_LOOKUPS new tasks a request (the rest on the next polls), so a floor of thousands costs a few requests.
    const lookups = named.filter((n) => !workersOfTask.has(n.key)).slice(0, MAX_LOOKUPS);
    await Promise.all(
      lookups.map(async ({ task, key }) => {
        const reservations = await workspace.tasks(task.sid).reservations.list({ reservationStatus: 'accepted' });
        if (workersOfTask.size >= MAX_TASKS) workersOfTask.delete(workersOfTask.keys().next().value!);
        workersOfTask.set(
          key,
          reservations.map((r) => ({ workerSid: r.workerSid, workerName: r.workerName })),
        );
      }),
    );
    const workers = [...new Set(named.flatMap(({ key }) => workersOfTask.get(key) ?? []).map((w) => w.workerSid))];
    await Promise.all(
      workers
        .filter((sid) => !identities.has(sid))
        .slice(0, MAX_LOOKUPS)
        .map(async (sid) => {
          const worker = await workspace.workers(sid).fetch();
          if (identities.size >= MAX_TASKS) identities.delete(identities.keys().next().value!);
          identities.set(sid, workerIdentity(worker.attributes) ?? null);
        }),
    );
    for (const { sid, key } of named)
      for (const { workerSid, workerName } of workersOfTask.get(key) ?? []) {
        const identity = identities.get(workerSid) ?? workerName;
        const on = agents.get(sid) ?? [];
        if (!on.some((a) => a.identity === identity)) agents.set(sid, [...on, { identity, name: workerName }]);
      }
  } catch (err) {
    throw fromTwilioError(err, `the TaskRouter tasks of workspace ${workspaceSid}`);
  }
  return agents;
}
