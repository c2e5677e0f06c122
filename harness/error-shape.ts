import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An answer of 400 or more that went from the upstream (the emulator) to its caller. */
export interface ErrorAnswer {
  method: string;
  path: string;
  status: number;
  body: string;
}

/**
 * OUR OWN CHECK, not Prism's: Twilio's OpenAPI describes no error answers (only 2xx and 307), so Prism
 * only warns that the status is not in the document. Twilio's REST docs give every error body as
 * `{code, message, more_info, status}`: `code` the Twilio error number, `more_info` its page at
 * https://www.twilio.com/docs/errors/<code>, `status` the HTTP status again. Says what breaks that shape.
 */
export function twilioErrorShapeProblems(answer: ErrorAnswer): string[] {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.body) as Record<string, unknown>;
  } catch {
    return ['the body is not JSON'];
  }
  const problems: string[] = [];
  if (typeof body !== 'object' || body === null) return ['the body is not a JSON object'];
  if (!Number.isInteger(body.code) || (body.code as number) < 10000) problems.push('code is not a Twilio error number');
  if (typeof body.message !== 'string' || body.message === '') problems.push('message is not a non-empty string');
  if (body.more_info !== `https://www.twilio.com/docs/errors/${String(body.code)}`)
    problems.push("more_info is not the code's page at https://www.twilio.com/docs/errors/<code>");
  if (body.status !== answer.status) problems.push(`status is not the HTTP status ${answer.status}`);
  return problems.map((p) => `${answer.method} ${answer.path} ${answer.status}: ${p} (${answer.body.slice(0, 200)})`);
}

export interface AnswerRecorder {
  url: string;
  /** Every answer of 400 or more passed on so far, oldest first. */
  errorAnswers(): ErrorAnswer[];
  /** Every answer of 2xx with a JSON body passed on so far, oldest first (for harness/answer-schema). */
  jsonAnswers(): ErrorAnswer[];
  stop(): Promise<void>;
}

/** A pass-through to `upstream` that keeps a copy of its error answers and its JSON answers, for the checks. */
export async function startAnswerRecorder(upstream: string): Promise<AnswerRecorder> {
  const target = new URL(upstream);
  const answers: ErrorAnswer[] = [];
  const json: ErrorAnswer[] = [];
  const server: Server = createServer((req, res) => {
    const out = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = Buffer.concat(chunks);
          const status = up.statusCode ?? 0;
          const answer = { method: req.method ?? '', path: req.url ?? '', status, body: body.toString() };
          if (status >= 400) answers.push(answer);
          else if (status >= 200 && status < 300 && String(up.headers['content-type']).includes('json'))
            json.push(answer);
          res.writeHead(status, up.headers);
          res.end(body);
        });
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    errorAnswers: () => [...answers],
    jsonAnswers: () => [...json],
    stop: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
