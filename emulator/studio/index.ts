import { Router } from 'express';
import type { EmulatorContext } from '../app';
import type { Voice } from '../voice';
import { Executions } from './executions';
import { Flows } from './flows';
import { StudioQueue } from './queue';
import { StudioRunner } from './runner';

export interface Studio {
  /** Studio's v2 REST API (Flows, Validate, Executions), to serve. */
  router: Router;
  flows: Flows;
}

/** Studio, built on Voice: flows saved through its REST API run on Voice's calls, through its callbacks and the TwiML interpreter's call parameters. */
export function createStudio(ctx: EmulatorContext, voice: Voice): Studio {
  const flows = new Flows(ctx);
  const executions = new Executions(ctx, flows);
  const queue = new StudioQueue(ctx);
  const runner = new StudioRunner(ctx, flows, executions, queue, voice);
  voice.runFlowsWith((call, generation, script) => runner.run(call, generation, script.flowSid, script.rewriteUrls));
  const router = Router();
  flows.routes(router);
  executions.routes(router);
  flows.controlRoutes();
  return { router, flows };
}
