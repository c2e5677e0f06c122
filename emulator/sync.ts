import { Router } from 'express';
import type { EmulatorContext } from './app';

/** Sync v1: services and documents. */
export function syncModule(_ctx: EmulatorContext): Router {
  return Router();
}
