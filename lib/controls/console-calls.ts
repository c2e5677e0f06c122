import type twilio from 'twilio';
import type { SyncOptions } from '../env';
import { ageOf, type PauseAge } from '../model/pause-alert';
import { maskNumber, numberMatches } from '../model/phone-mask';
import { callDetails, liveCalls, type CallDetails } from '../twilio/call-details';
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

const newest = (times: Array<string | undefined>, floor: string) =>
  times.reduce<string>((a, t) => (t && t > a ? t : a), floor);

export async function listConsoleCalls(client: twilio.Twilio, options: ConsoleListOptions): Promise<ConsoleList> {
  const [tracked, live] = await Promise.all([listTrackedCalls(client, options.sync), liveCalls(client)]);
  const sids = tracked.map((c) => c.sid);
  const [details, agents] = await Promise.all([
    callDetails(client, sids, live),
    agentsByCall(
      client,
      options.workspaceSid,
      tracked.filter((c) => c.live).map((c) => c.sid),
    ),
  ]);
  const matching = tracked.filter((call) => {
    if (!options.number) return true;
    const d = details.get(call.sid);
    return numberMatches(d?.from, options.number) || numberMatches(d?.to, options.number);
  });
  const cursor = newest(
    matching.flatMap((c) => [c.updatedAt, details.get(c.sid)?.endTime]),
    options.since ?? new Date(0).toISOString(),
  );
  const from = options.since ? new Date(Date.parse(options.since) - SINCE_OVERLAP_MS).toISOString() : undefined;
  const changed = from
    ? matching.filter((c) => c.updatedAt >= from || (details.get(c.sid)?.endTime ?? '') >= from)
    : matching;
  const names = await flowNames(
    client,
    changed.flatMap((c) => flowsOf(c.actors)),
  );
  const now = Date.now();
  const calls = changed.map((call) => {
    const { status, from: caller, to, ...rest } = details.get(call.sid) ?? { status: undefined };
    const flows = Object.fromEntries(flowsOf(call.actors).flatMap((sid) => (names[sid] ? [[sid, names[sid]]] : [])));
    return {
      ...call,
      ...rest,
      ...(status ? { callStatus: status } : {}),
      ...(caller !== undefined ? { from: maskNumber(caller) } : {}),
      ...(to !== undefined ? { to: maskNumber(to) } : {}),
      agents: agents.get(call.sid) ?? actingAgents(call),
      flows,
      ...(call.pausedSince ? ageOf(call.pausedSince, now, options.alertSeconds) : {}),
    };
  });
  return { calls, total: matching.length, cursor };
}
