import express from 'express';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the part of Twilio's Serverless API (v1) that holds an environment's variables:
 * Environments (list) and Variables (list, create, update, delete), with the request and answer shapes
 * of twilio_serverless_v1.json. What the service holds is read back with `variables()`.
 */

const sid = (prefix: string) => prefix + randomBytes(16).toString('hex');
const HOST = 'https://serverless.twilio.com';

export interface StandIn {
  url: string;
  serviceSid: string;
  environmentSid: string;
  buildSid: string;
  variables(): Record<string, string>;
  /** Every request it served, `METHOD path`. */
  requests: string[];
  close(): Promise<void>;
}

export async function startServerlessStandIn(
  accountSid: string,
  initial: Record<string, string> = {},
): Promise<StandIn> {
  const serviceSid = sid('ZS');
  const environmentSid = sid('ZE');
  const buildSid = sid('ZB');
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const vars = new Map<string, { sid: string; key: string; value: string }>();
  for (const [key, value] of Object.entries(initial)) vars.set(key, { sid: sid('ZV'), key, value });
  const requests: string[] = [];
  const envPath = `/v1/Services/${serviceSid}/Environments`;
  const varPath = `${envPath}/${environmentSid}/Variables`;
  const variableJson = (v: { sid: string; key: string; value: string }) => ({
    sid: v.sid,
    account_sid: accountSid,
    service_sid: serviceSid,
    environment_sid: environmentSid,
    key: v.key,
    value: v.value,
    date_created: now,
    date_updated: now,
    url: `${HOST}${varPath}/${v.sid}`,
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

  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use((req, _res, next) => {
    requests.push(`${req.method} ${req.path}`);
    next();
  });
  app.get(envPath, (_req, res) => {
    res.json({
      environments: [
        {
          sid: environmentSid,
          account_sid: accountSid,
          service_sid: serviceSid,
          build_sid: buildSid,
          unique_name: 'dev-environment',
          domain_suffix: 'dev',
          domain_name: 'recording-controls-1234-dev.twil.io',
          date_created: now,
          date_updated: now,
          url: `${HOST}${envPath}/${environmentSid}`,
          links: { variables: `${HOST}${varPath}` },
        },
      ],
      meta: meta('environments', envPath),
    });
  });
  app.get(varPath, (_req, res) => {
    res.json({ variables: [...vars.values()].map(variableJson), meta: meta('variables', varPath) });
  });
  app.post(varPath, (req, res) => {
    const { Key, Value } = req.body as { Key?: string; Value?: string };
    if (!Key || Value === undefined || vars.has(Key)) {
      res.status(400).json({ code: 20001, message: 'Key and Value are required, Key unique', status: 400 });
      return;
    }
    const v = { sid: sid('ZV'), key: Key, value: Value };
    vars.set(Key, v);
    res.status(201).json(variableJson(v));
  });
  const bySid = (s: string) => [...vars.values()].find((v) => v.sid === s);
  app.post(`${varPath}/:Sid`, (req, res) => {
    const v = bySid(req.params.Sid);
    if (!v) return void res.status(404).json({ code: 20404, message: 'not found', status: 404 });
    const { Key, Value } = req.body as { Key?: string; Value?: string };
    if (Key && Key !== v.key) {
      vars.delete(v.key);
      v.key = Key;
      vars.set(Key, v);
    }
    if (Value !== undefined) v.value = Value;
    res.json(variableJson(v));
  });
  app.delete(`${varPath}/:Sid`, (req, res) => {
    const v = bySid(req.params.Sid);
    if (!v) return void res.status(404).json({ code: 20404, message: 'not found', status: 404 });
    vars.delete(v.key);
    res.status(204).end();
  });
  app.use((req, res) => {
    res.status(404).json({ code: 20404, message: `The requested resource ${req.path} was not found`, status: 404 });
  });

  const server: Server = await new Promise((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    serviceSid,
    environmentSid,
    buildSid,
    variables: () => Object.fromEntries([...vars.values()].map((v) => [v.key, v.value])),
    requests,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
