// The built Functions in twilio-run's local development server (what `twilio-run start` serves), with one
// change: a body the server cannot parse (malformed JSON or form, or over its size limit) is answered as
// the Functions answer every bad input, JSON 400/413, not with twilio-run's HTML stack trace naming this
// machine's paths. `npm start` and the tests' Function processes (harness/stack) both run it; twilio-run's
// own command line (`twilio-run start`, `twilio serverless:start`) has no hook for it.
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

/** The server's request handler: twilio-run's, then the JSON errors (an error handler runs after its routes). */
export async function functionsApp(config: StartConfig): Promise<Express> {
  const app = (await createLocalDevelopmentServer(config.port, config)) as unknown as Express;
  app.use(jsonErrors);
  return app;
}
