// `npm start`: the built Functions in twilio-run's local server, against the local emulator while .env
// holds the emulator's placeholder credentials, against Twilio once it holds real ones. Both ports are
// checked before anything starts; a taken one ends the run in one line, never in a prompt. The servers
// listen on loopback unless HOST says otherwise (twilio-run's own `start` listens on every interface).
import { copyFileSync, existsSync } from 'node:fs';
import { createServer as httpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { printRouteInfo } from 'twilio-run/dist/printers/start';
import { createTwilioEmulator } from '../emulator';
import { EMULATOR_WORKSPACE_SID } from '../emulator/taskrouter';
import { adminPasswordProblem } from '../lib/env';
import { absoluteUrl } from '../lib/model/params';
import {
  PLACEHOLDER_ACCOUNT_SID,
  PLACEHOLDER_AUTH_TOKEN,
  hasPlaceholderCredentials,
  isLoopbackHost,
  isThisMachineUrl,
} from '../lib/local-run';
import { CREDENTIALS, readEnvFile } from './env-file';
import { functionsApp, functionsConfig } from './functions-server';

/** A server to start: where, and the variable that moves it. */
interface Place {
  what: string;
  variable: string;
  host: string;
  port: number;
}

const fail = (message: string): never => {
  console.error(message);
  process.exit(1);
};

function portOf(variable: string, fallback: number): number {
  const raw = process.env[variable] ?? String(fallback);
  const port = Number(raw);
  return /^\d+$/.test(raw) && port > 0 && port < 65536
    ? port
    : fail(`${variable}=${raw} is not a port number (1-65535)`);
}

const taken = (place: Place, code?: string) =>
  code === 'EADDRINUSE'
    ? `Port ${place.port} (${place.what}) is already in use: set ${place.variable} to a free port, e.g. ${place.variable}=${place.port + 1} npm start`
    : `Cannot listen on ${place.host}:${place.port} (${place.what}, ${code}): set ${place.variable}${place.variable === 'PORT' ? ' or HOST' : ''}`;

/** Whether `place` can be listened on now; the probe is closed again at once. */
function probe(place: Place): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(taken(place, err.code)));
    server.listen(place.port, place.host, () => server.close(() => resolve(undefined)));
  });
}

/** Listens, or ends the whole run (nothing else is left running) with the one-line reason. */
function listen(server: Server, place: Place): Promise<void> {
  return new Promise((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) => fail(taken(place, err.code)));
    server.listen(place.port, place.host, () => resolve());
  });
}

async function main() {
  if (!existsSync('.env')) {
    copyFileSync('.env.example', '.env');
    console.log('Created .env from .env.example');
  }
  const env = readEnvFile('.env', fail);
  const useEmulator = env.ACCOUNT_SID === PLACEHOLDER_ACCOUNT_SID && env.AUTH_TOKEN === PLACEHOLDER_AUTH_TOKEN;
  if (!useEmulator && hasPlaceholderCredentials(env)) {
    fail(
      "One of ACCOUNT_SID and AUTH_TOKEN in .env is still the emulator's placeholder: put both of your account's (Twilio Console, Account Info), or both placeholders of .env.example to use the emulator",
    );
  }

  if (!env.ACCOUNT_SID || !env.AUTH_TOKEN)
    fail(`.env has no account credentials: ${CREDENTIALS}, or the placeholders of .env.example to use the emulator`);

  const passwordProblem = adminPasswordProblem(env.ADMIN_PASSWORD);
  if (passwordProblem) fail(`.env: ${passwordProblem}`);

  const host = process.env.HOST || '127.0.0.1';
  const functions: Place = { what: 'the Functions', variable: 'PORT', host, port: portOf('PORT', 3000) };
  // The emulator stays on loopback whatever HOST says: the Functions honour its address only there.
  const emulatorPlace: Place = {
    what: 'the Twilio API emulator',
    variable: 'EMULATOR_PORT',
    host: '127.0.0.1',
    port: portOf('EMULATOR_PORT', 3010),
  };
  const places = useEmulator ? [functions, emulatorPlace] : [functions];
  const problems = (await Promise.all(places.map(probe))).filter(Boolean);
  if (problems.length > 0) fail(problems.join('\n'));

  const url = `http://localhost:${functions.port}`;
  const config = await functionsConfig('.env', functions.port, 'npm start');
  config.url = url;

  if (useEmulator) {
    const emulator = createTwilioEmulator({ accountSid: env.ACCOUNT_SID!, authToken: env.AUTH_TOKEN! });
    const emulatorUrl = `http://127.0.0.1:${emulatorPlace.port}`;
    await listen(httpServer(emulator.app), emulatorPlace);
    config.env = {
      ...config.env,
      TWILIO_API_BASE_URL: emulatorUrl,
      // The emulator's Flex Task Assignment workspace, unless .env names one.
      TASKROUTER_WORKSPACE_SID: env.TASKROUTER_WORKSPACE_SID || EMULATOR_WORKSPACE_SID,
    };
    console.log(`Twilio API emulator on ${emulatorUrl} (control surface: /__emulator)`);
  } else {
    console.log('Real credentials in .env: the Functions call Twilio.');
  }
  // The Functions' default recording status callback goes under it (see ownUrl in lib/env).
  const publicBaseUrl = env.PUBLIC_BASE_URL;
  if (publicBaseUrl) {
    try {
      absoluteUrl(publicBaseUrl, 'PUBLIC_BASE_URL');
    } catch {
      fail(`PUBLIC_BASE_URL=${publicBaseUrl} is not an absolute http(s) URL (e.g. https://example.ngrok.app)`);
    }
    if (!useEmulator && isThisMachineUrl(publicBaseUrl))
      fail(
        `PUBLIC_BASE_URL=${publicBaseUrl} is an address of this machine: Twilio must reach it (e.g. https://example.ngrok.app)`,
      );
    console.log(`Recording status callbacks go to ${publicBaseUrl.replace(/\/+$/, '')}/callbacks/recording-status`);
  } else if (!useEmulator) {
    console.warn(
      `Warning: Twilio cannot reach ${url}, so recording status callbacks will not arrive and Sync learns only what the controls do. ` +
        `Set PUBLIC_BASE_URL in .env to a public https address that forwards to port ${functions.port} (a tunnel).`,
    );
  }

  // As `twilio-run start` does (and serve-functions): the Functions see the .env file's variables only, as
  // deployed, so a shell's TWILIO_REGION or TWILIO_EDGE (read by the twilio library) cannot change them here.
  process.env = config.env;
  const app = await functionsApp(config);
  await listen(httpServer(app), functions);
  console.log(`Functions on ${url}, listening on ${host}${isLoopbackHost(host) ? ' only (HOST changes it)' : ''}`);
  console.log(
    `Recording console: ${url}/console/index.html (${env.ADMIN_PASSWORD ? 'a Flex token or ADMIN_PASSWORD' : 'a Flex token; ADMIN_PASSWORD in .env turns password sign-in on'})`,
  );
  if (!isLoopbackHost(host)) {
    console.warn(
      `Warning: HOST=${host}: other machines can reach the Functions, and locally they check no signatures: anyone who reaches them can control the recordings.`,
    );
  }
  await printRouteInfo(config);
}

main().catch((err) => fail(`npm start failed: ${(err as Error)?.stack ?? err}`));
