import { Router } from 'express';
import type { EmulatorContext } from '../app';
import { errors } from '../errors';
import { iso8601 } from '../format';
import { collections, type Collection } from './collections';
import type { SyncLimits } from './limits';
import { dataBytes, itemsPage, parseData, parseTtl } from './params';
import type { FindService } from './services';

interface SyncList extends Collection {
  nextIndex: number;
  items: ListItem[];
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
  const router = Router();
  const {
    live,
    expiry,
    url: listUrl,
    find: findList,
  } = collections<SyncList>(
    ctx,
    router,
    { path: 'Lists', key: 'lists', prefix: 'ES' },
    { findService, limits },
    (base) => ({ ...base, nextIndex: 0, items: [] }),
  );
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
    limits.read(l.sid);
    const index = (raw: string) => {
      const from = Number(raw);
      if (!Number.isInteger(from)) throw errors.invalidParameter('From', 'must be an item index');
      return from;
    };
    const path = `/v1/Services/${l.serviceSid}/Lists/${l.sid}/Items`;
    res.json(
      itemsPage(
        req,
        path,
        l.items.filter(live),
        (i) => i.index,
        index,
        (i) => itemJson(l, i),
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
