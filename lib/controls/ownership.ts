import type { FunctionContext } from '../env';
import { ControlError, notYourTask } from '../errors';
import { isStaff } from '../model/people';
import { workerHolds, type Target } from '../twilio/taskrouter';
import type { Deps } from './deps';

/**
 * Who may control which call: a supervisor or an admin any; an agent only a call or conference of a
 * task they have accepted (TaskRouter). Checked before anything is asked of Voice, so an agent learns
 * nothing of calls that are not theirs, not even whether they exist.
 */
export async function requireOwnership(deps: Deps, context: FunctionContext, target: Target): Promise<void> {
  const person = deps.person;
  if (!person || isStaff(person.role)) return;
  const workspaceSid = context.TASKROUTER_WORKSPACE_SID;
  if (!workspaceSid)
    throw new ControlError(
      500,
      'NOT_CONFIGURED',
      'TASKROUTER_WORKSPACE_SID is not set: an agent may control only the calls of their Flex tasks, and without the workspace none can be checked',
    );
  if (!person.workerSid || !(await workerHolds(deps.client, workspaceSid, person.workerSid, target)))
    throw notYourTask(`${target.kind} ${target.sid}`);
}
