import type twilio from 'twilio';
import type { SyncOptions } from '../env';
import { ageOf, type PauseAge } from '../model/pause-alert';
import { maskNumber, numberMatches } from '../model/phone-mask';
import { callDetails, type CallDetails } from '../twilio/call-details';
import { flowNames, flowsOf } from '../twilio/studio';
import { agentsOn } from '../twilio/taskrouter';
import { listTrackedCalls, type TrackedCall } from './tracked-calls';

/**
 * The console's list: what Sync tracks (controls/tracked-calls), as a supervisor knows each call: the
 * numbers (masked), direction, start and duration from Twilio, who is on it, the flows that acted by
 * name, and a pause past PAUSE_ALERT_SECONDS. Everything beyond Sync is best effort: a row Twilio or
 * TaskRouter says nothing about still shows its SIDs and state.
 */
export type ConsoleCall = TrackedCall &
  Omit<CallDetails, 'status'> &
  Partial<PauseAge> & {
    /** Twilio's status of the call or conference (in-progress, completed…), when it answered. */
    callStatus?: string;
    /** The agents on it: from their accepted Flex tasks, else those whose token acted on it. */
    agents: string[];
    /** The Studio flows in its history (FW… → name), those Studio names. */
    flows: Record<string, string>;
  };

export interface ConsoleListOptions {
  sync: SyncOptions;
  workspaceSid?: string;
  alertSeconds: number;
  /** Digits: only calls whose caller or called number holds them. */
  number?: string;
}

/** Agents who acted, from the history's `agent:<identity>`: whose token it was, when TaskRouter names nobody. */
const actingAgents = (call: TrackedCall): string[] =>
  call.actors.filter((by) => by.startsWith('agent:')).map((by) => by.slice('agent:'.length));

async function agentsByCall(client: twilio.Twilio, workspaceSid: string | undefined, sids: string[]) {
  if (!workspaceSid || sids.length === 0) return new Map<string, string[]>();
  try {
    return await agentsOn(client, workspaceSid, sids);
  } catch (err) {
    console.warn(
      `recording-controls: the console could not read who is on the calls: ${(err as Error)?.message ?? err}`,
    );
    return new Map<string, string[]>();
  }
}

export async function listConsoleCalls(client: twilio.Twilio, options: ConsoleListOptions): Promise<ConsoleCall[]> {
  const tracked = await listTrackedCalls(client, options.sync);
  const sids = tracked.map((c) => c.sid);
  const [details, agents, names] = await Promise.all([
    callDetails(client, sids),
    agentsByCall(
      client,
      options.workspaceSid,
      tracked.filter((c) => c.live).map((c) => c.sid),
    ),
    flowNames(
      client,
      tracked.flatMap((c) => flowsOf(c.actors)),
    ),
  ]);
  const now = Date.now();
  return tracked
    .filter((call) => {
      if (!options.number) return true;
      const d = details.get(call.sid);
      return numberMatches(d?.from, options.number) || numberMatches(d?.to, options.number);
    })
    .map((call) => {
      const { status, from, to, ...rest } = details.get(call.sid) ?? { status: undefined };
      const flows = Object.fromEntries(flowsOf(call.actors).flatMap((sid) => (names[sid] ? [[sid, names[sid]]] : [])));
      return {
        ...call,
        ...rest,
        ...(status ? { callStatus: status } : {}),
        ...(from !== undefined ? { from: maskNumber(from) } : {}),
        ...(to !== undefined ? { to: maskNumber(to) } : {}),
        agents: agents.get(call.sid) ?? actingAgents(call),
        flows,
        ...(call.pausedSince ? ageOf(call.pausedSince, now, options.alertSeconds) : {}),
      };
    });
}
