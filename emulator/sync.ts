import { Router, type Request } from 'express';
import type { EmulatorContext } from './app';
import { errors } from './errors';
import { iso8601, newSid, single } from './format';
import { syncListsRouter } from './sync-lists';

interface Service {
  sid: string;
  uniqueName: string | null;
  friendlyName: string | null;
  created: number;
  updated: number;
}

interface Document {
  sid: string;
  serviceSid: string;
  uniqueName: string | null;
  data: unknown;
  revision: number;
  created: number;
  updated: number;
  expires: number | null;
  /** Write times in the last second, for the opt-in write rate limit. */
  writes: number[];
}

/** Twilio's limit on a Document's Data, counted on its JSON text. */
const MAX_DATA_BYTES = 16 * 1024;
const SID_PATTERN = /^[A-Z]{2}[0-9a-f]{32}$/;

/** A Data form field: a JSON object of at most 16 KiB, as Documents and List Items take it. */
export function parseData(req: Request): unknown {
  const raw = (req.body as Record<string, unknown> | undefined)?.Data;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw errors.invalidParameter('Data', 'must be a JSON object as a string');
  if (Buffer.byteLength(raw) > MAX_DATA_BYTES) throw errors.dataTooLarge();
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw errors.invalidParameter('Data', 'is not valid JSON');
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw errors.invalidParameter('Data', 'must be a JSON object');
  return data;
}

/** A UniqueName: 1 to 320 characters that do not look like a SID; null when none is given. */
export function parseUniqueName(req: Request): string | null {
  const uniqueName = single(req, 'UniqueName') ?? null;
  if (uniqueName !== null && (uniqueName.length < 1 || uniqueName.length > 320 || SID_PATTERN.test(uniqueName))) throw errors.invalidUniqueName();
  return uniqueName;
}

export function parseTtl(req: Request, name = 'Ttl'): number | undefined {
  const raw = single(req, name);
  if (raw === undefined) return undefined;
  const ttl = Number(raw);
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 31_536_000) throw errors.invalidParameter(name, 'must be 0 to 31536000 seconds');
  return ttl;
}

