import { EMULATOR_WORKSPACE_SID } from '../emulator/taskrouter';
import type { RunningEmulator } from './stack';

export { EMULATOR_WORKSPACE_SID };

/** A Flex user's token from the emulator, with its worker (none when `workerSid: null`). */
export const flexUser = (em: RunningEmulator, identity: string, extra: Record<string, unknown> = {}) =>
  em.control<{ token: string; worker_sid: string | null }>('POST', '/flex/tokens', { identity, ...extra });

/**
 * Gives a worker a voice task for a call or a conference, as Flex's routing does once they accept it:
 * a task whose attributes name it as Flex's do, and the worker's accepted reservation on it.
 */
export async function giveTask(
  em: RunningEmulator,
  workerSid: string,
  target: { callSid?: string; conferenceSid?: string },
  status = 'accepted',
) {
  const attributes = {
    direction: 'inbound',
    ...(target.callSid ? { call_sid: target.callSid } : {}),
    ...(target.conferenceSid ? { conference: { sid: target.conferenceSid } } : {}),
  };
  return em.control<{ task: { sid: string }; reservation: { sid: string } }>('POST', '/taskrouter/assign', {
    workerSid,
    attributes,
    status,
  });
}
