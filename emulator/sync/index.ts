import { Router } from 'express';
import type { EmulatorContext } from '../app';
import { syncDocuments } from './documents';
import { syncLimits } from './limits';
import { syncListsRouter } from './lists';
import { syncMapsRouter } from './maps';
import { syncServices } from './services';

/**
 * Sync v1: services (with the `default` alias), documents with revisions, If-Match, TTL and Twilio's size
 * limit, lists and maps, all under Sync's rate limits (limits.ts).
 */
export function syncModule(ctx: EmulatorContext): Router {
  const router = Router();
  const findService = syncServices(ctx, router);
  const limits = syncLimits(ctx);
  syncDocuments(ctx, router, findService, limits);
  router.use(syncListsRouter(ctx, findService, limits));
  router.use(syncMapsRouter(ctx, findService, limits));
  return router;
}
