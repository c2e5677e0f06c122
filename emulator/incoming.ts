import type { EmulatorContext } from './app';
import type { Flows } from './studio/flows';
import { validateDefinition, type FlowDefinition } from './studio/validate';
import type { Calls } from './voice/calls';
import { parseInputs, refuse } from './voice/control';

/**
 * The control route where a caller dials in: the call rings and runs a TwiML webhook (Voice) or a Studio
 * flow (Studio, built on Voice): a `Url` that is a flow's webhook, as a number's voice URL is on Twilio,
 * a saved flow's SID, or a definition saved here as the API saves it. It knows both Voice and Studio,
 * so it sits above them and neither imports it.
 */
export function incomingCalls(ctx: EmulatorContext, calls: Calls, flows: Flows): void {
  ctx.control.post('/incoming', (req, res): void => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { To, From, Url, Method, Flow, FlowSid, rewriteUrls = {} } = body;
    if (typeof To !== 'string' || typeof From !== 'string') return refuse(res, 400, 'To and From are required');
    const targets = [Url, Flow, FlowSid].filter((t) => t !== undefined).length;
    if (targets !== 1)
      return refuse(
        res,
        400,
        "give exactly one of Url (a TwiML webhook, or a Studio flow's webhook_url), Flow (a Studio flow definition) or FlowSid (a saved flow's SID)",
      );
    if (Url !== undefined && (typeof Url !== 'string' || !/^https?:\/\//.test(Url)))
      return refuse(res, 400, 'Url must be an absolute http(s) URL');
    if (
      typeof rewriteUrls !== 'object' ||
      rewriteUrls === null ||
      Object.values(rewriteUrls).some((v) => typeof v !== 'string')
    ) {
      return refuse(
        res,
        400,
        'rewriteUrls maps URL prefixes to replacements, e.g. {"https://x.twil.io": "http://localhost:3000"}',
      );
    }
    let flowSid =
      typeof FlowSid === 'string' ? FlowSid : typeof Url === 'string' ? flows.byWebhook(Url)?.sid : undefined;
    if (FlowSid !== undefined && !flows.find(String(FlowSid))) return refuse(res, 404, `No flow ${String(FlowSid)}`);
    if (!flowSid && typeof Url === 'string' && Url.startsWith('https://webhooks.twilio.com/'))
      return refuse(res, 404, `No flow of this account has the webhook ${Url}`);
    if (Flow !== undefined) {
      const failures = validateDefinition(Flow);
      if (failures.length > 0)
        return refuse(res, 400, failures.map((f) => `${f.property_path}: ${f.message}`).join('; '));
      flowSid = flows.create({
        friendlyName: 'incoming call',
        status: 'published',
        definition: Flow as FlowDefinition,
        commitMessage: null,
      }).sid;
    }
    const inputs = parseInputs(body.inputs);
    if (typeof inputs === 'string') return refuse(res, 400, inputs);
    const call = calls.create({ to: To, from: From, direction: 'inbound', inputs });
    calls.note(call, 'ringing');
    calls.run(
      call,
      flowSid
        ? { flowSid, rewriteUrls: rewriteUrls as Record<string, string> }
        : { url: Url as string, method: String(Method).toUpperCase() === 'GET' ? 'GET' : 'POST' },
    );
    res.status(201).json({ ...calls.json(call), flow_sid: flowSid ?? null });
  });
}
