import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator, type RunningEmulator } from './stack';

export interface WebhookRequest {
  path: string;
  params: Record<string, string>;
  signature: string | undefined;
  /** As sent (a JSON body's text, say), with its content type and Authorization header. */
  body: string;
  contentType: string | undefined;
  authorization: string | undefined;
}

type Answer = string | { status: number; type?: string; body: string };

export interface Webhooks {
  url: string;
  received: WebhookRequest[];
  close(): Promise<void>;
}

/**
 * A small web app of fixed answers, standing in for a customer's TwiML app or Function: each path
 * answers from `routes` (TwiML by default), and every request is kept.
 */
export async function startWebhooks(
  routes: Record<string, (params: Record<string, string>) => Answer | Promise<Answer>>,
): Promise<Webhooks> {
  const received: WebhookRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', async () => {
      const [path, query = ''] = (req.url ?? '').split('?');
      const params = Object.fromEntries(new URLSearchParams(req.method === 'GET' ? query : body));
      received.push({
        path: req.url ?? '',
        params,
        signature: req.headers['x-twilio-signature'] as string | undefined,
        body,
        contentType: req.headers['content-type'],
        authorization: req.headers.authorization,
      });
      const route = routes[path];
      const answer = route ? await route(params) : { status: 404, body: 'not found' };
      const {
        status,
        type,
        body: text,
      } = typeof answer === 'string' ? { status: 200, type: 'text/xml', body: answer } : answer;
      res.writeHead(status, { 'content-type': type ?? 'text/plain' }).end(text);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/**
 * The emulator beside a receiver of its recording status callbacks (`/status` answers 204), both reset
 * after each test: the setting of the emulator's own tests of a recording's life.
 */
export function useEmulatorWithStatusCallbacks(): { em: RunningEmulator; app: Webhooks } {
  const stack = {} as { em: RunningEmulator; app: Webhooks };
  beforeAll(async () => {
    stack.em = await startEmulator();
    stack.app = await startWebhooks({ '/status': () => ({ status: 204, body: '' }) });
  });
  afterAll(async () => {
    await stack.em?.close();
    await stack.app?.close();
  });
  afterEach(async () => {
    await stack.em.control('POST', '/reset');
    stack.app.received.length = 0;
  });
  return stack;
}
