import { Router } from 'express';
import type { EmulatorContext } from './app';

/** Calls, call recordings, conferences and their recordings (API 2010-04-01). */
export function voiceModule(_ctx: EmulatorContext): Router {
  return Router();
}
