import type twilio from 'twilio';

/**
 * Studio flows by name, for people: the evidence records a flow as `studio:FW…/FN…`, and a supervisor
 * knows it as "PCI payment". From Studio's Flows resource (GET /v2/Flows/{Sid}); a flow Studio does not
 * name (deleted, or a Studio that does not answer) stays its SID.
 */

/** Names and definitions change rarely: each process keeps them a while, and a miss a shorter while. */
const NAME_TTL_MS = 5 * 60 * 1000;
const MISS_TTL_MS = 30 * 1000;
interface FlowFacts {
  name?: string;
  /** The names of its Capture Payments widgets (`capture-payments`). */
  captureWidgets: string[];
}
const flows = new Map<string, { facts?: FlowFacts; until: number }>();
const MAX_FLOWS = 500;

async function flowFacts(client: twilio.Twilio, flowSid: string, now: number): Promise<FlowFacts | undefined> {
  const cached = flows.get(flowSid);
  if (cached && cached.until > now) return cached.facts;
  let facts: FlowFacts | undefined;
  try {
    const flow = await client.studio.v2.flows(flowSid).fetch();
    const states = (flow.definition as { states?: Array<{ name?: string; type?: string }> } | undefined)?.states;
    facts = {
      name: flow.friendlyName || undefined,
      captureWidgets: (states ?? []).filter((w) => w.type === 'capture-payments').map((w) => String(w.name)),
    };
  } catch {
    facts = undefined;
  }
  if (flows.size >= MAX_FLOWS) flows.delete(flows.keys().next().value!);
  flows.set(flowSid, { facts, until: now + (facts ? NAME_TTL_MS : MISS_TTL_MS) });
  return facts;
}

const flowName = async (client: twilio.Twilio, flowSid: string, now: number) =>
  (await flowFacts(client, flowSid, now))?.name;

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

/** A Capture Payments widget's run in one execution, as Studio's steps record it (times to the second). */
export interface StudioCaptureStep {
  /** `studio:FW…/FN…`, as the evidence names the execution. */
  by: string;
  widget: string;
  /** When the step into the widget was made, and the step out of it (with its event: success, hangup, …). */
  entered: string;
  left?: string;
  event?: string;
}

/**
 * The card captures of the executions named in `callers`, from Studio's own records: the flow's
 * definition says which widgets are Capture Payments, its execution's steps when each was entered and
 * left. `undefined` when Studio could not be read for one of them: its captures are unknown.
 */
export async function studioCaptureSteps(
  client: twilio.Twilio,
  callers: Iterable<string>,
): Promise<StudioCaptureStep[] | undefined> {
  const executions = [...new Set(callers)].flatMap((by) => {
    const m = /^studio:(FW[0-9a-f]{32})\/(FN[0-9a-f]{32})$/.exec(by);
    return m ? [{ by, flowSid: m[1], executionSid: m[2] }] : [];
  });
  const now = Date.now();
  try {
    const found = await Promise.all(
      executions.map(async ({ by, flowSid, executionSid }) => {
        const facts = await flowFacts(client, flowSid, now);
        if (!facts) throw new Error(`flow ${flowSid} could not be read`);
        if (facts.captureWidgets.length === 0) return [];
        const steps = await client.studio.v2.flows(flowSid).executions(executionSid).steps.list({ pageSize: 1000 });
        // Times are to the second, and Studio's order of a list is not documented: the n-th entry into a
        // widget is paired with its n-th exit, each in time order.
        const byTime = (a: { dateCreated: Date }, b: { dateCreated: Date }) =>
          a.dateCreated.getTime() - b.dateCreated.getTime();
        return facts.captureWidgets.flatMap((widget) => {
          const entries = steps.filter((st) => st.transitionedTo === widget).sort(byTime);
          const exits = steps.filter((st) => st.transitionedFrom === widget).sort(byTime);
          return entries.map((step, i) => ({
            by,
            widget,
            entered: step.dateCreated.toISOString(),
            ...(exits[i] ? { left: exits[i].dateCreated.toISOString(), event: exits[i].name } : {}),
          }));
        });
      }),
    );
    return found.flat();
  } catch {
    return undefined;
  }
}
