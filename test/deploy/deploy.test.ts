// `npm run deploy` as a newcomer runs it (the built script, twilio-run's real deploy, then the removal of
// dropped variables), its HTTPS requests routed to a local stand-in of Twilio's Serverless API
// (harness/twilio-route): after each deploy, what the service holds, read from the stand-in.
import { TwilioServerlessApiClient } from '@twilio-labs/serverless-api';
import { createEnvironmentFromSuffix } from '@twilio-labs/serverless-api/dist/api/environments';
import { createService } from '@twilio-labs/serverless-api/dist/api/services';
import { setEnvironmentVariables } from '@twilio-labs/serverless-api/dist/api/variables';
import type { Got } from 'got';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectFolder, runScript } from '../../harness/scripts';
import { SERVERLESS_HOSTS, startServerlessStandIn, type StandIn } from '../../harness/serverless-standin';
import { ROOT } from '../../harness/stack';
import { tripwire, type Tripwire } from '../../harness/tripwire';
import { forwardByHost, routeTwilioHosts, type TwilioRoute } from '../../harness/twilio-route';
import { serverlessSpec, startPrism, type RunningPrism } from '../../harness/conformance';
import { pruneVariables } from '../../scripts/deploy-variables';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const CREDENTIALS = { ACCOUNT_SID: ACCOUNT, AUTH_TOKEN: 'b'.repeat(32) };
const WORKSPACE = 'WS' + '1'.repeat(32);

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
const envText = (env: Record<string, string>) =>
  Object.entries(env)
    .map(([k, v]) => `${k}=${v}\n`)
    .join('');

let standIn: StandIn;
let prism: RunningPrism;
let route: TwilioRoute;
let wire: Tripwire;
let dir: string;
beforeAll(async () => {
  standIn = await startServerlessStandIn(ACCOUNT);
  // Every request to the API and every answer passes Prism, checked against twilio_serverless_v1.json
  // (a violation becomes a 422 or a 500, and the deploy fails); the upload host is not in the description.
  prism = await startPrism(standIn.url, serverlessSpec());
  route = await routeTwilioHosts(
    SERVERLESS_HOSTS,
    forwardByHost({ 'serverless.twilio.com': prism.url, 'serverless-upload.twilio.com': standIn.url }),
  );
  wire = tripwire(route.proxyPort);
  dir = projectFolder({
    ...CREDENTIALS,
    SYNC_SERVICE_SID: 'default',
    ADMIN_PASSWORD: 'the old long password',
    OLD_SETTING: 'x',
    TASKROUTER_WORKSPACE_SID: WORKSPACE,
  });
});
afterAll(async () => {
  await route?.close();
  await prism?.stop();
  await standIn?.close();
});

async function deploy(args: string[] = []) {
  const run = runScript('deploy', dir, { ...route.env, NODE_OPTIONS: wire.nodeOptions }, args);
  const code = await run.exited;
  // Nothing but the stand-in was reached, or even tried.
  expect({ refused: route.refused, stopped: wire.connections() }).toEqual({ refused: [], stopped: '' });
  if (code !== 0)
    throw new Error(`npm run deploy exited ${code}:\n${run.output()}\nPrism:\n${prism.output().slice(-4000)}`);
  return run.output();
}

const liveEnvironment = (suffix = 'dev') => {
  const services = standIn.services();
  expect(services.map((s) => s.uniqueName)).toEqual(['recording-controls']);
  return services[0].environments.find((e) => e.domainSuffix === suffix)!;
};

