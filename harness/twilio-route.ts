import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as httpServer, request, type RequestListener, type Server } from 'node:http';
import { createServer as httpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/**
 * Routes a process's HTTPS requests for some of Twilio's hosts to a local server, without touching
 * the code that sends them: an HTTP proxy (HTTP_PROXY, which the Serverless API client twilio-run
 * deploys with honours) that tunnels CONNECTs for those hosts to a local HTTPS server, whose
 * certificate, made for them here, the process trusts through NODE_EXTRA_CA_CERTS. A CONNECT to any
 * other host is refused and recorded, so nothing reaches the internet.
 */

export interface TwilioRoute {
  /** For the process whose requests are routed. */
  env: { HTTP_PROXY: string; NODE_EXTRA_CA_CERTS: string };
  /** The proxy's port: the one connection a tripwire must let through. */
  proxyPort: number;
  /** `host:port` of every CONNECT refused. */
  refused: string[];
  close(): Promise<void>;
}

const listening = (server: Server): Promise<number> =>
  new Promise((ok) => server.listen(0, '127.0.0.1', () => ok((server.address() as AddressInfo).port)));

export async function routeTwilioHosts(hosts: string[], app: RequestListener): Promise<TwilioRoute> {
  // A short-lived self-signed certificate naming exactly the routed hosts (selfsigned: no openssl to install).
  const pems = await generate([{ name: 'commonName', value: hosts[0] }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: hosts.map((value) => ({ type: 2 as const, value })) },
    ],
  });
  // The routed process reads the certificate from a file; it goes with the route's close.
  const dir = mkdtempSync(join(tmpdir(), 'rc-tls-'));
  const cert = join(dir, 'cert.pem');
  writeFileSync(cert, pems.cert);
  const tls = httpsServer({ key: pems.private, cert: pems.cert }, app);
  const tlsPort = await listening(tls);

  const refused: string[] = [];
  // Tunnels leave the proxy's own connection tracking: ended by hand on close.
  const tunnels = new Set<{ destroy(): void }>();
  const proxy = httpServer((req, res) => {
    // A plain-HTTP request through the proxy: not Twilio's API, never let through.
    refused.push(req.url ?? '');
    res.writeHead(403).end();
  });
  proxy.on('connect', (req, client, head) => {
    const target = req.url ?? '';
    const [host, port] = target.split(':');
    if (!hosts.includes(host) || port !== '443') {
      refused.push(target);
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(tlsPort, '127.0.0.1', () => {
      tunnels.add(client).add(upstream);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const proxyPort = await listening(proxy);
  return {
    env: { HTTP_PROXY: `http://127.0.0.1:${proxyPort}`, NODE_EXTRA_CA_CERTS: cert },
    proxyPort,
    refused,
    close: async () => {
      for (const socket of tunnels) socket.destroy();
      for (const server of [proxy, tls]) {
        server.closeAllConnections();
        await new Promise((ok) => server.close(ok));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A request handler that passes each request on to the server `upstream` names for its Host, as it came. */
export function forwardByHost(upstream: Record<string, string>): RequestListener {
  return (req, res) => {
    const target = upstream[(req.headers.host ?? '').split(':')[0]];
    if (!target) return void res.writeHead(404).end();
    const url = new URL(req.url ?? '/', target);
    const out = request(url, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  };
}
