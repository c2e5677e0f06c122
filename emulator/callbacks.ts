import twilio from 'twilio';
import type { EmulatorContext } from './app';

export interface Delivery {
  id: number;
  url: string;
  method: 'GET' | 'POST';
  params: Record<string, string>;
  signature: string;
  at: string;
  /** The answer of the callback's server; absent while in flight or when it could not be reached. */
  status?: number;
  contentType?: string;
  body?: string;
  error?: string;
}

/**
 * Delivers webhooks as Twilio does: signed with the auth token (X-Twilio-Signature over the URL and the
 * sorted POST parameters), in the background so that no API answer waits for them.
 */
export class CallbackDelivery {
  private log: Delivery[] = [];
  private inFlight = new Set<Promise<void>>();

  constructor(private readonly ctx: EmulatorContext) {
    ctx.onReset(() => (this.log = []));
    ctx.control.get('/callbacks', (_req, res) => {
      res.json({ callbacks: this.log });
    });
    // Resolves once every delivery started so far (and every one still to come from a recording being
    // processed) has been answered, so tests need no sleeps.
    ctx.control.get('/callbacks/idle', async (_req, res) => {
      await this.idle();
      res.json({ callbacks: this.log.length });
    });
    // Sends a delivered callback again, later and possibly out of order, as Twilio may.
    ctx.control.post('/callbacks/:id/replay', async (req, res) => {
      const original = this.log.find((d) => d.id === Number(req.params.id));
      if (!original) {
        res.status(404).json({ message: `No callback ${req.params.id}` });
        return;
      }
      res.status(201).json(await this.deliver(original.url, original.method, original.params));
    });
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Work that will deliver callbacks later (a recording being processed): `idle` waits for it too. */
  hold(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /**
   * Starts a delivery and returns its log entry once answered (or given up after `timeoutMs`); callers
   * that must not wait ignore the promise.
   */
  deliver(url: string, method: 'GET' | 'POST', params: Record<string, string>, timeoutMs = 15_000): Promise<Delivery> {
    const target = method === 'GET' ? `${url}${url.includes('?') ? '&' : '?'}${new URLSearchParams(params)}` : url;
    const signature = twilio.getExpectedTwilioSignature(this.ctx.authToken, target, method === 'POST' ? params : {});
    const delivery: Delivery = {
      id: this.log.length,
      url,
      method,
      params,
      signature,
      at: new Date(this.ctx.now()).toISOString(),
    };
    this.log.push(delivery);
    const sending = (async () => {
      // Twilio's webhooks leave from other machines than its API's answers: the request that caused one
      // is answered first (this emulator runs both in one event loop).
      await new Promise((sent) => setImmediate(sent));
      try {
        const res = await fetch(target, {
          method,
          headers: {
            'X-Twilio-Signature': signature,
            'User-Agent': 'TwilioProxy/1.1',
            ...(method === 'POST' ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
          },
          body: method === 'POST' ? new URLSearchParams(params).toString() : undefined,
          signal: AbortSignal.timeout(timeoutMs),
        });
        delivery.status = res.status;
        delivery.contentType = res.headers.get('content-type') ?? undefined;
        delivery.body = await res.text();
      } catch (err) {
        delivery.error = (err as Error).message;
      }
    })();
    this.inFlight.add(sending);
    return sending.then(() => {
      this.inFlight.delete(sending);
      return delivery;
    });
  }
}
