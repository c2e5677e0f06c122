import { Router } from 'express';
import { createEmulator, type Emulator, type EmulatorContext, type EmulatorOptions } from './app';
import { flexModule } from './flex';
import { incomingCalls } from './incoming';
import { createStudio } from './studio';
import { syncModule } from './sync';
import { taskrouterModule } from './taskrouter';
import { createVoice } from './voice';

export type { Emulator, EmulatorOptions };

/** Voice with Studio built on it (studio imports voice, never the other way), and callers dialling in to either. */
function voiceAndStudio(ctx: EmulatorContext): Router {
  const voice = createVoice(ctx);
  const studio = createStudio(ctx, voice);
  incomingCalls(ctx, voice.calls, studio.flows);
  return Router().use(voice.router, studio.router);
}

/** The whole emulator: Twilio's Voice (2010-04-01; calls run TwiML or Studio flows), Studio (v2) and Sync (v1) routes the toolkit uses, Flex token validation, and TaskRouter's workers, tasks and reservations. */
export function createTwilioEmulator(options: EmulatorOptions): Emulator {
  return createEmulator(options, [voiceAndStudio, syncModule, flexModule, taskrouterModule]);
}
