import { existsSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { readFileSync } from 'node:fs';
import { createTwilioEmulator } from './index';

/** Credentials come from .env, else .env.example, as for the Functions, so both sides agree. */
function loadCredentials(): { accountSid: string; authToken: string } {
  const file = ['.env', '.env.example'].find((f) => existsSync(f));
  const env = { ...(file ? parseEnv(readFileSync(file, 'utf8')) : {}), ...process.env };
  if (!env.ACCOUNT_SID || !env.AUTH_TOKEN) throw new Error('ACCOUNT_SID and AUTH_TOKEN must be set (see .env.example)');
  return { accountSid: env.ACCOUNT_SID, authToken: env.AUTH_TOKEN };
}

const port = Number(process.env.EMULATOR_PORT ?? 3010);
const emulator = createTwilioEmulator(loadCredentials());
// Express 5 hands a listening error to this callback.
emulator.app.listen(port, '127.0.0.1', (err?: NodeJS.ErrnoException) => {
  if (!err) {
    console.log(`Twilio API emulator listening on http://127.0.0.1:${port}`);
    return;
  }
  // One line that says what to change, as npm start does, rather than a stack trace.
  console.error(
    err.code === 'EADDRINUSE'
      ? `Port ${port} (the emulator) is already in use: set EMULATOR_PORT to a free port, e.g. EMULATOR_PORT=${port + 1} npm run emulator`
      : `Cannot listen on 127.0.0.1:${port} (the emulator, ${err.code}): set EMULATOR_PORT`,
  );
  process.exit(1);
});