describe('npm run deploy, against a stand-in of the Serverless API', () => {
  test('the first deploy creates the service and its dev environment, running exactly the built Functions and assets', async () => {
    const output = await deploy();
    expect(output).toContain('Deploying the Functions without the examples');
    const env = liveEnvironment();
    expect(env.deployments).toBe(1);
    const build = env.build!;
    expect(build.runtime).toBe('node22');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(build.dependencies).toEqual(
      expect.arrayContaining(Object.entries(pkg.dependencies).map(([name, version]) => ({ name, version }))),
    );

    const functionsDir = join(ROOT, 'dist/deploy/functions');
    const built = files(functionsDir);
    expect(build.functions.map((f) => f.path).sort()).toEqual(
      built.map((f) => '/' + relative(functionsDir, f).replace(/(\.protected)?\.js$/, '')).sort(),
    );
    for (const fn of build.functions) {
      // Browsers cannot sign requests as Twilio does: the console and agent Functions check a token themselves.
      expect({ path: fn.path, visibility: fn.visibility }).toEqual({
        path: fn.path,
        visibility: /^\/(console|agent)\//.test(fn.path) ? 'public' : 'protected',
      });
      const file = built.find((f) => '/' + relative(functionsDir, f).replace(/(\.protected)?\.js$/, '') === fn.path)!;
      expect(fn.content.equals(readFileSync(file))).toBe(true);
    }
    expect(build.functions.some((f) => f.path.startsWith('/examples/'))).toBe(false);

    const assetsDir = join(ROOT, 'dist/assets');
    expect(build.assets.map((a) => [a.path, a.visibility])).toEqual(
      files(assetsDir)
        .map((f) => ['/' + relative(assetsDir, f), 'public'])
        .sort((a, b) => a[0].localeCompare(b[0])),
    );
    for (const asset of build.assets)
      expect(asset.content.equals(readFileSync(join(assetsDir, asset.path)))).toBe(true);

    // The env file's variables, never the credentials.
    expect(env.variables).toEqual({
      SYNC_SERVICE_SID: 'default',
      ADMIN_PASSWORD: 'the old long password',
      OLD_SETTING: 'x',
      TASKROUTER_WORKSPACE_SID: WORKSPACE,
    });
    // Uploads went to the upload host, as Twilio's API wants them.
    expect(standIn.requests.filter((r) => r.includes('serverless-upload.twilio.com'))).toHaveLength(
      build.functions.length + build.assets.length,
    );
  }, 60_000);

  test('the deploy record is left in the project, and git ignores it', () => {
    const info = JSON.parse(readFileSync(join(dir, '.twiliodeployinfo'), 'utf8')) as Record<
      string,
      { serviceSid: string }
    >;
    expect(Object.values(info).map((i) => i.serviceSid)).toEqual([standIn.services()[0].sid]);
    expect(execFileSync('git', ['check-ignore', '.twiliodeployinfo'], { cwd: ROOT }).toString().trim()).toBe(
      '.twiliodeployinfo',
    );
  });

  test('a second deploy updates the same service: a variable emptied or removed is removed, one added is added', async () => {
    const firstBuild = liveEnvironment().build!.sid;
    writeFileSync(
      join(dir, '.env'),
      envText({
        ...CREDENTIALS,
        SYNC_SERVICE_SID: 'IS' + '2'.repeat(32),
        ADMIN_PASSWORD: '',
        NEW_SETTING: 'y',
        TASKROUTER_WORKSPACE_SID: WORKSPACE,
      }),
    );
    const output = await deploy();
    expect(output).toMatch(
      /Removed from the environment, as \.env no longer sets them: (ADMIN_PASSWORD, OLD_SETTING|OLD_SETTING, ADMIN_PASSWORD)/,
    );
    const env = liveEnvironment();
    expect(env.deployments).toBe(2);
    expect(env.build!.sid).not.toBe(firstBuild);
    expect(env.variables).toEqual({
      SYNC_SERVICE_SID: 'IS' + '2'.repeat(32),
      NEW_SETTING: 'y',
      TASKROUTER_WORKSPACE_SID: WORKSPACE,
    });
  }, 60_000);

  test('with --env, that file is what is uploaded and what the variables are made equal to; --environment picks the environment', async () => {
    writeFileSync(join(dir, '.env.prod'), envText({ ...CREDENTIALS, SYNC_SERVICE_SID: 'default', ONLY_IN_PROD: 'z' }));
    const output = await deploy(['--env=.env.prod', '--environment=prod']);
    expect(output).toContain("The environment's variables are those of .env.prod");
    expect(liveEnvironment('prod').variables).toEqual({ SYNC_SERVICE_SID: 'default', ONLY_IN_PROD: 'z' });
    // The dev environment is left as it was.
    expect(liveEnvironment('dev').variables).toHaveProperty('NEW_SETTING', 'y');
    await deploy(['--env', '.env.prod']);
    expect(liveEnvironment('dev').variables).toEqual({ SYNC_SERVICE_SID: 'default', ONLY_IN_PROD: 'z' });
    expect(existsSync(join(dir, '.twiliodeployinfo'))).toBe(true);
  }, 90_000);
});

test('removing variables for a build no environment runs is an error, and nothing is deleted', async () => {
  // The Serverless API client twilio-run deploys with, in this process, its base URL moved to the stand-in.
  const client = new TwilioServerlessApiClient({ username: ACCOUNT, password: CREDENTIALS.AUTH_TOKEN });
  const got = (client as unknown as { client: Got }).client;
  (client as unknown as { client: Got }).client = got.extend({ prefixUrl: `${standIn.url}/v1` });
  const serviceSid = await createService('another-service', client);
  const environment = await createEnvironmentFromSuffix('dev', serviceSid, client);
  await setEnvironmentVariables({ A: '1' }, environment.sid, serviceSid, client);
  await expect(pruneVariables(client, serviceSid, 'ZB' + '0'.repeat(32), {})).rejects.toThrow(/no environment/);
  expect(standIn.services().find((s) => s.uniqueName === 'another-service')!.environments[0].variables).toEqual({
    A: '1',
  });
});
