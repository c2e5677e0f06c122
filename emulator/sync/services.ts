import type { Router } from 'express';
import type { EmulatorContext } from '../app';
import { errors } from '../errors';
import { iso8601, newSid, single } from '../format';
import { syncPage } from './params';

export interface Service {
  sid: string;
  uniqueName: string | null;
  friendlyName: string | null;
  created: number;
  updated: number;
}

/** Finds a service by SID or unique name (`default` included), else Twilio's 404. */
export type FindService = (key: string) => Service;

/** Sync v1 Services, with the `default` service every account has; answers how the documents and lists find theirs. */
export function syncServices(ctx: EmulatorContext, router: Router): FindService {
  const services = new Map<string, Service>();
  const makeDefault = () => {
    const now = ctx.now();
    const service: Service = {
      sid: newSid('IS'),
      uniqueName: 'default',
      friendlyName: 'Default Service',
      created: now,
      updated: now,
    };
    services.set(service.sid, service);
  };
  makeDefault();
  ctx.onReset(() => {
    services.clear();
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

  const findService: FindService = (key) => {
    const service = services.get(key) ?? [...services.values()].find((s) => s.uniqueName === key);
    if (!service) throw errors.notFound(`/v1/Services/${key}`);
    return service;
  };

  router.post('/v1/Services', (req, res) => {
    const now = ctx.now();
    const uniqueName = single(req, 'UniqueName') ?? null;
    if (uniqueName !== null && [...services.values()].some((s) => s.uniqueName === uniqueName))
      throw errors.uniqueNameExists(uniqueName);
    const service: Service = {
      sid: newSid('IS'),
      uniqueName,
      friendlyName: single(req, 'FriendlyName') ?? null,
      created: now,
      updated: now,
    };
    services.set(service.sid, service);
    res.status(201).json(serviceJson(service));
  });
  router.get('/v1/Services', (req, res) => {
    const list = [...services.values()].map(serviceJson);
    res.json(syncPage(req, 'services', '/v1/Services', list));
  });
  router.get('/v1/Services/:ServiceSid', (req, res) => {
    res.json(serviceJson(findService(req.params.ServiceSid as string)));
  });
  return findService;
}
