import { Router } from 'express';
import type { EmulatorContext } from '../app';
import { CallbackDelivery } from '../callbacks';
import { errors } from '../errors';
import { StudioRunner } from '../studio/runner';
import { Calls } from './calls';
import { Conferences } from './conferences';
import { callControls } from './control';
import { Recordings } from './recordings';
import { TwimlInterpreter } from './twiml/interpreter';

/**
 * Twilio Voice (API 2010-04-01): calls and their lifecycle, call and conference recordings with their
 * status callbacks, conferences, the TwiML calls run, and the Studio flows incoming calls may run instead.
 */
export function voiceModule(ctx: EmulatorContext): Router {
  const callbacks = new CallbackDelivery(ctx);
  const recordings = new Recordings(ctx, callbacks);
  const conferences = new Conferences(ctx, recordings);
  const calls = new Calls(ctx, recordings, conferences);
  const twiml = new TwimlInterpreter(ctx, calls, callbacks);
  const studio = new StudioRunner(ctx, calls, callbacks, twiml);
  calls.runScript = (call, generation) => {
    const script = call.script!;
    return 'flowSid' in script ? studio.run(call, generation, script.flowSid, script.rewriteUrls) : twiml.run(call, generation, script);
  };
  callControls(ctx, calls, studio);

  // Full path templates on one router, so that the request counters name routes by template.
  const account = Router();
  account.param('AccountSid', (_req, _res, next, sid) => next(sid === ctx.accountSid ? undefined : errors.authenticate()));
  const A = '/2010-04-01/Accounts/:AccountSid';
  calls.routes(account, A);
  recordings.routes(account, A, (sid) => calls.find(sid), (sid) => conferences.find(sid));
  conferences.routes(account, A);
  return account;
}
