import type twilio from 'twilio';

/**
 * Studio flows by name, for people: the evidence records a flow as `studio:FW…/FN…`, and a supervisor
 * knows it as "PCI payment". From Studio's Flows resource (GET /v2/Flows/{Sid}); a flow Studio does not
 * name (deleted, or a Studio that does not answer) stays its SID.
 */

/** Names change rarely: each process keeps them a while, and a miss a shorter while. */
const NAME_TTL_MS = 5 * 60 * 1000;
const MISS_TTL_MS = 30 * 1000;
const names = new Map<string, { name?: string; until: number }>();
const MAX_NAMES = 500;

async function flowName(client: twilio.Twilio, flowSid: string, now: number): Promise<string | undefined> {
  const cached = names.get(flowSid);
  if (cached && cached.until > now) return cached.name;
  let name: string | undefined;
  try {
    name = (await client.studio.v2.flows(flowSid).fetch()).friendlyName || undefined;
  } catch {
    name = undefined;
  }
  if (names.size >= MAX_NAMES) names.delete(names.keys().next().value!);
  names.set(flowSid, { name, until: now + (name ? NAME_TTL_MS : MISS_TTL_MS) });
  return name;
}

/** The names Studio gives the flows of `flowSids` (FW…), side by side; those it does not name are left out. */
export async function flowNames(client: twilio.Twilio, flowSids: Iterable<string>): Promise<Record<string, string>> {
  const now = Date.now();
  const sids = [...new Set(flowSids)].filter((sid) => /^FW[0-9a-f]{32}$/.test(sid));
  const pairs = await Promise.all(sids.map(async (sid) => [sid, await flowName(client, sid, now)] as const));
  return Object.fromEntries(pairs.filter((p): p is readonly [string, string] => p[1] !== undefined));
}

/** The flows named in callers such as `studio:FW…/FN…`. */
export const flowsOf = (callers: Iterable<string>): string[] =>
  [...callers].flatMap((by) => /^studio:(FW[0-9a-f]{32})/.exec(by)?.[1] ?? []);
