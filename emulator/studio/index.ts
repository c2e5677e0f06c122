import type { EmulatorContext } from '../app';
import type { Voice } from '../voice';
import { StudioRunner } from './runner';

/** Studio, built on Voice: flows run on Voice's calls, through its callbacks and the TwiML interpreter's call parameters. */
export function createStudio(ctx: EmulatorContext, voice: Voice): StudioRunner {
  const studio = new StudioRunner(ctx, voice.calls, voice.callbacks, voice.twiml);
  voice.runFlowsWith((call, generation, script) => studio.run(call, generation, script.flowSid, script.rewriteUrls));
  return studio;
}
