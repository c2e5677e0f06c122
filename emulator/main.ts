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
emulator.app.listen(port, '127.0.0.1', () => {
  console.log(`Twilio API emulator listening on http://127.0.0.1:${port}`);
});