/** Sync v1: services (with the `default` alias), documents with revisions, If-Match, TTL and Twilio's size limit, and lists. */
export function syncModule(ctx: EmulatorContext): Router {
  const services = new Map<string, Service>();
  const documents = new Map<string, Document>();
  const makeDefault = () => {
    const now = ctx.now();
    const service: Service = { sid: newSid('IS'), uniqueName: 'default', friendlyName: 'Default Service', created: now, updated: now };
    services.set(service.sid, service);
  };
  makeDefault();
  ctx.onReset(() => {
    services.clear();
    documents.clear();
    makeDefault();
  });

  const serviceUrl = (s: Service) => `https://sync.twilio.com/v1/Services/${s.sid}`;
  const serviceJson = (s: Service) => ({
    sid: s.sid,
    unique_name: s.uniqueName,
    account_sid: ctx.accountSid,
    friendly_name: s.friendlyName,
    date_created: iso8601(s.created),
    date_updated: iso8601(s.updated),
    url: serviceUrl(s),
    webhook_url: null,
    webhooks_from_rest_enabled: false,
    reachability_webhooks_enabled: false,
    acl_enabled: false,
    reachability_debouncing_enabled: false,
    reachability_debouncing_window: 5000,
    links: {
      documents: `${serviceUrl(s)}/Documents`,
      lists: `${serviceUrl(s)}/Lists`,
      maps: `${serviceUrl(s)}/Maps`,
      streams: `${serviceUrl(s)}/Streams`,
    },
  });
  const documentUrl = (d: Document) => `https://sync.twilio.com/v1/Services/${d.serviceSid}/Documents/${d.sid}`;
  const documentJson = (d: Document) => ({
    sid: d.sid,
    unique_name: d.uniqueName,
    account_sid: ctx.accountSid,
    service_sid: d.serviceSid,
    url: documentUrl(d),
    links: { permissions: `${documentUrl(d)}/Permissions` },
    revision: String(d.revision),
    data: d.data,
    date_expires: d.expires === null ? null : iso8601(d.expires),
    date_created: iso8601(d.created),
    date_updated: iso8601(d.updated),
    created_by: 'system',
  });

  const findService = (key: string) => {
    const service = services.get(key) ?? [...services.values()].find((s) => s.uniqueName === key);
    if (!service) throw errors.notFound(`/v1/Services/${key}`);
    return service;
  };
  const isLive = (d: Document) => d.expires === null || d.expires > ctx.now();
  const findDocument = (service: Service, key: string) => {
    const d = [...documents.values()].find((x) => x.serviceSid === service.sid && (x.sid === key || x.uniqueName === key) && isLive(x));
    if (!d) throw errors.notFound(`/v1/Services/${service.sid}/Documents/${key}`);
    return d;
  };
  const expiry = (ttl: number | undefined, current: number | null) =>
    ttl === undefined ? current : ttl === 0 ? null : ctx.now() + ttl * 1000;
  function countWrite(d: Document) {
    const now = ctx.now();
    const writesPerSecond = ctx.settings.syncDocumentWritesPerSecond;
    d.writes = d.writes.filter((t) => now - t < 1000);
    // Twilio's rate falls as a Document grows: full rate up to 1 KiB, about a tenth of it at 10 KiB.
    const size = Buffer.byteLength(JSON.stringify(d.data));
    const allowed = size <= 1024 ? writesPerSecond : Math.max(1, Math.floor((writesPerSecond * 1024) / size));
    if (writesPerSecond > 0 && d.writes.length >= allowed) throw errors.syncRateLimited();
    d.writes.push(now);
  }

  const router = Router();
  router.post('/v1/Services', (req, res) => {
    const now = ctx.now();
    const uniqueName = single(req, 'UniqueName') ?? null;
    if (uniqueName !== null && [...services.values()].some((s) => s.uniqueName === uniqueName)) throw errors.uniqueNameExists(uniqueName);
    const service: Service = { sid: newSid('IS'), uniqueName, friendlyName: single(req, 'FriendlyName') ?? null, created: now, updated: now };
    services.set(service.sid, service);
    res.status(201).json(serviceJson(service));
  });
  router.get('/v1/Services', (_req, res) => {
    const list = [...services.values()].map(serviceJson);
    res.json({ services: list, meta: meta('services', '/v1/Services', list.length) });
  });
  router.get('/v1/Services/:ServiceSid', (req, res) => {
    res.json(serviceJson(findService(req.params.ServiceSid as string)));
  });

  router.post('/v1/Services/:ServiceSid/Documents', (req, res) => {
    const service = findService(req.params.ServiceSid as string);
    const uniqueName = parseUniqueName(req);
    const data = parseData(req) ?? {};
    const ttl = parseTtl(req);
    if (uniqueName !== null && [...documents.values()].some((d) => d.serviceSid === service.sid && d.uniqueName === uniqueName && isLive(d))) {
      throw errors.uniqueNameExists(uniqueName);
    }
    const now = ctx.now();
    const d: Document = { sid: newSid('ET'), serviceSid: service.sid, uniqueName, data, revision: 0, created: now, updated: now, expires: expiry(ttl, null), writes: [now] };
    documents.set(d.sid, d);
    res.status(201).set('ETag', String(d.revision)).json(documentJson(d));
  });
  router.get('/v1/Services/:ServiceSid/Documents', (req, res) => {
    const service = findService(req.params.ServiceSid as string);
    const list = [...documents.values()].filter((d) => d.serviceSid === service.sid && isLive(d)).map(documentJson);
    res.json({ documents: list, meta: meta('documents', `/v1/Services/${service.sid}/Documents`, list.length) });
  });
  router.get('/v1/Services/:ServiceSid/Documents/:Sid', (req, res) => {
    const d = findDocument(findService(req.params.ServiceSid as string), req.params.Sid as string);
    res.set('ETag', String(d.revision)).json(documentJson(d));
  });
  router.post('/v1/Services/:ServiceSid/Documents/:Sid', (req, res) => {
    const d = findDocument(findService(req.params.ServiceSid as string), req.params.Sid as string);
    const data = parseData(req);
    const ttl = parseTtl(req);
    const ifMatch = req.headers['if-match'];
    if (ifMatch !== undefined && ifMatch !== String(d.revision)) throw errors.revisionMismatch();
    countWrite(d);
    if (data !== undefined) d.data = data;
    d.expires = expiry(ttl, d.expires);
    d.revision += 1;
    d.updated = ctx.now();
    res.set('ETag', String(d.revision)).json(documentJson(d));
  });
  router.delete('/v1/Services/:ServiceSid/Documents/:Sid', (req, res) => {
    const d = findDocument(findService(req.params.ServiceSid as string), req.params.Sid as string);
    documents.delete(d.sid);
    res.status(204).end();
  });
  router.use(syncListsRouter(ctx, findService));
  return router;
}

/** Sync's paging block (all items fit in the first page here). */
function meta(key: string, path: string, count: number) {
  const url = `https://sync.twilio.com${path}?PageSize=50&Page=0`;
  return { page: 0, page_size: Math.max(count, 50), first_page_url: url, previous_page_url: null, url, next_page_url: null, key };
}
