import { Router } from 'express';
import type { EmulatorContext } from '../app';
import { syncDocuments } from './documents';
import { syncListsRouter } from './lists';
import { syncServices } from './services';

/** Sync v1: services (with the `default` alias), documents with revisions, If-Match, TTL and Twilio's size limit, and lists. */
export function syncModule(ctx: EmulatorContext): Router {
  const router = Router();
  const findService = syncServices(ctx, router);
  syncDocuments(ctx, router, findService);
  router.use(syncListsRouter(ctx, findService));
  return router;
}
