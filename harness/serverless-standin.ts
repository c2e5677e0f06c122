import express, { type Request, type Response } from 'express';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the part of Twilio's Serverless API (v1) a deploy uses, with the request and answer
 * shapes of twilio_serverless_v1.json: Services, Environments, Functions and Assets with their
 * Versions (uploaded as multipart forms to serverless-upload.twilio.com, the one request the
 * description leaves out), Builds (`building` on the first status poll, then `completed`),
 * Deployments and Variables. What the account holds is read back with `services()`.
 */

export const SERVERLESS_HOSTS = ['serverless.twilio.com', 'serverless-upload.twilio.com'];
const HOST = 'https://serverless.twilio.com';
const UPLOAD_HOST = 'serverless-upload.twilio.com';
const RUNTIMES = ['node8', 'node10', 'node12', 'node14', 'node16', 'node18', 'node20', 'node22'];
const VISIBILITIES = ['public', 'private', 'protected'];

const newSid = (prefix: string) => prefix + randomBytes(16).toString('hex');
const stamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Version {
  sid: string;
  /** The Function's or Asset's SID. */
  parent: string;
  path: string;
  visibility: string;
  content: Buffer;
  created: string;
}
interface Build {
  sid: string;
  functionVersions: string[];
  assetVersions: string[];
  dependencies: Array<{ name: string; version: string }>;
  runtime: string;
  polls: number;
  created: string;
}
interface Environment {
  sid: string;
  uniqueName: string;
  domainSuffix: string | null;
  domainName: string;
  buildSid: string | null;
  variables: Map<string, { sid: string; key: string; value: string }>;
  deployments: Array<{ sid: string; buildSid: string; created: string }>;
  created: string;
}
interface Service {
  sid: string;
  uniqueName: string;
  friendlyName: string;
  includeCredentials: boolean;
  uiEditable: boolean;
  environments: Environment[];
  functions: Array<{ sid: string; friendlyName: string; created: string }>;
  assets: Array<{ sid: string; friendlyName: string; created: string }>;
  versions: Version[];
  builds: Build[];
  created: string;
}

/** What an environment runs: its live build's Functions and Assets, as the service holds them. */
export interface EnvironmentView {
  uniqueName: string;
  domainSuffix: string | null;
  variables: Record<string, string>;
  deployments: number;
  build?: {
    sid: string;
    runtime: string;
    dependencies: Array<{ name: string; version: string }>;
    functions: Array<{ path: string; visibility: string; content: Buffer }>;
    assets: Array<{ path: string; visibility: string; content: Buffer }>;
  };
}
export interface ServiceView {
  sid: string;
  uniqueName: string;
  includeCredentials: boolean;
  environments: EnvironmentView[];
}

export interface StandIn {
  /** Plain HTTP on loopback, for a client in the test's own process. */
  url: string;
  /** The stand-in's request handler, to serve behind a route (harness/twilio-route) as Twilio's hosts. */
  app: express.Express;
  services(): ServiceView[];
  /** Every request it served, `METHOD host path`. */
  requests: string[];
  close(): Promise<void>;
}

