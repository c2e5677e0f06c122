// After twilio-run's deploy, `npm run deploy` makes the environment's variables those of the env file:
// the real removal code (scripts/deploy-variables, the Serverless API client twilio-run uses) against a
// local stand-in of the Serverless API's Environments and Variables, checked by what the service holds.
import { TwilioServerlessApiClient } from '@twilio-labs/serverless-api';
import type { Got } from 'got';
import { parseEnv } from 'node:util';
import { filterEnvVariablesForDeploy } from 'twilio-run/dist/config/utils/env';
import { startServerlessStandIn, type StandIn } from '../../harness/serverless-standin';
import { pruneVariables } from '../../scripts/deploy-variables';

const ACCOUNT = 'AC' + 'a'.repeat(32);

let standIn: StandIn;
afterEach(() => standIn?.close());

/** The client twilio-run deploys with, its base URL (always https://serverless.twilio.com) moved to the stand-in. */
function clientFor(url: string) {
  const client = new TwilioServerlessApiClient({ username: ACCOUNT, password: 'b'.repeat(32) });
  const got = (client as unknown as { client: Got }).client;
  (client as unknown as { client: Got }).client = got.extend({ prefixUrl: `${url}/v1` });
  return client;
}

/** What twilio-run uploads from an env file: no credentials, no empty values. */
const uploaded = (file: string) => filterEnvVariablesForDeploy(parseEnv(file));

test('a variable emptied in the env file, and one removed from it, are removed from the service; the others stay or change', async () => {
  standIn = await startServerlessStandIn(ACCOUNT, {
    SYNC_SERVICE_SID: 'default',
    ADMIN_PASSWORD: 'the old long password',
    OLD_SETTING: 'x',
    SYNC_DOCUMENT_TTL: '3600',
  });
  const file = [
    `ACCOUNT_SID=${ACCOUNT}`,
    `AUTH_TOKEN=${'b'.repeat(32)}`,
    'SYNC_SERVICE_SID=default',
    'SYNC_DOCUMENT_TTL=86400',
    'ADMIN_PASSWORD=',
    'TASKROUTER_WORKSPACE_SID=WS' + '1'.repeat(32),
  ].join('\n');
  const removed = await pruneVariables(clientFor(standIn.url), standIn.serviceSid, standIn.buildSid, uploaded(file));
  expect(removed.sort()).toEqual(['ADMIN_PASSWORD', 'OLD_SETTING']);
  expect(standIn.variables()).toEqual({
    SYNC_SERVICE_SID: 'default',
    SYNC_DOCUMENT_TTL: '86400',
    TASKROUTER_WORKSPACE_SID: 'WS' + '1'.repeat(32),
  });
  // The credentials are never uploaded as variables.
  expect(standIn.variables()).not.toHaveProperty('AUTH_TOKEN');
});

test('nothing to remove: no variable is deleted, and a second run changes nothing', async () => {
  standIn = await startServerlessStandIn(ACCOUNT, { SYNC_SERVICE_SID: 'default' });
  const client = clientFor(standIn.url);
  expect(await pruneVariables(client, standIn.serviceSid, standIn.buildSid, { SYNC_SERVICE_SID: 'default' })).toEqual(
    [],
  );
  expect(standIn.requests.filter((r) => r.startsWith('DELETE') || r.startsWith('POST'))).toEqual([]);
});

test('a build no environment runs is an error, and nothing is deleted', async () => {
  standIn = await startServerlessStandIn(ACCOUNT, { A: '1' });
  await expect(pruneVariables(clientFor(standIn.url), standIn.serviceSid, 'ZB' + '0'.repeat(32), {})).rejects.toThrow(
    /no environment/,
  );
  expect(standIn.variables()).toEqual({ A: '1' });
});
