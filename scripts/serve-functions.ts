// The Functions alone, as the tests and the bench start them (`node dist/scripts/serve-functions.js
// --env <file> --port <port>`): what `npm start` serves, on loopback, with the settings of the env file
// given (credentials, TWILIO_API_BASE_URL of an emulator started elsewhere), and no emulator of its own.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { functionsApp, functionsConfig } from './functions-server';

async function main() {
  const { values } = parseArgs({ options: { env: { type: 'string' }, port: { type: 'string' } } });
  const port = Number(values.port);
  if (!values.env || !(port > 0)) throw new Error('usage: serve-functions --env <file> --port <port>');
  const config = await functionsConfig(values.env, port, 'serve-functions');
  // As `twilio-run start` does: the Functions' process sees the env file's variables only, as deployed.
  process.env = config.env;
  const app = await functionsApp(config);
  createServer(app).listen(port, '127.0.0.1', () => console.log(`Functions on http://127.0.0.1:${port}`));
}

main().catch((err) => {
  console.error(`serve-functions failed: ${(err as Error)?.stack ?? err}`);
  process.exit(1);
});
