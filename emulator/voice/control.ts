import type { Response } from 'express';
import type { EmulatorContext } from '../app';
import { parseInput, type CallerInput } from './caller';
import type { Call, Calls } from './calls';

/** The control surface's refusal, with what is wrong: NOT_FOUND for 404, else INVALID_REQUEST. */
export const refuse = (res: Response, status: number, message: string): void => {
  res.status(status).json({ error: { code: status === 404 ? 'NOT_FOUND' : 'INVALID_REQUEST', message } });
};

/** What a caller will do when asked, or why it cannot be read. */
export function parseInputs(raw: unknown): CallerInput[] | string {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return 'inputs must be an array';
  const inputs = raw.map(parseInput);
  return inputs.find((i): i is string => typeof i === 'string') ?? (inputs as CallerInput[]);
}

/**
 * The control surface for calls: what a caller will do when asked, whether its audio is silent, and the
 * log of what each call heard and did. Callers dial in through `emulator/incoming.ts`, which knows both TwiML webhooks and Studio flows.
 */
export function callControls(ctx: EmulatorContext, calls: Calls): void {
  const liveCall = (sid: string, res: Response): Call | undefined => {
    try {
      return calls.find(sid);
    } catch {
      refuse(res, 404, `No call ${sid}`);
      return undefined;
    }
  };

  ctx.control.post('/calls/:sid/inputs', (req, res): void => {
    const call = liveCall(req.params.sid, res);
    if (!call) return;
    const inputs = parseInputs((req.body as { inputs?: unknown } | undefined)?.inputs);
    if (typeof inputs === 'string') return refuse(res, 400, inputs);
    call.inputs.push(...inputs);
    res.json({ inputs: call.inputs });
  });

  // What the call's audio is: silent audio makes its recordings (and a conference's, if every call in it is silent) end `absent` (16102).
  ctx.control.post('/calls/:sid/audio', (req, res): void => {
    const call = liveCall(req.params.sid, res);
    if (!call) return;
    const silent = (req.body as { silent?: unknown } | undefined)?.silent;
    if (typeof silent !== 'boolean') return refuse(res, 400, 'give {"silent": true} or {"silent": false}');
    call.silent = silent;
    res.json({ sid: call.sid, silent });
  });

  // With ?wait=true, answers once the call's script has nothing more to do (or after 20 s), so tests need no sleeps.
  ctx.control.get('/calls/:sid/log', async (req, res) => {
    const call = liveCall(req.params.sid, res);
    if (!call) return;
    if (req.query.wait === 'true')
      await Promise.race([call.running, new Promise((ok) => setTimeout(ok, 20_000).unref())]);
    res.json({ sid: call.sid, status: call.status, log: call.log });
  });
}
