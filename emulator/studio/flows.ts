import type { Request, Router } from 'express';
import type { EmulatorContext } from '../app';
import { errors, TwilioApiError } from '../errors';
import { iso8601, newSid, single, v1Page } from '../format';
import { validateDefinition, type DefinitionError, type FlowDefinition } from './validate';

export const STUDIO = 'https://studio.twilio.com';
/** Studio's lists page as its OpenAPI says: PageSize 1 to 1000. */
export const STUDIO_PAGING = { host: STUDIO, maxPageSize: 1000 };
const STATUSES = ['draft', 'published'] as const;
type FlowStatus = (typeof STATUSES)[number];

export interface Flow {
  sid: string;
  friendlyName: string;
  status: FlowStatus;
  definition: FlowDefinition;
  revision: number;
  commitMessage: string | null;
  created: number;
  updated: number;
}

/** Studio's answer to a definition it refuses (81022): Twilio's error body with the failures in `details`. */
export class InvalidDefinition extends TwilioApiError {
  constructor(readonly failures: DefinitionError[]) {
    // The title of twilio.com/docs/api/errors/81022; the failures are in `details`.
    super(400, 81022, 'Flow definition validation failed');
  }

  toBody() {
    return { ...super.toBody(), details: { errors: this.failures } };
  }
}

const missing = (name: string) => new TwilioApiError(400, 20001, `Missing required parameter ${name} in the post body`);

/** The `Definition` parameter: JSON text (as the library and curl send it), checked as Studio checks it. */
function definitionOf(req: Request): FlowDefinition | undefined {
  const raw = (req.body as Record<string, unknown> | undefined)?.Definition;
  if (raw === undefined) return undefined;
  let parsed: unknown = raw;
  if (typeof raw === 'string') {
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw errors.invalidParameter('Definition', 'must be JSON');
    }
  }
  return checked(parsed);
}

/** The definition, if Studio would save it; else its 81022 answer. */
export function checked(definition: unknown): FlowDefinition {
  const failures = validateDefinition(definition);
  if (failures.length > 0) throw new InvalidDefinition(failures);
  return definition as FlowDefinition;
}

function statusOf(req: Request, required: boolean): FlowStatus | undefined {
  const status = single(req, 'Status');
  if (status === undefined) {
    if (required) throw missing('Status');
    return undefined;
  }
  if (!(STATUSES as readonly string[]).includes(status))
    throw errors.invalidParameter('Status', `must be one of ${STATUSES.join(', ')}`);
  return status as FlowStatus;
}

/**
 * Studio v2 Flows: create, update, fetch, list, delete and `Validate`, each definition checked as
 * Studio checks it when a flow is saved (81022 with every failure listed). Every update is a new revision.
 */
export class Flows {
  private readonly all = new Map<string, Flow>();

  constructor(private readonly ctx: EmulatorContext) {
    ctx.onReset(() => this.all.clear());
  }

  create(fields: Pick<Flow, 'friendlyName' | 'status' | 'definition' | 'commitMessage'>): Flow {
    const now = this.ctx.now();
    const flow: Flow = { ...fields, sid: newSid('FW'), revision: 1, created: now, updated: now };
    this.all.set(flow.sid, flow);
    return flow;
  }

  find(sid: string): Flow | undefined {
    return this.all.get(sid);
  }

  /** The flow whose webhook (a phone number's voice URL in Studio) is `url`, if it is one of this account's. */
  byWebhook(url: string): Flow | undefined {
    const m = /^https:\/\/webhooks\.twilio\.com\/v1\/Accounts\/(AC[0-9a-f]{32})\/Flows\/(FW[0-9a-f]{32})$/.exec(url);
    return m && m[1] === this.ctx.accountSid ? this.all.get(m[2]) : undefined;
  }

  webhookUrl(sid: string): string {
    return `https://webhooks.twilio.com/v1/Accounts/${this.ctx.accountSid}/Flows/${sid}`;
  }

  get(req: Request, param = 'Sid'): Flow {
    const flow = this.all.get(req.params[param] as string);
    if (!flow) throw errors.notFound(req.path);
    return flow;
  }

  json(f: Flow) {
    const url = `${STUDIO}/v2/Flows/${f.sid}`;
    return {
      sid: f.sid,
      account_sid: this.ctx.accountSid,
      friendly_name: f.friendlyName,
      definition: f.definition,
      status: f.status,
      revision: f.revision,
      commit_message: f.commitMessage,
      // An invalid definition is never saved here, so there is nothing to list.
      valid: true,
      errors: [],
      warnings: [],
      date_created: iso8601(f.created),
      date_updated: iso8601(f.updated),
      webhook_url: this.webhookUrl(f.sid),
      url,
      links: {
        test_users: `${url}/TestUsers`,
        revisions: `${url}/Revisions`,
        executions: `${url}/Executions`,
      },
    };
  }

  /**
   * The control surface's own way to keep a flow for incoming calls (`POST /__emulator/flows` with the
   * flow's JSON): saved as the API saves it, published, refused with the same failures.
   */
  controlRoutes() {
    this.ctx.control.post('/flows', (req, res) => {
      const failures = validateDefinition(req.body);
      if (failures.length > 0) {
        res
          .status(400)
          .json({ error: { code: 'INVALID_FLOW', message: failures[0].message, details: { errors: failures } } });
        return;
      }
      const flow = this.create({
        friendlyName: 'control surface',
        status: 'published',
        definition: req.body as FlowDefinition,
        commitMessage: null,
      });
      res.status(201).json({ sid: flow.sid, webhook_url: this.webhookUrl(flow.sid) });
    });
  }

  routes(router: Router) {
    router.post('/v2/Flows/Validate', (req, res) => {
      if (!single(req, 'FriendlyName')) throw missing('FriendlyName');
      statusOf(req, true);
      if (!definitionOf(req)) throw missing('Definition');
      res.json({ valid: true });
    });
    router.post('/v2/Flows', (req, res) => {
      const friendlyName = single(req, 'FriendlyName');
      if (!friendlyName) throw missing('FriendlyName');
      const status = statusOf(req, true)!;
      const definition = definitionOf(req);
      if (!definition) throw missing('Definition');
      const flow = this.create({
        friendlyName,
        status,
        definition,
        commitMessage: single(req, 'CommitMessage') ?? null,
      });
      res.status(201).json(this.json(flow));
    });
    router.get('/v2/Flows', (req, res) => {
      const flows = [...this.all.values()].map((f) => this.json(f));
      res.json(v1Page(req, STUDIO_PAGING, 'flows', '/v2/Flows', flows));
    });
    router.get('/v2/Flows/:Sid', (req, res) => {
      res.json(this.json(this.get(req)));
    });
    router.post('/v2/Flows/:Sid', (req, res) => {
      const flow = this.get(req);
      const status = statusOf(req, true)!;
      const definition = definitionOf(req);
      flow.status = status;
      flow.friendlyName = single(req, 'FriendlyName') ?? flow.friendlyName;
      flow.definition = definition ?? flow.definition;
      flow.commitMessage = single(req, 'CommitMessage') ?? null;
      flow.revision += 1;
      flow.updated = this.ctx.now();
      res.json(this.json(flow));
    });
    router.delete('/v2/Flows/:Sid', (req, res) => {
      this.all.delete(this.get(req).sid);
      res.status(204).end();
    });
  }
}
