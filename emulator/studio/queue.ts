import type { EmulatorContext } from '../app';
import { newSid } from '../format';

/**
 * Why a call left the queue, as `<Enqueue>`'s action gets it in `QueueResult`. `hangup` and
 * `redirected` come from the call itself (it ended, or was sent other TwiML); the others are given on
 * the control surface, as an agent (Flex, TaskRouter) or a `<Leave>` would.
 */
const SETTLED_BY_CONTROL = ['bridged', 'leave', 'system-error'] as const;
export type QueueResult = (typeof SETTLED_BY_CONTROL)[number] | 'hangup' | 'redirected' | 'queue-full';

/** `<Enqueue>` refuses a call into a queue that already holds this many (QueueResult `queue-full`). */
const QUEUE_CAPACITY = 100;

/** A call a Send to Flex or Enqueue Call widget put on hold, as the control surface shows it. */
export interface Waiting {
  callSid: string;
  flowSid: string;
  executionSid: string;
  widget: string;
  type: 'send-to-flex' | 'enqueue-call';
  /** `queue_name` for a plain queue, else the TaskRouter workflow the task goes to. */
  queue: string;
  workflow: string | null;
  channel: string | null;
  attributes: unknown;
  priority: number;
  timeout: number | null;
  waitUrl: string | null;
  enqueuedAt: number;
  result: QueueResult | null;
  leftAt: number | null;
}

/**
 * The calls Studio has enqueued (Send to Flex, Enqueue Call), on the control surface:
 * `GET /__emulator/studio/queue` lists them, `POST /__emulator/studio/queue/:CallSid` with
 * `{"result": "bridged" | "leave" | "system-error"}` takes one out as an agent or TaskRouter would.
 */
export class StudioQueue {
  private entries: Waiting[] = [];
  private readonly settle = new Map<string, (result: QueueResult) => void>();
  private readonly queueSids = new Map<string, string>();

  constructor(private readonly ctx: EmulatorContext) {
    ctx.onReset(() => {
      this.settle.forEach((leave) => leave('hangup'));
      this.entries = [];
      this.queueSids.clear();
    });
    ctx.control.get('/studio/queue', (_req, res) => {
      res.json({ queue: this.entries });
    });
    ctx.control.post('/studio/queue/:CallSid', (req, res) => {
      const leave = this.settle.get(req.params.CallSid);
      const result = (req.body as { result?: unknown } | undefined)?.result;
      if (!leave) {
        res.status(404).json({ error: { code: 'NOT_FOUND', message: `No call ${req.params.CallSid} is waiting` } });
        return;
      }
      if (!(SETTLED_BY_CONTROL as readonly unknown[]).includes(result)) {
        res.status(400).json({
          error: { code: 'INVALID_RESULT', message: `result is one of ${SETTLED_BY_CONTROL.join(', ')}` },
        });
        return;
      }
      leave(result as QueueResult);
      res.json(this.entries.find((e) => e.callSid === req.params.CallSid));
    });
  }

  /** The queue's SID (QU…), made when it is first used, as `<Enqueue>` makes a queue on demand. */
  sidOf(queue: string): string {
    if (!this.queueSids.has(queue)) this.queueSids.set(queue, newSid('QU'));
    return this.queueSids.get(queue)!;
  }

  /**
   * Holds the call until it leaves the queue: settled on the control surface, or by `gone` (the call
   * ended or was redirected). A full queue refuses it at once.
   */
  async hold(entry: Omit<Waiting, 'enqueuedAt' | 'result' | 'leftAt'>, gone: Promise<QueueResult>) {
    const waiting: Waiting = { ...entry, enqueuedAt: this.ctx.now(), result: null, leftAt: null };
    const held = this.entries.filter((e) => e.queue === entry.queue && e.result === null).length;
    this.entries.push(waiting);
    if (held >= QUEUE_CAPACITY) return this.leave(waiting, 'queue-full');
    const result = await Promise.race([
      new Promise<QueueResult>((resolve) => this.settle.set(entry.callSid, resolve)),
      gone,
    ]);
    this.settle.delete(entry.callSid);
    return this.leave(waiting, result);
  }

  private leave(waiting: Waiting, result: QueueResult) {
    waiting.result = result;
    waiting.leftAt = this.ctx.now();
    return { result, seconds: Math.round((waiting.leftAt - waiting.enqueuedAt) / 1000) };
  }
}
