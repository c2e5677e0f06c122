// `npm start`: runs the built Functions with twilio-run, against the local emulator while .env holds
// the emulator's placeholder credentials, against Twilio once it holds real ones.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { createTwilioEmulator } from '../emulator';

const readEnv = (file: string) => parseEnv(readFileSync(file, 'utf8'));

if (!existsSync('.env')) {
  copyFileSync('.env.example', '.env');
  console.log('Created .env from .env.example');
}
const env = readEnv('.env');
const useEmulator = env.ACCOUNT_SID === readEnv('.env.example').ACCOUNT_SID;
const port = process.env.PORT ?? '3000';
let envFile = '.env';

if (useEmulator) {
  const emulatorPort = Number(process.env.EMULATOR_PORT ?? 3010);
  const emulator = createTwilioEmulator({ accountSid: env.ACCOUNT_SID!, authToken: env.AUTH_TOKEN! });
  emulator.app.listen(emulatorPort, '127.0.0.1');
  // twilio-run reads one env file; this one adds the emulator's address to the user's settings.
  envFile = 'dist/.env.emulator';
  writeFileSync(envFile, `${readFileSync('.env', 'utf8')}\nTWILIO_API_BASE_URL=http://127.0.0.1:${emulatorPort}\n`);
  console.log(`Twilio API emulator on http://127.0.0.1:${emulatorPort} (control surface: /__emulator)`);
} else {
  console.log('Real credentials in .env: the Functions call Twilio.');
}

console.log(
  env.ADMIN_PASSWORD
    ? `Recording console: http://localhost:${port}/console/index.html`
    : 'Recording console off: set ADMIN_PASSWORD in .env to turn it on.',
);

const child = spawn(
  process.execPath,
  [require.resolve('twilio-run/bin/twilio-run.js'), 'start', '--env', envFile, '--port', port, '--no-fork-process', '--no-live'],
  { stdio: 'inherit' },
);
child.on('exit', (code) => process.exit(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
