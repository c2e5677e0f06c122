import type { Router } from 'express';
import type { EmulatorContext } from '../app';
import { errors } from '../errors';
import { iso8601, newSid } from '../format';
import type { SyncLimits } from './limits';
import { checkIfMatch, dataBytes, parseData, parseTtl, parseUniqueName, syncPage, ttls } from './params';
import type { FindService, Service } from './services';

interface Document {
  sid: string;
  serviceSid: string;
  uniqueName: string | null;
  data: unknown;
  revision: number;
  created: number;
  updated: number;
  expires: number | null;
}

/** Sync v1 Documents of a service: revisions, If-Match, TTL, Twilio's size limit and its rate limits. */
export function syncDocuments(
  ctx: EmulatorContext,
  router: Router,
  findService: FindService,
  limits: SyncLimits,
): void {
  const documents = new Map<string, Document>();
  ctx.onReset(() => documents.clear());

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

  const { live: isLive, expiry } = ttls(ctx);
  const findDocument = (service: Service, key: string) => {
    const d = [...documents.values()].find(
      (x) => x.serviceSid === service.sid && (x.sid === key || x.uniqueName === key) && isLive(x),
    );
    if (!d) throw errors.notFound(`/v1/Services/${service.sid}/Documents/${key}`);
    return d;
  };
  router.post('/v1/Services/:ServiceSid/Documents', (req, res) => {
    const service = findService(req.params.ServiceSid as string);
    const uniqueName = parseUniqueName(req);
    const data = parseData(req) ?? {};
    const ttl = parseTtl(req);
    if (
      uniqueName !== null &&
      [...documents.values()].some((d) => d.serviceSid === service.sid && d.uniqueName === uniqueName && isLive(d))
    ) {
      throw errors.uniqueNameExists(uniqueName);
    }
    limits.create(service.sid);
    const now = ctx.now();
    const d: Document = {
      sid: newSid('ET'),
      serviceSid: service.sid,
      uniqueName,
      data,
      revision: 0,
      created: now,
      updated: now,
      expires: expiry(ttl, null),
    };
    documents.set(d.sid, d);
    res.status(201).set('ETag', String(d.revision)).json(documentJson(d));
  });
  router.get('/v1/Services/:ServiceSid/Documents', (req, res) => {
    const service = findService(req.params.ServiceSid as string);
    const list = [...documents.values()].filter((d) => d.serviceSid === service.sid && isLive(d)).map(documentJson);
    res.json(syncPage(req, 'documents', `/v1/Services/${service.sid}/Documents`, list));
  });
  router.get('/v1/Services/:ServiceSid/Documents/:Sid', (req, res) => {
    const d = findDocument(findService(req.params.ServiceSid as string), req.params.Sid as string);
    limits.read(d.sid);
    res.set('ETag', String(d.revision)).json(documentJson(d));
  });
  router.post('/v1/Services/:ServiceSid/Documents/:Sid', (req, res) => {
    const d = findDocument(findService(req.params.ServiceSid as string), req.params.Sid as string);
    const data = parseData(req);
    const ttl = parseTtl(req);
    checkIfMatch(req, d.revision, errors.revisionMismatch);
    limits.write(d.sid, dataBytes(data ?? d.data));
    if (data !== undefined) d.data = data;
    d.expires = expiry(ttl, d.expires);
    d.revision += 1;
    d.updated = ctx.now();
    res.set('ETag', String(d.revision)).json(documentJson(d));
  });
  router.delete('/v1/Services/:ServiceSid/Documents/:Sid', (req, res) => {
    const d = findDocument(findService(req.params.ServiceSid as string), req.params.Sid as string);
    documents.delete(d.sid);
    limits.forget(d.sid);
    res.status(204).end();
  });
}
