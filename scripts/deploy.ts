// `npm run deploy` (after `npm run build`): refuses, before any network step, what must never reach a
// deployed service (the emulator's placeholder credentials, the emulator's or any address of this
// machine, a short ADMIN_PASSWORD), in .env or the file given with --env; then deploys
// dist/deploy/functions with twilio-run, as `twilio serverless:deploy` does; then removes from the
// environment every variable the file no longer sets (twilio-run only adds and updates them).
// Arguments go on to twilio-run deploy, e.g. `npm run deploy -- --environment=dev`.
import { TwilioServerlessApiClient } from '@twilio-labs/serverless-api';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { filterEnvVariablesForDeploy } from 'twilio-run/dist/config/utils/env';
import { getDeployInfoCache } from 'twilio-run/dist/utils/deployInfoCache';
import { adminPasswordProblem } from '../lib/env';
import { hasPlaceholderCredentials, isThisMachineUrl } from '../lib/local-run';
import { pruneVariables } from './deploy-variables';
import { CREDENTIALS, readEnvFile } from './env-file';

const fail = (message: string): never => {
  console.error(message);
  process.exit(1);
};

/** The env file twilio-run deploy will read: `--env <file>` or `--env=<file>`, else .env. */
function envFileOf(args: string[]): string {
  let file = '.env';
  args.forEach((arg, i) => {
    if (arg === '--env' && args[i + 1]) file = args[i + 1];
    else if (arg.startsWith('--env=')) file = arg.slice('--env='.length);
  });
  return file;
}

const args = process.argv.slice(2);
const envFile = envFileOf(args);
if (!existsSync(envFile))
  fail(
    envFile === '.env'
      ? `There is no .env: copy .env.example to .env and ${CREDENTIALS}`
      : `There is no ${envFile} (given with --env)`,
  );
// twilio-run deploy reads the same file: its credentials, and every other variable to upload.
const env = readEnvFile(envFile, fail);
if (!env.ACCOUNT_SID || !env.AUTH_TOKEN) fail(`${envFile} has no account credentials: ${CREDENTIALS}`);
if (hasPlaceholderCredentials(env)) {
  fail(
    `${envFile} holds the emulator's placeholder credentials, which only the local emulator accepts: ${CREDENTIALS}, then run npm run deploy again`,
  );
}
const local = Object.keys(env).filter(
  (name) => env[name] && (name === 'TWILIO_API_BASE_URL' || isThisMachineUrl(env[name]!)),
);
if (local.length > 0) {
  fail(
    `${envFile} sets ${local.join(', ')} to an address of this machine (the emulator's): a deployed service must not have it. Remove it from ${envFile}, then run npm run deploy again`,
  );
}
const passwordProblem = adminPasswordProblem(env.ADMIN_PASSWORD);
if (passwordProblem) fail(`${envFile}: ${passwordProblem}`);

console.log(
  existsSync('dist/deploy/functions/examples')
    ? 'Deploying the Functions and the examples (built with DEPLOY_EXAMPLES=true)'
    : 'Deploying the Functions without the examples (DEPLOY_EXAMPLES=true npm run deploy adds them)',
);
const deploy = spawnSync(process.execPath, [require.resolve('twilio-run/bin/twilio-run.js'), 'deploy', ...args], {
  stdio: 'inherit',
});
if (deploy.status !== 0) process.exit(deploy.status ?? 1);

async function removeDropped() {
  // twilio-run saves what it deployed, per account and region, in .twiliodeployinfo (git-ignored).
  const info = Object.entries(getDeployInfoCache(process.cwd())).find(([key]) => key.startsWith(`${env.ACCOUNT_SID}:`));
  if (!info) return fail('The deploy left no .twiliodeployinfo: variables removed from the env file may remain');
  const { serviceSid, latestBuild } = info[1];
  const client = new TwilioServerlessApiClient({ username: env.ACCOUNT_SID!, password: env.AUTH_TOKEN! });
  const removed = await pruneVariables(client, serviceSid, latestBuild, filterEnvVariablesForDeploy(env));
  console.log(
    removed.length > 0
      ? `Removed from the environment, as ${envFile} no longer sets them: ${removed.join(', ')}`
      : `The environment's variables are those of ${envFile}`,
  );
}
removeDropped().catch((err) =>
  fail(
    `Deployed, but the variables ${envFile} no longer sets could not be removed (${(err as Error)?.message ?? err}): remove them in the Twilio Console, or run npm run deploy again`,
  ),
);
