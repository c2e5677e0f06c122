import { Router, type Request } from 'express';
import type { EmulatorContext } from '../app';
import { errors } from '../errors';
import { iso8601, newSid, single } from '../format';
import type { SyncLimits } from './limits';
import { dataBytes, page, parseData, parseTtl, parseUniqueName } from './params';
import type { FindService } from './services';

interface SyncList {
  sid: string;
  serviceSid: string;
  uniqueName: string | null;
  revision: number;
  nextIndex: number;
  items: ListItem[];
  created: number;
  updated: number;
  expires: number | null;
}

interface ListItem {
  index: number;
  data: unknown;
  revision: number;
  created: number;
  updated: number;
  expires: number | null;
}

/**
 * Sync v1 Lists and List Items of a service (found by the services module): unique
 * names, TTL (Ttl or CollectionTtl, and CollectionTtl on an item refreshing its list), indexes that
 * only grow, and paging with Order, From, Bounds and a PageToken.
 */
export function syncListsRouter(ctx: EmulatorContext, findService: FindService, limits: SyncLimits): Router {
  const lists = new Map<string, SyncList>();
  ctx.onReset(() => lists.clear());

  const live = (x: { expires: number | null }) => x.expires === null || x.expires > ctx.now();
  const expiry = (ttl: number | undefined, current: number | null) =>
    ttl === undefined ? current : ttl === 0 ? null : ctx.now() + ttl * 1000;
  const listUrl = (l: SyncList) => `https://sync.twilio.com/v1/Services/${l.serviceSid}/Lists/${l.sid}`;
  const listJson = (l: SyncList) => ({
    sid: l.sid,
    unique_name: l.uniqueName,
    account_sid: ctx.accountSid,
    service_sid: l.serviceSid,
    url: listUrl(l),
    links: { items: `${listUrl(l)}/Items`, permissions: `${listUrl(l)}/Permissions` },
    revision: String(l.revision),
    date_expires: l.expires === null ? null : iso8601(l.expires),
    date_created: iso8601(l.created),
    date_updated: iso8601(l.updated),
    created_by: 'system',
  });
  const itemJson = (l: SyncList, i: ListItem) => ({
    index: i.index,
    account_sid: ctx.accountSid,
    service_sid: l.serviceSid,
    list_sid: l.sid,
    url: `${listUrl(l)}/Items/${i.index}`,
    revision: String(i.revision),
    data: i.data,
    date_expires: i.expires === null ? null : iso8601(i.expires),
    date_created: iso8601(i.created),
    date_updated: iso8601(i.updated),
    created_by: 'system',
  });

  const findList = (req: Request) => {
    const service = findService(req.params.ServiceSid as string);
    const key = (req.params.ListSid ?? req.params.Sid) as string;
    const l = [...lists.values()].find(
      (x) => x.serviceSid === service.sid && (x.sid === key || x.uniqueName === key) && live(x),
    );
    if (!l) throw errors.notFound(`/v1/Services/${service.sid}/Lists/${key}`);
    return l;
  };
  /** Ttl is an alias of CollectionTtl that wins when both are given. */
  const collectionTtl = (req: Request) => parseTtl(req) ?? parseTtl(req, 'CollectionTtl');

  const router = Router();
  router.post('/v1/Services/:ServiceSid/Lists', (req, res) => {
    const service = findService(req.params.ServiceSid as string);
    const uniqueName = parseUniqueName(req);
    if (
      uniqueName !== null &&
      [...lists.values()].some((l) => l.serviceSid === service.sid && l.uniqueName === uniqueName && live(l))
    ) {
      throw errors.uniqueNameExists(uniqueName);
    }
    limits.create(service.sid);
    const now = ctx.now();
    const l: SyncList = {
      sid: newSid('ES'),
      serviceSid: service.sid,
      uniqueName,
      revision: 0,
      nextIndex: 0,
      items: [],
      created: now,
      updated: now,
      expires: expiry(collectionTtl(req), null),
    };
    lists.set(l.sid, l);
    res.status(201).json(listJson(l));
  });
  router.get('/v1/Services/:ServiceSid/Lists', (req, res) => {
    const service = findService(req.params.ServiceSid as string);
    const all = [...lists.values()].filter((l) => l.serviceSid === service.sid && live(l)).map(listJson);
    res.json(page(req, 'lists', `/v1/Services/${service.sid}/Lists`, all));
  });
  router.get('/v1/Services/:ServiceSid/Lists/:Sid', (req, res) => {
    const l = findList(req);
    limits.read(l.sid);
    res.json(listJson(l));
  });
  router.post('/v1/Services/:ServiceSid/Lists/:Sid', (req, res) => {
    const l = findList(req);
    limits.write(l.sid, 0);
    l.expires = expiry(collectionTtl(req), l.expires);
    l.revision += 1;
    l.updated = ctx.now();
    res.json(listJson(l));
  });
  router.delete('/v1/Services/:ServiceSid/Lists/:Sid', (req, res) => {
    const l = findList(req);
    lists.delete(l.sid);
    limits.forget(l.sid);
    res.status(204).end();
  });

  router.post('/v1/Services/:ServiceSid/Lists/:ListSid/Items', (req, res) => {
    const l = findList(req);
    const data = parseData(req);
    if (data === undefined) throw errors.missingParameter(20001, 'Data');
    const itemTtl = parseTtl(req) ?? parseTtl(req, 'ItemTtl');
    const listTtl = parseTtl(req, 'CollectionTtl');
    limits.write(l.sid, dataBytes(data));
    const now = ctx.now();
    const item: ListItem = {
      index: l.nextIndex++,
      data,
      revision: 0,
      created: now,
      updated: now,
      expires: expiry(itemTtl, null),
    };
    l.items.push(item);
    l.expires = expiry(listTtl, l.expires);
    l.revision += 1;
    l.updated = now;
    res.status(201).json(itemJson(l, item));
  });
  router.get('/v1/Services/:ServiceSid/Lists/:ListSid/Items', (req, res) => {
    const l = findList(req);
    const order = single(req, 'Order') ?? 'asc';
    const bounds = single(req, 'Bounds') ?? 'inclusive';
    if (order !== 'asc' && order !== 'desc') throw errors.invalidParameter('Order', 'must be asc or desc');
    if (bounds !== 'inclusive' && bounds !== 'exclusive')
      throw errors.invalidParameter('Bounds', 'must be inclusive or exclusive');
    limits.read(l.sid);
    const rawFrom = single(req, 'From');
    const from = rawFrom === undefined ? undefined : Number(rawFrom);
    if (from !== undefined && !Number.isInteger(from)) throw errors.invalidParameter('From', 'must be an item index');
    const items = l.items.filter(live).filter((i) => {
      if (from === undefined) return true;
      if (i.index === from) return bounds === 'inclusive';
      return order === 'asc' ? i.index > from : i.index < from;
    });
    if (order === 'desc') items.reverse();
    res.json(
      page(
        req,
        'items',
        `/v1/Services/${l.serviceSid}/Lists/${l.sid}/Items`,
        items.map((i) => itemJson(l, i)),
      ),
    );
  });
  router.get('/v1/Services/:ServiceSid/Lists/:ListSid/Items/:Index', (req, res) => {
    const l = findList(req);
    limits.read(l.sid);
    const item = l.items.find((i) => String(i.index) === req.params.Index && live(i));
    if (!item) throw errors.notFound(`/v1/Services/${l.serviceSid}/Lists/${l.sid}/Items/${req.params.Index}`);
    res.json(itemJson(l, item));
  });
  return router;
}
