import { Router } from 'express';
import { Alerts } from '../alerts';
import type { EmulatorContext } from '../app';
import { CallbackDelivery } from '../callbacks';
import { errors } from '../errors';
import { Calls, type Call, type FlowScript } from './calls';
import { Conferences } from './conferences';
import { callControls } from './control';
import { Recordings } from './recordings';
import { TwimlInterpreter } from './twiml/interpreter';

/** Runs a call whose script is a flow; Voice has none of its own, Studio registers one. */
export type FlowRunner = (call: Call, generation: number, script: FlowScript) => Promise<void>;

/** Twilio Voice, and what Studio builds on. */
export interface Voice {
  /** The 2010-04-01 API routes, to serve. */
  router: Router;
  calls: Calls;
  recordings: Recordings;
  callbacks: CallbackDelivery;
  twiml: TwimlInterpreter;
  /** Twilio's debugger (warnings such as 13256, and Studio's 81001). */
  alerts: Alerts;
  /** Hands every call whose script is a flow to `run`. */
  runFlowsWith(run: FlowRunner): void;
}

/**
 * Twilio Voice (API 2010-04-01): calls and their lifecycle, call and conference recordings with their
 * status callbacks, conferences, and the TwiML calls run; calls run flows through the runner registered
 * with `runFlowsWith`.
 */
export function createVoice(ctx: EmulatorContext): Voice {
  const callbacks = new CallbackDelivery(ctx);
  const alerts = new Alerts(ctx);
  const recordings = new Recordings(ctx, callbacks, alerts);
  const conferences = new Conferences(ctx, recordings);
  const calls = new Calls(ctx, recordings, conferences);
  const silent = (callSid: string) => {
    try {
      return calls.find(callSid).silent;
    } catch {
      return false; // forgotten by a reset
    }
  };
  // A conference's recording is silent when every call that was in it is.
  recordings.silentAudio = (r) =>
    r.callSid ? silent(r.callSid) : [...conferences.find(r.conferenceSid!).joined].every(silent);
  const twiml = new TwimlInterpreter(ctx, calls, callbacks);
  let runFlow: FlowRunner = async () => {
    throw new Error('no flow runner registered with Voice');
  };
  calls.runScript = (call, generation) => {
    const script = call.script!;
    return 'flowSid' in script ? runFlow(call, generation, script) : twiml.run(call, generation, script);
  };
  callControls(ctx, calls);

  // Full path templates on one router, so that the request counters name routes by template.
  const account = Router();
  account.param('AccountSid', (_req, _res, next, sid) =>
    next(sid === ctx.accountSid ? undefined : errors.authenticate()),
  );
  const A = '/2010-04-01/Accounts/:AccountSid';
  calls.routes(account, A);
  recordings.routes(
    account,
    A,
    (sid) => calls.find(sid),
    (sid) => conferences.find(sid),
  );
  conferences.routes(account, A);
  return { router: account, calls, recordings, callbacks, twiml, alerts, runFlowsWith: (run) => (runFlow = run) };
}