const fail = (res: Response, status: number, code: number, message: string) =>
  void res.status(status).json({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

/** A form field sent once, many times (`A=1&A=2`) or not at all. */
const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export async function startServerlessStandIn(accountSid: string): Promise<StandIn> {
  const services: Service[] = [];
  const requests: string[] = [];
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(express.raw({ type: 'multipart/form-data', limit: '20mb' }));
  app.use((req, _res, next) => {
    requests.push(`${req.method} ${req.hostname} ${req.path}`);
    next();
  });

  const meta = (key: string, path: string) => ({
    page: 0,
    page_size: 50,
    first_page_url: `${HOST}${path}?PageSize=50&Page=0`,
    previous_page_url: null,
    url: `${HOST}${path}?PageSize=50&Page=0`,
    next_page_url: null,
    key,
  });
  const page = (res: Response, key: string, path: string, items: object[]) =>
    void res.json({ [key]: items, meta: meta(key, path) });

  const servicePath = (s: Service) => `/v1/Services/${s.sid}`;
  const serviceJson = (s: Service) => ({
    sid: s.sid,
    account_sid: accountSid,
    friendly_name: s.friendlyName,
    unique_name: s.uniqueName,
    include_credentials: s.includeCredentials,
    ui_editable: s.uiEditable,
    domain_base: `${s.uniqueName}-1234`,
    date_created: s.created,
    date_updated: s.created,
    url: `${HOST}${servicePath(s)}`,
    links: Object.fromEntries(
      ['environments', 'functions', 'assets', 'builds'].map((k) => [
        k,
        `${HOST}${servicePath(s)}/${k[0].toUpperCase()}${k.slice(1)}`,
      ]),
    ),
  });
  const environmentJson = (s: Service, e: Environment) => {
    const path = `${servicePath(s)}/Environments/${e.sid}`;
    return {
      sid: e.sid,
      account_sid: accountSid,
      service_sid: s.sid,
      build_sid: e.buildSid,
      unique_name: e.uniqueName,
      domain_suffix: e.domainSuffix,
      domain_name: e.domainName,
      date_created: e.created,
      date_updated: e.created,
      url: `${HOST}${path}`,
      links: {
        variables: `${HOST}${path}/Variables`,
        deployments: `${HOST}${path}/Deployments`,
        logs: `${HOST}${path}/Logs`,
      },
    };
  };
  const resourceJson = (s: Service, kind: 'Functions' | 'Assets', r: Service['functions'][number]) => ({
    sid: r.sid,
    account_sid: accountSid,
    service_sid: s.sid,
    friendly_name: r.friendlyName,
    date_created: r.created,
    date_updated: r.created,
    url: `${HOST}${servicePath(s)}/${kind}/${r.sid}`,
    links: {
      [kind === 'Functions' ? 'function_versions' : 'asset_versions']:
        `${HOST}${servicePath(s)}/${kind}/${r.sid}/Versions`,
    },
  });
  const versionJson = (s: Service, kind: 'Functions' | 'Assets', v: Version) => {
    const path = `${servicePath(s)}/${kind}/${v.parent}/Versions/${v.sid}`;
    return {
      sid: v.sid,
      account_sid: accountSid,
      service_sid: s.sid,
      [kind === 'Functions' ? 'function_sid' : 'asset_sid']: v.parent,
      path: v.path,
      visibility: v.visibility,
      date_created: v.created,
      url: `${HOST}${path}`,
      ...(kind === 'Functions' ? { links: { function_version_content: `${HOST}${path}/Content` } } : {}),
    };
  };
  const isFunctionVersion = (s: Service, v: Version) => s.functions.some((f) => f.sid === v.parent);
  const buildJson = (s: Service, b: Build) => {
    const versions = (sids: string[]) => sids.map((sid) => s.versions.find((v) => v.sid === sid)!);
    return {
      sid: b.sid,
      account_sid: accountSid,
      service_sid: s.sid,
      status: b.polls > 0 ? 'completed' : 'building',
      asset_versions: versions(b.assetVersions).map((v) => versionJson(s, 'Assets', v)),
      function_versions: versions(b.functionVersions).map((v) => versionJson(s, 'Functions', v)),
      dependencies: b.dependencies,
      runtime: b.runtime,
      date_created: b.created,
      date_updated: b.created,
      url: `${HOST}${servicePath(s)}/Builds/${b.sid}`,
      links: { build_status: `${HOST}${servicePath(s)}/Builds/${b.sid}/Status` },
    };
  };
  const variableJson = (s: Service, e: Environment, v: { sid: string; key: string; value: string }) => ({
    sid: v.sid,
    account_sid: accountSid,
    service_sid: s.sid,
    environment_sid: e.sid,
    key: v.key,
    value: v.value,
    date_created: e.created,
    date_updated: e.created,
    url: `${HOST}${servicePath(s)}/Environments/${e.sid}/Variables/${v.sid}`,
  });

  const deploymentJson = (s: Service, e: Environment, d: Environment['deployments'][number]) => ({
    sid: d.sid,
    account_sid: accountSid,
    service_sid: s.sid,
    environment_sid: e.sid,
    build_sid: d.buildSid,
    date_created: d.created,
    date_updated: d.created,
    url: `${HOST}${servicePath(s)}/Environments/${e.sid}/Deployments/${d.sid}`,
  });
  // Uploads go to serverless-upload.twilio.com, everything else to serverless.twilio.com.
  app.use((req, res, next) => {
    const upload = req.method === 'POST' && /^\/v1\/Services\/\w+\/(Functions|Assets)\/\w+\/Versions$/.test(req.path);
    if (upload !== (req.hostname === UPLOAD_HOST) && req.hostname !== '127.0.0.1')
      return fail(res, 404, 20404, `The requested resource ${req.path} was not found on ${req.hostname}`);
    next();
  });

  const serviceOf = (req: Request, res: Response): Service | undefined => {
    const sid = req.params.ServiceSid ?? req.params.Sid;
    const service = services.find((s) => s.sid === sid || s.uniqueName === sid);
    if (!service) fail(res, 404, 20404, `The requested resource /Services/${sid} was not found`);
    return service;
  };
  const environmentOf = (req: Request, res: Response) => {
    const service = serviceOf(req, res);
    if (!service) return undefined;
    const environment = service.environments.find((e) => e.sid === req.params.EnvironmentSid);
    if (!environment) return void fail(res, 404, 20404, `Environment ${req.params.EnvironmentSid} was not found`);
    return { service, environment };
  };

  app.get('/v1/Services', (_req, res) => page(res, 'services', '/v1/Services', services.map(serviceJson)));
  app.post('/v1/Services', (req, res) => {
    const { UniqueName, FriendlyName, IncludeCredentials, UiEditable } = req.body as Record<string, string>;
    if (!UniqueName || !FriendlyName) return fail(res, 400, 20001, 'UniqueName and FriendlyName are required');
    if (services.some((s) => s.uniqueName === UniqueName))
      return fail(res, 409, 20409, `Service with UniqueName ${UniqueName} already exists`);
    const service: Service = {
      sid: newSid('ZS'),
      uniqueName: UniqueName,
      friendlyName: FriendlyName,
      includeCredentials: IncludeCredentials !== 'false',
      uiEditable: UiEditable === 'true',
      environments: [],
      functions: [],
      assets: [],
      versions: [],
      builds: [],
      created: stamp(),
    };
    services.push(service);
    res.status(201).json(serviceJson(service));
  });
  app.get('/v1/Services/:Sid', (req, res) => {
    const service = serviceOf(req, res);
    if (service) res.json(serviceJson(service));
  });

  app.get('/v1/Services/:ServiceSid/Environments', (req, res) => {
    const s = serviceOf(req, res);
    if (s)
      page(
        res,
        'environments',
        `${servicePath(s)}/Environments`,
        s.environments.map((e) => environmentJson(s, e)),
      );
  });
  app.post('/v1/Services/:ServiceSid/Environments', (req, res) => {
    const s = serviceOf(req, res);
    if (!s) return;
    const { UniqueName, DomainSuffix } = req.body as Record<string, string | undefined>;
    if (!UniqueName) return fail(res, 400, 20001, 'UniqueName is required');
    if (s.environments.some((e) => e.uniqueName === UniqueName || (DomainSuffix && e.domainSuffix === DomainSuffix)))
      return fail(res, 409, 20409, `Environment ${UniqueName} already exists`);
    const environment: Environment = {
      sid: newSid('ZE'),
      uniqueName: UniqueName,
      domainSuffix: DomainSuffix ?? null,
      domainName: `${s.uniqueName}-1234${DomainSuffix ? `-${DomainSuffix}` : ''}.twil.io`,
      buildSid: null,
      variables: new Map(),
      deployments: [],
      created: stamp(),
    };
    s.environments.push(environment);
    res.status(201).json(environmentJson(s, environment));
  });
  app.get('/v1/Services/:ServiceSid/Environments/:EnvironmentSid', (req, res) => {
    const found = environmentOf(req, res);
    if (found) res.json(environmentJson(found.service, found.environment));
  });

  for (const kind of ['Functions', 'Assets'] as const) {
    const key = kind === 'Functions' ? 'functions' : 'assets';
    app.get(`/v1/Services/:ServiceSid/${kind}`, (req, res) => {
      const s = serviceOf(req, res);
      if (s)
        page(
          res,
          key,
          `${servicePath(s)}/${kind}`,
          s[key].map((r) => resourceJson(s, kind, r)),
        );
    });
    app.post(`/v1/Services/:ServiceSid/${kind}`, (req, res) => {
      const s = serviceOf(req, res);
      if (!s) return;
      const { FriendlyName } = req.body as Record<string, string | undefined>;
      if (!FriendlyName) return fail(res, 400, 20001, 'FriendlyName is required');
      const resource = { sid: newSid('ZH'), friendlyName: FriendlyName, created: stamp() };
      s[key].push(resource);
      res.status(201).json(resourceJson(s, kind, resource));
    });
    app.post(`/v1/Services/:ServiceSid/${kind}/:Sid/Versions`, async (req, res) => {
      const s = services.find((x) => x.sid === req.params.ServiceSid);
      if (!s || !s[key].some((r) => r.sid === req.params.Sid))
        return fail(res, 404, 20404, `The requested resource ${req.path} was not found`);
      if (!Buffer.isBuffer(req.body)) return fail(res, 400, 20001, 'Expected a multipart/form-data body');
      const form = await new globalThis.Request('http://upload/', {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type']! },
        body: req.body,
      }).formData();
      const path = form.get('Path');
      const visibility = form.get('Visibility');
      const content = form.get('Content');
      if (typeof path !== 'string' || !path.startsWith('/'))
        return fail(res, 400, 20001, 'Path is required and must start with /');
      if (typeof visibility !== 'string' || !VISIBILITIES.includes(visibility))
        return fail(res, 400, 20001, `Visibility must be one of ${VISIBILITIES.join(', ')}`);
      if (!content || typeof content === 'string') return fail(res, 400, 20001, 'Content must be a file');
      const version: Version = {
        sid: newSid('ZN'),
        parent: req.params.Sid,
        path,
        visibility,
        content: Buffer.from(await content.arrayBuffer()),
        created: stamp(),
      };
      s.versions.push(version);
      // As Twilio's upload host answers: the version as JSON (twilio-run reads it as text).
      res.status(201).json(versionJson(s, kind, version));
    });
    app.get(`/v1/Services/:ServiceSid/${kind}/:Sid/Versions`, (req, res) => {
      const s = serviceOf(req, res);
      if (!s) return;
      const versions = s.versions.filter((v) => v.parent === req.params.Sid);
      const versionsKey = kind === 'Functions' ? 'function_versions' : 'asset_versions';
      page(
        res,
        versionsKey,
        `${servicePath(s)}/${kind}/${req.params.Sid}/Versions`,
        versions.map((v) => versionJson(s, kind, v)),
      );
    });
  }
  app.get('/v1/Services/:ServiceSid/Functions/:Sid/Versions/:VersionSid/Content', (req, res) => {
    const s = serviceOf(req, res);
    const v = s?.versions.find((x) => x.sid === req.params.VersionSid && x.parent === req.params.Sid);
    if (!s) return;
    if (!v) return fail(res, 404, 20404, `Function version ${req.params.VersionSid} was not found`);
    res.json({
      sid: v.sid,
      account_sid: accountSid,
      service_sid: s.sid,
      function_sid: v.parent,
      content: v.content.toString(),
      url: `${HOST}${req.path}`,
    });
  });

  app.get('/v1/Services/:ServiceSid/Builds', (req, res) => {
    const s = serviceOf(req, res);
    if (s)
      page(
        res,
        'builds',
        `${servicePath(s)}/Builds`,
        s.builds.map((b) => buildJson(s, b)),
      );
  });
  app.post('/v1/Services/:ServiceSid/Builds', (req, res) => {
    const s = serviceOf(req, res);
    if (!s) return;
    const body = req.body as Record<string, string | string[] | undefined>;
    const functionVersions = list(body.FunctionVersions);
    const assetVersions = list(body.AssetVersions);
    const runtime = (body.Runtime as string | undefined) ?? 'node22';
    if (!RUNTIMES.includes(runtime)) return fail(res, 400, 20001, `Runtime must be one of ${RUNTIMES.join(', ')}`);
    for (const [sids, functions] of [
      [functionVersions, true],
      [assetVersions, false],
    ] as const) {
      const unknown = sids.find((sid) => {
        const v = s.versions.find((x) => x.sid === sid);
        return !v || isFunctionVersion(s, v) !== functions;
      });
      if (unknown)
        return fail(res, 400, 20001, `${unknown} is not a ${functions ? 'Function' : 'Asset'} Version of this service`);
    }
    let dependencies: Build['dependencies'] = [];
    if (typeof body.Dependencies === 'string') {
      // twilio-run sends the JSON list wrapped in double quotes.
      try {
        dependencies = JSON.parse(body.Dependencies.replace(/^"(.*)"$/s, '$1'));
      } catch {
        return fail(res, 400, 20001, 'Dependencies must be a JSON list of {name, version}');
      }
    }
    const build: Build = {
      sid: newSid('ZB'),
      functionVersions,
      assetVersions,
      dependencies,
      runtime,
      polls: 0,
      created: stamp(),
    };
    s.builds.push(build);
    res.status(201).json(buildJson(s, build));
  });
  const buildOf = (req: Request, res: Response) => {
    const s = serviceOf(req, res);
    const b = s?.builds.find((x) => x.sid === req.params.Sid);
    if (s && !b) fail(res, 404, 20404, `Build ${req.params.Sid} was not found`);
    return s && b ? { s, b } : undefined;
  };
  app.get('/v1/Services/:ServiceSid/Builds/:Sid', (req, res) => {
    const found = buildOf(req, res);
    if (found) res.json(buildJson(found.s, found.b));
  });
  app.get('/v1/Services/:ServiceSid/Builds/:Sid/Status', (req, res) => {
    const found = buildOf(req, res);
    if (!found) return;
    const { s, b } = found;
    const status = buildJson(s, b).status;
    b.polls++;
    res.json({ sid: b.sid, account_sid: accountSid, service_sid: s.sid, status, url: `${HOST}${req.path}` });
  });

  app.get('/v1/Services/:ServiceSid/Environments/:EnvironmentSid/Deployments', (req, res) => {
    const found = environmentOf(req, res);
    if (!found) return;
    const { service: s, environment: e } = found;
    const path = `${servicePath(s)}/Environments/${e.sid}/Deployments`;
    page(
      res,
      'deployments',
      path,
      e.deployments.map((d) => deploymentJson(s, e, d)),
    );
  });
  app.post('/v1/Services/:ServiceSid/Environments/:EnvironmentSid/Deployments', (req, res) => {
    const found = environmentOf(req, res);
    if (!found) return;
    const { service: s, environment: e } = found;
    const { BuildSid } = req.body as Record<string, string | undefined>;
    const build = s.builds.find((b) => b.sid === BuildSid);
    if (!build) return fail(res, 400, 20001, 'BuildSid must name a Build of this service');
    if (build.polls === 0) return fail(res, 400, 20001, `Build ${build.sid} has not completed`);
    const deployment = { sid: newSid('ZD'), buildSid: build.sid, created: stamp() };
    e.deployments.push(deployment);
    e.buildSid = build.sid;
    res.status(201).json(deploymentJson(s, e, deployment));
  });

  const variablesPath = '/v1/Services/:ServiceSid/Environments/:EnvironmentSid/Variables';
  app.get(variablesPath, (req, res) => {
    const found = environmentOf(req, res);
    if (!found) return;
    const { service: s, environment: e } = found;
    page(
      res,
      'variables',
      `${servicePath(s)}/Environments/${e.sid}/Variables`,
      [...e.variables.values()].map((v) => variableJson(s, e, v)),
    );
  });
  app.post(variablesPath, (req, res) => {
    const found = environmentOf(req, res);
    if (!found) return;
    const { service: s, environment: e } = found;
    const { Key, Value } = req.body as { Key?: string; Value?: string };
    if (!Key || Value === undefined) return fail(res, 400, 20001, 'Key and Value are required');
    if (e.variables.has(Key)) return fail(res, 409, 20409, `Variable ${Key} already exists`);
    const v = { sid: newSid('ZV'), key: Key, value: Value };
    e.variables.set(Key, v);
    res.status(201).json(variableJson(s, e, v));
  });
  const variableOf = (req: Request, res: Response) => {
    const found = environmentOf(req, res);
    const v = found && [...found.environment.variables.values()].find((x) => x.sid === req.params.Sid);
    if (found && !v) fail(res, 404, 20404, `Variable ${req.params.Sid} was not found`);
    return found && v ? { ...found, v } : undefined;
  };
  app.post(`${variablesPath}/:Sid`, (req, res) => {
    const found = variableOf(req, res);
    if (!found) return;
    const { service: s, environment: e, v } = found;
    const { Key, Value } = req.body as { Key?: string; Value?: string };
    if (Key && Key !== v.key) {
      e.variables.delete(v.key);
      v.key = Key;
      e.variables.set(Key, v);
    }
    if (Value !== undefined) v.value = Value;
    res.json(variableJson(s, e, v));
  });
  app.delete(`${variablesPath}/:Sid`, (req, res) => {
    const found = variableOf(req, res);
    if (!found) return;
    found.environment.variables.delete(found.v.key);
    res.status(204).end();
  });
  app.use((req, res) => fail(res, 404, 20404, `The requested resource ${req.path} was not found`));

  const view = (s: Service): ServiceView => ({
    sid: s.sid,
    uniqueName: s.uniqueName,
    includeCredentials: s.includeCredentials,
    environments: s.environments.map((e) => {
      const build = s.builds.find((b) => b.sid === e.buildSid);
      const files = (sids: string[]) =>
        sids
          .map((sid) => s.versions.find((v) => v.sid === sid)!)
          .map(({ path, visibility, content }) => ({ path, visibility, content }))
          .sort((a, b) => a.path.localeCompare(b.path));
      return {
        uniqueName: e.uniqueName,
        domainSuffix: e.domainSuffix,
        variables: Object.fromEntries([...e.variables.values()].map((v) => [v.key, v.value])),
        deployments: e.deployments.length,
        ...(build
          ? {
              build: {
                sid: build.sid,
                runtime: build.runtime,
                dependencies: build.dependencies,
                functions: files(build.functionVersions),
                assets: files(build.assetVersions),
              },
            }
          : {}),
      };
    }),
  });

  const server: Server = await new Promise((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    app,
    services: () => services.map(view),
    requests,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
