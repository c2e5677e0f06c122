import { Router, type Request } from 'express';
import type { EmulatorContext } from '../app';
import { errors, TwilioApiError } from '../errors';
import { iso8601, newSid, single } from '../format';
import type { SyncLimits } from './limits';
import { dataBytes, page, parseData, parseTtl, parseUniqueName } from './params';
import type { FindService } from './services';

interface SyncMap {
  sid: string;
  serviceSid: string;
  uniqueName: string | null;
  revision: number;
  items: Map<string, MapItem>;
  created: number;
  updated: number;
  expires: number | null;
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
  const maps = new Map<string, SyncMap>();
  ctx.onReset(() => maps.clear());

  const live = (x: { expires: number | null }) => x.expires === null || x.expires > ctx.now();
  const expiry = (ttl: number | undefined, current: number | null) =>
    ttl === undefined ? current : ttl === 0 ? null : ctx.now() + ttl * 1000;
  const mapUrl = (m: SyncMap) => `https://sync.twilio.com/v1/Services/${m.serviceSid}/Maps/${m.sid}`;
  const mapJson = (m: SyncMap) => ({
    sid: m.sid,
    unique_name: m.uniqueName,
    account_sid: ctx.accountSid,
    service_sid: m.serviceSid,
    url: mapUrl(m),
    links: { items: `${mapUrl(m)}/Items`, permissions: `${mapUrl(m)}/Permissions` },
    revision: String(m.revision),
    date_expires: m.expires === null ? null : iso8601(m.expires),
    date_created: iso8601(m.created),
    date_updated: iso8601(m.updated),
    created_by: 'system',
  });
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

  const findMap = (req: Request) => {
    const service = findService(req.params.ServiceSid as string);
    const key = (req.params.MapSid ?? req.params.Sid) as string;
    const m = [...maps.values()].find(
      (x) => x.serviceSid === service.sid && (x.sid === key || x.uniqueName === key) && live(x),
    );
    if (!m) throw errors.notFound(`/v1/Services/${service.sid}/Maps/${key}`);
    return m;
  };
  const liveItem = (m: SyncMap, key: string) => {
    const item = m.items.get(key);
    return item && live(item) ? item : undefined;
  };
  const findItem = (m: SyncMap, key: string) => {
    const item = liveItem(m, key);
    if (!item) throw errors.notFound(`/v1/Services/${m.serviceSid}/Maps/${m.sid}/Items/${key}`);
    return item;
  };
  const checkRevision = (req: Request, item: MapItem) => {
    const ifMatch = req.headers['if-match'];
    if (ifMatch !== undefined && ifMatch !== String(item.revision)) throw itemRevisionMismatch();
  };
  /** Ttl is an alias of CollectionTtl that wins when both are given. */
  const collectionTtl = (req: Request) => parseTtl(req) ?? parseTtl(req, 'CollectionTtl');
  const touch = (m: SyncMap, req: Request) => {
    m.expires = expiry(parseTtl(req, 'CollectionTtl'), m.expires);
    m.revision += 1;
    m.updated = ctx.now();
  };

  const router = Router();
  router.post('/v1/Services/:ServiceSid/Maps', (req, res) => {
    const service = findService(req.params.ServiceSid as string);
    const uniqueName = parseUniqueName(req);
    if (
      uniqueName !== null &&
      [...maps.values()].some((m) => m.serviceSid === service.sid && m.uniqueName === uniqueName && live(m))
    ) {
      throw errors.uniqueNameExists(uniqueName);
    }
    const ttl = collectionTtl(req);
    limits.create(service.sid);
    const now = ctx.now();
    const m: SyncMap = {
      sid: newSid('MP'),
      serviceSid: service.sid,
      uniqueName,
      revision: 0,
      items: new Map(),
      created: now,
      updated: now,
      expires: expiry(ttl, null),
    };
    maps.set(m.sid, m);
    res.status(201).json(mapJson(m));
  });
  router.get('/v1/Services/:ServiceSid/Maps', (req, res) => {
    const service = findService(req.params.ServiceSid as string);
    const all = [...maps.values()].filter((m) => m.serviceSid === service.sid && live(m)).map(mapJson);
    res.json(page(req, 'maps', `/v1/Services/${service.sid}/Maps`, all));
  });
  router.get('/v1/Services/:ServiceSid/Maps/:Sid', (req, res) => {
    const m = findMap(req);
    limits.read(m.sid);
    res.json(mapJson(m));
  });
  router.post('/v1/Services/:ServiceSid/Maps/:Sid', (req, res) => {
    const m = findMap(req);
    const ttl = collectionTtl(req);
    limits.write(m.sid, 0);
    m.expires = expiry(ttl, m.expires);
    m.revision += 1;
    m.updated = ctx.now();
    res.json(mapJson(m));
  });
  router.delete('/v1/Services/:ServiceSid/Maps/:Sid', (req, res) => {
    const m = findMap(req);
    maps.delete(m.sid);
    limits.forget(m.sid);
    res.status(204).end();
  });

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
    const order = single(req, 'Order') ?? 'asc';
    const bounds = single(req, 'Bounds') ?? 'inclusive';
    if (order !== 'asc' && order !== 'desc') throw errors.invalidParameter('Order', 'must be asc or desc');
    if (bounds !== 'inclusive' && bounds !== 'exclusive')
      throw errors.invalidParameter('Bounds', 'must be inclusive or exclusive');
    limits.read(m.sid);
    const from = single(req, 'From');
    const items = [...m.items.values()]
      .filter(live)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .filter((i) => {
        if (from === undefined) return true;
        if (i.key === from) return bounds === 'inclusive';
        return order === 'asc' ? i.key > from : i.key < from;
      });
    if (order === 'desc') items.reverse();
    res.json(
      page(
        req,
        'items',
        `/v1/Services/${m.serviceSid}/Maps/${m.sid}/Items`,
        items.map((i) => itemJson(m, i)),
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
