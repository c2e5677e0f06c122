import type { Request, Router } from 'express';
import type { EmulatorContext } from '../app';
import { errors } from '../errors';
import { iso8601, newSid } from '../format';
import type { SyncLimits } from './limits';
import { parseTtl, parseUniqueName, syncPage, ttls } from './params';
import type { FindService } from './services';

/** What a Sync List and a Sync Map share: a service's object, named or not, with a revision and a TTL. */
export interface Collection {
  sid: string;
  serviceSid: string;
  uniqueName: string | null;
  revision: number;
  created: number;
  updated: number;
  expires: number | null;
}

/**
 * The objects of one kind (`Lists` or `Maps`) across services, and their routes: created under Sync's
 * creation limit with a free unique name (`init` adds what the kind holds), listed, fetched (a read),
 * given a new TTL (a write), deleted; found by SID or unique name while live; in Twilio's shape. The
 * kind's module adds the routes of its items.
 */
export function collections<T extends Collection>(
  ctx: EmulatorContext,
  router: Router,
  kind: { path: 'Lists' | 'Maps'; key: 'lists' | 'maps'; prefix: string },
  deps: { findService: FindService; limits: SyncLimits },
  init: (base: Collection) => T,
) {
  const { findService, limits } = deps;
  const all = new Map<string, T>();
  /**
   * By `{service}/{unique name}`, the newest object of that name: Sync finds one by name in one step, and
   * only one of a name is live at a time (the creation of another is refused while it is).
   */
  const named = new Map<string, T>();
  const nameKey = (serviceSid: string, uniqueName: string) => `${serviceSid}/${uniqueName}`;
  ctx.onReset(() => {
    all.clear();
    named.clear();
  });
  const { live, expiry } = ttls(ctx);
  const url = (c: T) => `https://sync.twilio.com/v1/Services/${c.serviceSid}/${kind.path}/${c.sid}`;
  /** Ttl is an alias of CollectionTtl that wins when both are given. */
  const collectionTtl = (req: Request) => parseTtl(req) ?? parseTtl(req, 'CollectionTtl');
  const json = (c: T) => ({
    sid: c.sid,
    unique_name: c.uniqueName,
    account_sid: ctx.accountSid,
    service_sid: c.serviceSid,
    url: url(c),
    links: { items: `${url(c)}/Items`, permissions: `${url(c)}/Permissions` },
    revision: String(c.revision),
    date_expires: c.expires === null ? null : iso8601(c.expires),
    date_created: iso8601(c.created),
    date_updated: iso8601(c.updated),
    created_by: 'system',
  });
  /** The object the request's path names (`:ListSid`/`:MapSid` or `:Sid`), else 404. */
  const find = (req: Request): T => {
    const service = findService(req.params.ServiceSid as string);
    const key = (req.params.ListSid ?? req.params.MapSid ?? req.params.Sid) as string;
    const bySid = all.get(key);
    const c = bySid?.serviceSid === service.sid ? bySid : named.get(nameKey(service.sid, key));
    if (!c || !live(c)) throw errors.notFound(`/v1/Services/${service.sid}/${kind.path}/${key}`);
    return c;
  };

  const base = `/v1/Services/:ServiceSid/${kind.path}`;
  router.post(base, (req, res) => {
    const service = findService(req.params.ServiceSid as string);
    const uniqueName = parseUniqueName(req);
    const sameName = uniqueName === null ? undefined : named.get(nameKey(service.sid, uniqueName));
    if (sameName && live(sameName)) throw errors.uniqueNameExists(uniqueName!);
    const ttl = collectionTtl(req);
    limits.create(service.sid);
    const now = ctx.now();
    const c = init({
      sid: newSid(kind.prefix),
      serviceSid: service.sid,
      uniqueName,
      revision: 0,
      created: now,
      updated: now,
      expires: expiry(ttl, null),
    });
    all.set(c.sid, c);
    if (uniqueName !== null) named.set(nameKey(service.sid, uniqueName), c);
    res.status(201).json(json(c));
  });
  // A service's objects: not limited (Twilio documents no limit on listing them).
  router.get(base, (req, res) => {
    const service = findService(req.params.ServiceSid as string);
    const found = [...all.values()].filter((c) => c.serviceSid === service.sid && live(c)).map(json);
    res.json(syncPage(req, kind.key, `/v1/Services/${service.sid}/${kind.path}`, found));
  });
  router.get(`${base}/:Sid`, (req, res) => {
    const c = find(req);
    limits.read(c.sid);
    res.json(json(c));
  });
  router.post(`${base}/:Sid`, (req, res) => {
    const c = find(req);
    const ttl = collectionTtl(req);
    limits.write(c.sid, 0);
    c.expires = expiry(ttl, c.expires);
    c.revision += 1;
    c.updated = ctx.now();
    res.json(json(c));
  });
  router.delete(`${base}/:Sid`, (req, res) => {
    const c = find(req);
    all.delete(c.sid);
    if (c.uniqueName !== null && named.get(nameKey(c.serviceSid, c.uniqueName)) === c)
      named.delete(nameKey(c.serviceSid, c.uniqueName));
    limits.forget(c.sid);
    res.status(204).end();
  });
  return { live, expiry, url, find };
}
