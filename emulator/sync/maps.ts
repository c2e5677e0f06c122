import { Router, type Request } from 'express';
import type { EmulatorContext } from '../app';
import { errors, TwilioApiError } from '../errors';
import { iso8601, single } from '../format';
import { collections, type Collection } from './collections';
import type { SyncLimits } from './limits';
import { checkIfMatch, dataBytes, itemsPage, parseData, parseTtl } from './params';
import type { FindService } from './services';

interface SyncMap extends Collection {
  items: Map<string, MapItem>;
}

interface MapItem {
  key: string;
  data: unknown;
  revision: number;
  created: number;
  updated: number;
  expires: number | null;
}

/** Twilio's Map Item keys: 1 to 320 characters. */
const MAX_KEY_LENGTH = 320;

const itemExists = (key: string) => new TwilioApiError(409, 54208, `Map Item already exists: ${key}`);
const itemRevisionMismatch = () =>
  new TwilioApiError(412, 54205, 'The revision of the Map Item does not match the expected revision');

/**
 * Sync v1 Maps and Map Items of a service: unique names, TTL (CollectionTtl on an item refreshing its
 * map), keys unique within their map (54208), If-Match on an item's revision (54205), items listed in
 * key order with Order, From and Bounds. Every item's read and write counts toward its map's limits.
 */
export function syncMapsRouter(ctx: EmulatorContext, findService: FindService, limits: SyncLimits): Router {
  const router = Router();
  const {
    live,
    expiry,
    url: mapUrl,
    find: findMap,
  } = collections<SyncMap>(
    ctx,
    router,
    { path: 'Maps', key: 'maps', prefix: 'MP' },
    { findService, limits },
    (base) => ({ ...base, items: new Map() }),
  );
  const itemJson = (m: SyncMap, i: MapItem) => ({
    key: i.key,
    account_sid: ctx.accountSid,
    service_sid: m.serviceSid,
    map_sid: m.sid,
    url: `${mapUrl(m)}/Items/${encodeURIComponent(i.key)}`,
    revision: String(i.revision),
    data: i.data,
    date_expires: i.expires === null ? null : iso8601(i.expires),
    date_created: iso8601(i.created),
    date_updated: iso8601(i.updated),
    created_by: 'system',
  });

  const liveItem = (m: SyncMap, key: string) => {
    const item = m.items.get(key);
    return item && live(item) ? item : undefined;
  };
  const findItem = (m: SyncMap, key: string) => {
    const item = liveItem(m, key);
    if (!item) throw errors.notFound(`/v1/Services/${m.serviceSid}/Maps/${m.sid}/Items/${key}`);
    return item;
  };
  const checkRevision = (req: Request, item: MapItem) => checkIfMatch(req, item.revision, itemRevisionMismatch);
  const touch = (m: SyncMap, req: Request) => {
    m.expires = expiry(parseTtl(req, 'CollectionTtl'), m.expires);
    m.revision += 1;
    m.updated = ctx.now();
  };

  router.post('/v1/Services/:ServiceSid/Maps/:MapSid/Items', (req, res) => {
    const m = findMap(req);
    const key = single(req, 'Key');
    if (key === undefined) throw errors.missingParameter(20001, 'Key');
    if (key.length < 1 || key.length > MAX_KEY_LENGTH)
      throw new TwilioApiError(400, 54209, `Invalid Map Item key: 1 to ${MAX_KEY_LENGTH} characters`);
    const data = parseData(req);
    if (data === undefined) throw errors.missingParameter(20001, 'Data');
    const itemTtl = parseTtl(req) ?? parseTtl(req, 'ItemTtl');
    if (liveItem(m, key)) throw itemExists(key);
    limits.write(m.sid, dataBytes(data));
    const now = ctx.now();
    const item: MapItem = { key, data, revision: 0, created: now, updated: now, expires: expiry(itemTtl, null) };
    m.items.set(key, item);
    touch(m, req);
    res.status(201).json(itemJson(m, item));
  });
  router.get('/v1/Services/:ServiceSid/Maps/:MapSid/Items', (req, res) => {
    const m = findMap(req);
    limits.read(m.sid);
    const ascending = [...m.items.values()].filter(live).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const path = `/v1/Services/${m.serviceSid}/Maps/${m.sid}/Items`;
    res.json(
      itemsPage(
        req,
        path,
        ascending,
        (i) => i.key,
        String,
        (i) => itemJson(m, i),
      ),
    );
  });
  router.get('/v1/Services/:ServiceSid/Maps/:MapSid/Items/:Key', (req, res) => {
    const m = findMap(req);
    limits.read(m.sid);
    const item = findItem(m, req.params.Key as string);
    res.set('ETag', String(item.revision)).json(itemJson(m, item));
  });
  router.post('/v1/Services/:ServiceSid/Maps/:MapSid/Items/:Key', (req, res) => {
    const m = findMap(req);
    const item = findItem(m, req.params.Key as string);
    const data = parseData(req);
    const itemTtl = parseTtl(req) ?? parseTtl(req, 'ItemTtl');
    checkRevision(req, item);
    limits.write(m.sid, dataBytes(data ?? item.data));
    if (data !== undefined) item.data = data;
    item.expires = expiry(itemTtl, item.expires);
    item.revision += 1;
    item.updated = ctx.now();
    touch(m, req);
    res.set('ETag', String(item.revision)).json(itemJson(m, item));
  });
  router.delete('/v1/Services/:ServiceSid/Maps/:MapSid/Items/:Key', (req, res) => {
    const m = findMap(req);
    const item = findItem(m, req.params.Key as string);
    checkRevision(req, item);
    limits.write(m.sid, 0);
    m.items.delete(item.key);
    m.revision += 1;
    m.updated = ctx.now();
    res.status(204).end();
  });
  return router;
}
