import type { Request, Router } from 'express';
import type { EmulatorContext } from '../app';
import { errors } from '../errors';
import { iso8601, newSid, v1Page } from '../format';
import { STUDIO, STUDIO_PAGING, type Flows } from './flows';

/** One transition of an execution: the widget that ended, the event it ended with, and where it led. */
interface Step {
  sid: string;
  name: string;
  from: string;
  to: string;
  /** What the widget that ended left behind (`widgets.<from>`). */
  context: Record<string, unknown>;
  created: number;
}

export interface Execution {
  sid: string;
  flowSid: string;
  contact: string;
  status: 'active' | 'ended';
  /** The Liquid scope the widgets see: `trigger`, `widgets`, `flow`, `contact`. */
  context: object;
  steps: Step[];
  created: number;
  updated: number;
}

/** Where a transition leads when it leads nowhere: the execution ends. */
const ENDED = 'Ended';

const inRange = (ms: number, from: unknown, to: unknown) =>
  (typeof from !== 'string' || ms >= Date.parse(from)) && (typeof to !== 'string' || ms < Date.parse(to));

/**
 * Studio v2 Executions, with their steps and contexts, as the runner leaves them: an execution per
 * call a flow runs, a step per widget that ended. Read only: executions start when a call comes in.
 */
export class Executions {
  private readonly all = new Map<string, Execution>();

  constructor(
    private readonly ctx: EmulatorContext,
    private readonly flows: Flows,
  ) {
    ctx.onReset(() => this.all.clear());
  }

  start(flowSid: string, contact: string, context: object): Execution {
    const now = this.ctx.now();
    const execution: Execution = {
      sid: newSid('FN'),
      flowSid,
      contact,
      status: 'active',
      context,
      steps: [],
      created: now,
      updated: now,
    };
    this.all.set(execution.sid, execution);
    return execution;
  }

  step(execution: Execution, from: string, event: string, to: string | undefined, context: Record<string, unknown>) {
    const now = this.ctx.now();
    execution.steps.push({ sid: newSid('FT'), name: event, from, to: to ?? ENDED, context, created: now });
    execution.updated = now;
  }

  end(execution: Execution) {
    execution.status = 'ended';
    execution.updated = this.ctx.now();
  }

  private find(req: Request, param: string): Execution {
    const flow = this.flows.get(req, 'FlowSid');
    const execution = this.all.get(req.params[param] as string);
    if (!execution || execution.flowSid !== flow.sid) throw errors.notFound(req.path);
    return execution;
  }

  private findStep(req: Request, param: string): { execution: Execution; step: Step } {
    const execution = this.find(req, 'ExecutionSid');
    const step = execution.steps.find((s) => s.sid === req.params[param]);
    if (!step) throw errors.notFound(req.path);
    return { execution, step };
  }

  /** The execution's scope as JSON, as it stands now. */
  private contextOf(e: Execution): unknown {
    return JSON.parse(JSON.stringify(e.context));
  }

  private url(e: Execution) {
    return `${STUDIO}/v2/Flows/${e.flowSid}/Executions/${e.sid}`;
  }

  private json(e: Execution) {
    const url = this.url(e);
    return {
      sid: e.sid,
      account_sid: this.ctx.accountSid,
      flow_sid: e.flowSid,
      contact_channel_address: e.contact,
      context: this.contextOf(e),
      status: e.status,
      date_created: iso8601(e.created),
      date_updated: iso8601(e.updated),
      url,
      links: { steps: `${url}/Steps`, execution_context: `${url}/Context` },
    };
  }

  private stepJson(e: Execution, s: Step) {
    const url = `${this.url(e)}/Steps/${s.sid}`;
    return {
      sid: s.sid,
      account_sid: this.ctx.accountSid,
      flow_sid: e.flowSid,
      execution_sid: e.sid,
      parent_step_sid: null,
      name: s.name,
      context: s.context,
      transitioned_from: s.from,
      transitioned_to: s.to,
      date_created: iso8601(s.created),
      date_updated: iso8601(s.created),
      url,
      links: { step_context: `${url}/Context` },
    };
  }

  routes(router: Router) {
    const base = '/v2/Flows/:FlowSid/Executions';
    router.get(base, (req, res) => {
      const flow = this.flows.get(req, 'FlowSid');
      const executions = [...this.all.values()]
        .filter((e) => e.flowSid === flow.sid && inRange(e.created, req.query.DateCreatedFrom, req.query.DateCreatedTo))
        .map((e) => this.json(e));
      res.json(
        v1Page(req, STUDIO_PAGING, 'executions', `/v2/Flows/${flow.sid}/Executions`, executions, [
          'DateCreatedFrom',
          'DateCreatedTo',
        ]),
      );
    });
    router.get(`${base}/:Sid`, (req, res) => {
      res.json(this.json(this.find(req, 'Sid')));
    });
    router.get(`${base}/:ExecutionSid/Context`, (req, res) => {
      const e = this.find(req, 'ExecutionSid');
      res.json({
        account_sid: this.ctx.accountSid,
        context: this.contextOf(e),
        flow_sid: e.flowSid,
        execution_sid: e.sid,
        url: `${this.url(e)}/Context`,
      });
    });
    router.get(`${base}/:ExecutionSid/Steps`, (req, res) => {
      const e = this.find(req, 'ExecutionSid');
      const steps = e.steps.map((s) => this.stepJson(e, s));
      res.json(v1Page(req, STUDIO_PAGING, 'steps', `/v2/Flows/${e.flowSid}/Executions/${e.sid}/Steps`, steps));
    });
    router.get(`${base}/:ExecutionSid/Steps/:Sid`, (req, res) => {
      const { execution, step } = this.findStep(req, 'Sid');
      res.json(this.stepJson(execution, step));
    });
    router.get(`${base}/:ExecutionSid/Steps/:StepSid/Context`, (req, res) => {
      const { execution, step } = this.findStep(req, 'StepSid');
      res.json({
        account_sid: this.ctx.accountSid,
        context: step.context,
        execution_sid: execution.sid,
        flow_sid: execution.flowSid,
        step_sid: step.sid,
        url: `${this.url(execution)}/Steps/${step.sid}/Context`,
      });
    });
  }
}
