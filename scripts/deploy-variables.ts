// What `npm run deploy` does after twilio-run's deploy: the environment's variables made equal to the
// env file's. twilio-run deploy only adds and updates variables (and drops empty ones from what it
// sends), so a variable emptied or removed from the file would stay on the service, e.g. an old
// ADMIN_PASSWORD keeping the console's password sign-in on.
import type { TwilioServerlessApiClient } from '@twilio-labs/serverless-api';
import { listEnvironments } from '@twilio-labs/serverless-api/dist/api/environments';
import { listVariablesForEnvironment, setEnvironmentVariables } from '@twilio-labs/serverless-api/dist/api/variables';

/**
 * Makes the variables of the environment that runs `buildSid` exactly `env` (as twilio-run uploads it:
 * no credentials, no empty values): deletes every other. Answers the keys it deleted.
 */
export async function pruneVariables(
  client: TwilioServerlessApiClient,
  serviceSid: string,
  buildSid: string,
  env: Record<string, string | undefined>,
): Promise<string[]> {
  const environments = await listEnvironments(serviceSid, client);
  const target = environments.find((e) => e.build_sid === buildSid);
  if (!target) throw new Error(`no environment of service ${serviceSid} runs build ${buildSid}`);
  const existing = await listVariablesForEnvironment(target.sid, serviceSid, client);
  const removed = existing.filter((v) => env[v.key] === undefined).map((v) => v.key);
  // true: delete the variables env does not set.
  await setEnvironmentVariables(env, target.sid, serviceSid, client, true);
  return removed;
}
