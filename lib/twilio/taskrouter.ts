import type twilio from 'twilio';
import { fromTwilioError, statusOf } from '../errors';

/**
 * What TaskRouter says a Flex worker holds: their accepted reservations, and the calls and
 * conferences their tasks name, in the attributes Flex sets on voice tasks (`call_sid`, and
 * `conference.sid` once the conference has started).
 */

export interface Target {
  kind: 'call' | 'conference';
  sid: string;
}

const named = (attributes: string, target: Target): boolean => {
  try {
    const parsed = JSON.parse(attributes) as { call_sid?: unknown; conference?: { sid?: unknown } };
    return target.kind === 'call' ? parsed.call_sid === target.sid : parsed.conference?.sid === target.sid;
  } catch {
    return false;
  }
};

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
