import type { Response } from 'express';
import type { EmulatorContext } from '../app';
import type { StudioRunner } from '../studio/runner';
import { parseInput, type CallerInput } from './caller';
import type { Call, Calls } from './calls';

const refuse = (res: Response, status: number, message: string): void => {
  res.status(status).json({ error: { code: status === 404 ? 'NOT_FOUND' : 'INVALID_REQUEST', message } });
};

function parseInputs(raw: unknown): CallerInput[] | string {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return 'inputs must be an array';
  const inputs = raw.map(parseInput);
  return inputs.find((i): i is string => typeof i === 'string') ?? (inputs as CallerInput[]);
}

/**
 * The control surface for calls: a caller dialling in (to a webhook or a Studio flow), what that caller
 * will do when asked, and the log of what each call heard and did.
 */
export function callControls(ctx: EmulatorContext, calls: Calls, studio: StudioRunner): void {
  const liveCall = (sid: string, res: Response): Call | undefined => {
    try {
      return calls.find(sid);
    } catch {
      refuse(res, 404, `No call ${sid}`);
      return undefined;
    }
  };

  ctx.control.post('/incoming', (req, res): void => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { To, From, Url, Method, Flow, FlowSid, rewriteUrls = {} } = body;
    if (typeof To !== 'string' || typeof From !== 'string') return refuse(res, 400, 'To and From are required');
    const targets = [Url, Flow, FlowSid].filter((t) => t !== undefined).length;
    if (targets !== 1) return refuse(res, 400, 'give exactly one of Url (a TwiML webhook), Flow (a Studio flow definition) or FlowSid (from POST /__emulator/flows)');
    if (Url !== undefined && (typeof Url !== 'string' || !/^https?:\/\//.test(Url))) return refuse(res, 400, 'Url must be an absolute http(s) URL');
    if (typeof rewriteUrls !== 'object' || rewriteUrls === null || Object.values(rewriteUrls).some((v) => typeof v !== 'string')) {
      return refuse(res, 400, 'rewriteUrls maps URL prefixes to replacements, e.g. {"https://x.twil.io": "http://localhost:3000"}');
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
      flowSid ? { flowSid, rewriteUrls: rewriteUrls as Record<string, string> } : { url: Url as string, method: String(Method).toUpperCase() === 'GET' ? 'GET' : 'POST' },
    );
    res.status(201).json({ ...calls.json(call), flow_sid: flowSid ?? null });
  });

  ctx.control.post('/calls/:sid/inputs', (req, res): void => {
    const call = liveCall(req.params.sid, res);
    if (!call) return;
    const inputs = parseInputs((req.body as { inputs?: unknown } | undefined)?.inputs);
    if (typeof inputs === 'string') return refuse(res, 400, inputs);
    call.inputs.push(...inputs);
    res.json({ inputs: call.inputs });
  });

  // With ?wait=true, answers once the call's script has nothing more to do (or after 20 s), so tests need no sleeps.
  ctx.control.get('/calls/:sid/log', async (req, res) => {
    const call = liveCall(req.params.sid, res);
    if (!call) return;
    if (req.query.wait === 'true') await Promise.race([call.running, new Promise((ok) => setTimeout(ok, 20_000).unref())]);
    res.json({ sid: call.sid, status: call.status, log: call.log });
  });
}
