// The built Functions in twilio-run's local development server (what `twilio-run start` serves), with one
// change: a body the server cannot parse (malformed JSON or form, or over its size limit) is answered as
// the Functions answer every bad input, JSON 400/413, not with twilio-run's HTML stack trace naming this
// machine's paths. `npm start` and the tests' Function processes (harness/stack) both run it; twilio-run's
// own command line (`twilio-run start`, `twilio serverless:start`) has no hook for it.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { styleText } from 'node:util';
import type { ErrorRequestHandler, Express } from 'express';
import { cliInfo } from 'twilio-run/dist/commands/start';
import { getConfigFromCli, type StartCliFlags } from 'twilio-run/dist/config/start';
import { createLocalDevelopmentServer } from 'twilio-run/dist/runtime/server';
import { ControlError } from '../lib/errors';

type StartConfig = Awaited<ReturnType<typeof getConfigFromCli>>;

/** twilio-run start's configuration for the project in the working folder: its env file, its port. */
export function functionsConfig(envFile: string, port: number, $0: string): Promise<StartConfig> {
  return getConfigFromCli(
    {
      $0,
      _: [],
      cwd: process.cwd(),
      config: '.twilioserverlessrc.js',
      env: envFile,
      port,
      logLevel: 'info',
      loadLocalEnv: false,
      logs: true,
      detailedLogs: false,
      live: false,
      legacyMode: false,
      forkProcess: false,
    } as StartCliFlags,
    cliInfo,
  );
}

const jsonErrors: ErrorRequestHandler = (err: { status?: number; type?: string }, _req, res, next) => {
  if (res.headersSent) return next(err);
  const error =
    err?.type === 'entity.too.large' || err?.status === 413
      ? new ControlError(413, 'BODY_TOO_LARGE', 'The request body is too large')
      : err?.status && err.status < 500
        ? new ControlError(400, 'INVALID_PARAMETER', 'The request body is not valid JSON or form data')
        : new ControlError(500, 'INTERNAL_ERROR', 'The request failed unexpectedly');
  if (error.status === 500) console.error('recording-controls: unexpected error', err);
  res.status(error.status).json(error.toJSON());
};

/**
 * twilio-run's request line (`200 POST /recording/start │ Response Type application/json`), written once
 * the answer is out: twilio-run's own log writes it inside res.end, before the answer, and that
 * synchronous write to the terminal (or a pipe) held every answer back by most of a millisecond.
 */
function logAnswered(req: IncomingMessage, res: ServerResponse): void {
  res.once('finish', () => {
    const style = (format: Parameters<typeof styleText>[0], text: string) =>
      process.stdout.isTTY ? styleText(format, text) : text;
    const code = res.statusCode;
    const status = style(['black', code >= 400 ? 'bgRed' : code < 300 ? 'bgGreen' : 'bgYellow'], String(code));
    const type = res.getHeader('content-type');
    const line = `${status} ${style('bold', req.method ?? '')} ${req.url}`;
    setImmediate(() => console.log(type ? `${line} │ ${style('dim', `Response Type ${type}`)}` : line));
  });
}

/** The server's request handler: twilio-run's, then the JSON errors (an error handler runs after its routes). */
export async function functionsApp(config: StartConfig): Promise<RequestListener> {
  const app = (await createLocalDevelopmentServer(config.port, { ...config, logs: false })) as unknown as Express;
  app.use(jsonErrors);
  return (req, res) => {
    logAnswered(req, res);
    app(req, res);
  };
}
