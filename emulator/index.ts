import { createEmulator, type Emulator, type EmulatorOptions } from './app';
import { voiceModule } from './voice';
import { syncModule } from './sync';
import { flexModule } from './flex';

export type { Emulator, EmulatorOptions };

/** The whole emulator: Twilio's Voice (2010-04-01; calls run TwiML or Studio flows) and Sync (v1) routes the toolkit uses, and Flex token validation. */
export function createTwilioEmulator(options: EmulatorOptions): Emulator {
  return createEmulator(options, [voiceModule, syncModule, flexModule]);
}
