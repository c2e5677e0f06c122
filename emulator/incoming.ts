import type { EmulatorContext } from './app';
import type { StudioRunner } from './studio/runner';
import type { Calls } from './voice/calls';
import { parseInputs, refuse } from './voice/control';

/**
 * The control route where a caller dials in: the call rings and runs a TwiML webhook (Voice) or a Studio
 * flow (Studio, built on Voice). It knows both, so it sits above them and neither imports it.
 */
export function incomingCalls(ctx: EmulatorContext, calls: Calls, studio: StudioRunner): void {
  ctx.control.post('/incoming', (req, res): void => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { To, From, Url, Method, Flow, FlowSid, rewriteUrls = {} } = body;
    if (typeof To !== 'string' || typeof From !== 'string') return refuse(res, 400, 'To and From are required');
    const targets = [Url, Flow, FlowSid].filter((t) => t !== undefined).length;
    if (targets !== 1)
      return refuse(
        res,
        400,
        'give exactly one of Url (a TwiML webhook), Flow (a Studio flow definition) or FlowSid (from POST /__emulator/flows)',
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
    let flowSid = typeof FlowSid === 'string' ? FlowSid : undefined;
    if (flowSid !== undefined && !studio.has(flowSid)) return refuse(res, 404, `No flow ${flowSid}`);
    if (Flow !== undefined) {
      const flow = studio.check(Flow);
      if (typeof flow === 'string') return refuse(res, 400, flow);
      flowSid = studio.add(flow);
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
