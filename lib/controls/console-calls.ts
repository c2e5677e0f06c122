import type twilio from 'twilio';
import type { SyncOptions } from '../env';
import { ageOf, type PauseAge } from '../model/pause-alert';
import { maskNumber, numberMatches } from '../model/phone-mask';
import { callDetails, hasEnded, liveCalls, type CallDetails } from '../twilio/call-details';
import { flowNames, flowsOf } from '../twilio/studio';
import { agentsOn, type Agent } from '../twilio/taskrouter';
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
    /**
     * The agents on it, each by their one name, the Flex identity the history keeps (`agent:<identity>`):
     * from their accepted Flex tasks, else those whose token acted on it.
     */
    agents: string[];
    /** How to show those of `agents` TaskRouter names: their worker's friendly name, by identity. */
    agentNames: Record<string, string>;
    /** The Studio flows in its history (FW… → name), those Studio names. */
    flows: Record<string, string>;
  };

export interface ConsoleListOptions {
  sync: SyncOptions;
  workspaceSid?: string;
  alertSeconds: number;
  /** Digits: only calls whose caller or called number holds them. */
  number?: string;
  /** A cursor from an earlier answer: only the calls changed since it (a refresh). */
  since?: string;
}

export interface ConsoleList {
  /** Every call matching the filter (a full list), or those changed since `since` (a refresh). */
  calls: ConsoleCall[];
  /** How many calls match the filter in all: a page holding another count asks for the full list. */
  total: number;
  /** To send as `Since` next time: the newest change this answer saw, by Sync's and Twilio's clocks. */
  cursor: string;
}

/**
 * How far back a refresh looks before its cursor: a summary written while the shards were being listed,
 * or stamped by Sync's clock (to the second) just before the cursor, still comes in the next refresh.
 */
export const SINCE_OVERLAP_MS = 5000;

/** Agents who acted, from the history's `agent:<identity>`: whose token it was, when TaskRouter names nobody. */
const actingAgents = (call: TrackedCall): string[] =>
  call.actors.filter((by) => by.startsWith('agent:')).map((by) => by.slice('agent:'.length));

async function agentsByCall(client: twilio.Twilio, workspaceSid: string | undefined, sids: string[]) {
  if (!workspaceSid || sids.length === 0) return new Map<string, Agent[]>();
  try {
    return await agentsOn(client, workspaceSid, sids);
  } catch (err) {
    console.warn(
      `recording-controls: the console could not read who is on the calls: ${(err as Error)?.message ?? err}`,
    );
    return new Map<string, Agent[]>();
  }
}

const agentsOf = (on: Agent[] | undefined, call: TrackedCall) =>
  on
    ? { agents: on.map((a) => a.identity), agentNames: Object.fromEntries(on.map((a) => [a.identity, a.name])) }
    : { agents: actingAgents(call), agentNames: {} };

/** Sync stamps a summary's change to the second: a call learned within the second after it may predate it. */
const SYNC_STAMP_MS = 1000;

/**
 * One pass over every tracked call a poll (5,000 at a floor's scale), so no array or object per call is
 * made for the calls a refresh leaves out.
 */
export async function listConsoleCalls(client: twilio.Twilio, options: ConsoleListOptions): Promise<ConsoleList> {
  const [tracked, live] = await Promise.all([listTrackedCalls(client, options.sync), liveCalls(client)]);
  const [known, agents] = await Promise.all([
    // A summary no longer live (its recordings ended: the call may have) asks Twilio again about its call.
    callDetails(client, tracked, live, (c) => (c.live ? undefined : Date.parse(c.updatedAt) + SYNC_STAMP_MS)),
    agentsByCall(
      client,
      options.workspaceSid,
      tracked.filter((c) => c.live).map((c) => c.sid),
    ),
  ]);
  // Changed since: its summary, or its end as Twilio stamps it or as this process learned it (a call whose
  // end was learned late, from a later listing of the live calls, still comes in the next refresh).
  const fromMs = options.since ? Date.parse(options.since) - SINCE_OVERLAP_MS : undefined;
  const from = fromMs === undefined ? '' : new Date(fromMs).toISOString();
  let cursor = options.since ?? new Date(0).toISOString();
  let total = 0;
  const changed: Array<{ call: TrackedCall; details?: CallDetails }> = [];
  for (const call of tracked) {
    const k = known.get(call.sid);
    const d = k?.details;
    if (options.number && !numberMatches(d?.from, options.number) && !numberMatches(d?.to, options.number)) continue;
    total++;
    const ended = d !== undefined && hasEnded(d);
    if (call.updatedAt > cursor) cursor = call.updatedAt;
    if (ended && d.endTime && d.endTime > cursor) cursor = d.endTime;
    if (fromMs === undefined || call.updatedAt >= from || (ended && (k!.at >= fromMs || (d.endTime ?? '') >= from)))
      changed.push({ call, details: d });
  }
  const names = await flowNames(
    client,
    changed.flatMap(({ call }) => flowsOf(call.actors)),
  );
  const now = Date.now();
  const calls = changed.map(({ call, details }) => {
    const { status, from: caller, to, ...rest } = details ?? { status: undefined };
    const flows = Object.fromEntries(flowsOf(call.actors).flatMap((sid) => (names[sid] ? [[sid, names[sid]]] : [])));
    return {
      ...call,
      ...rest,
      ...(status ? { callStatus: status } : {}),
      ...(caller !== undefined ? { from: maskNumber(caller) } : {}),
      ...(to !== undefined ? { to: maskNumber(to) } : {}),
      ...agentsOf(agents.get(call.sid), call),
      flows,
      ...(call.pausedSince ? ageOf(call.pausedSince, now, options.alertSeconds) : {}),
    };
  });
  return { calls, total, cursor };
}
