// `npm run deploy` (after `npm run build`): refuses, before any network step, what must never reach a
// deployed service (the emulator's placeholder credentials, the emulator's or any address of this
// machine), then deploys dist/deploy/functions with twilio-run, as `twilio serverless:deploy` does.
// Arguments go on to twilio-run deploy, e.g. `npm run deploy -- --environment=dev`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { hasPlaceholderCredentials, isLoopbackUrl } from '../lib/local-run';

const fail = (message: string): never => {
  console.error(message);
  process.exit(1);
};

const CREDENTIALS =
  'put your Account SID and Auth Token (Twilio Console, Account Info) in .env as ACCOUNT_SID and AUTH_TOKEN';

if (!existsSync('.env')) fail(`There is no .env: copy .env.example to .env and ${CREDENTIALS}`);
// twilio-run deploy reads the same file: its credentials, and every other variable to upload.
const env = parseEnv(readFileSync('.env', 'utf8'));
if (!env.ACCOUNT_SID || !env.AUTH_TOKEN) fail(`.env has no account credentials: ${CREDENTIALS}`);
if (hasPlaceholderCredentials(env)) {
  fail(
    `.env holds the emulator's placeholder credentials, which only the local emulator accepts: ${CREDENTIALS}, then run npm run deploy again`,
  );
}
const local = Object.keys(env).filter(
  (name) => env[name] && (name === 'TWILIO_API_BASE_URL' || isLoopbackUrl(env[name]!)),
);
if (local.length > 0) {
  fail(
    `.env sets ${local.join(', ')} to an address of this machine (the emulator's): a deployed service must not have it. Remove it from .env, then run npm run deploy again`,
  );
}

console.log(
  existsSync('dist/deploy/functions/examples')
    ? 'Deploying the Functions and the examples (built with DEPLOY_EXAMPLES=true)'
    : 'Deploying the Functions without the examples (DEPLOY_EXAMPLES=true npm run deploy adds them)',
);
const deploy = spawnSync(
  process.execPath,
  [require.resolve('twilio-run/bin/twilio-run.js'), 'deploy', ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
process.exit(deploy.status ?? 1);
