// What a deploy uploads, listed the way the Serverless tooling lists it: exactly the compiled Functions,
// protected but for the token-checked people ones, and the assets; no sources, tests, secrets, or examples unless asked. And what
// `npm run deploy` refuses before any network step.
import { getListOfFunctionsAndAssets } from '@twilio-labs/serverless-api/dist/utils/fs';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { readSpecializedConfig } from 'twilio-run/dist/config/global';
import { projectFolder, runCommand, runScript } from '../../harness/scripts';
import { ROOT } from '../../harness/stack';
import { tripwire } from '../../harness/tripwire';
import { tempFolder } from '../../harness/temp';

const walk = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
      )
    : [];

/** The deploy set of the project in `dir`, with the folders twilio-run's deploy command reads from .twilioserverlessrc.js. */
async function deploySet(dir = ROOT) {
  const config = readSpecializedConfig(dir, join(dir, '.twilioserverlessrc.js'), 'deploy') as {
    functionsFolder: string;
    assetsFolder: string;
  };
  return getListOfFunctionsAndAssets(dir, {
    functionsFolderNames: [config.functionsFolder],
    assetsFolderNames: [config.assetsFolder],
  });
}

const sourcePaths = (dir: string) =>
  walk(join(ROOT, dir))
    .map((f) => '/' + relative(join(ROOT, 'functions'), f).replace(/(\.protected)?\.ts$/, ''))
    .sort();

test('the deploy set holds one Function per source file outside functions/examples/, compiled: protected, but for the people ones that check tokens', async () => {
  const { functions } = await deploySet();
  const expected = sourcePaths('functions').filter((path) => !path.startsWith('/examples/'));
  expect(expected.length).toBeGreaterThanOrEqual(5);
  expect(functions.map((f) => f.path).sort()).toEqual(expected);
  for (const fn of functions) {
    // Browsers cannot sign requests as Twilio does: the console and agent Functions check a token themselves.
    expect(fn.access).toBe(/^\/(console|agent)\//.test(fn.path) ? 'public' : 'protected');
    expect(fn.filePath).toMatch(/\.js$/);
  }
});

test('the deploy set holds the assets and nothing else: no sources, tests, maps or secrets', async () => {
  const { functions, assets } = await deploySet();
  const expectedAssets = walk(join(ROOT, 'assets'))
    .map((f) => '/' + relative(join(ROOT, 'assets'), f))
    .sort();
  expect(assets.map((a) => a.path).sort()).toEqual(expectedAssets);
  for (const file of [...functions, ...assets].map((f) => f.filePath)) {
    expect(file).not.toMatch(/\.ts$|\.map$|\.test\.|(^|\/)\.env/);
    expect(relative(ROOT, file)).toMatch(/^dist\//);
  }
});

test('the examples are deployed only when the build is told DEPLOY_EXAMPLES=true; npm start serves them always', async () => {
  // A copy of the project to build in, so that this project's dist/ stays as the other tests use it.
  const dir = tempFolder('build');
  // Not the plugin: its node_modules (about 900 MB once npm test has installed it) is not the build's.
  const skipped = ['node_modules', 'dist', '.git', '.env', 'plugin-recording-controls', 'reports', 'coverage'];
  for (const entry of readdirSync(ROOT).filter((name) => !skipped.includes(name) && !name.startsWith('.stryker-tmp'))) {
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const examples = sourcePaths('functions/examples');
  expect(examples.length).toBeGreaterThanOrEqual(1);
  const build = (vars: Record<string, string>) =>
    execFileSync(process.execPath, ['scripts/build.mjs'], {
      cwd: dir,
      env: { ...process.env, DEPLOY_EXAMPLES: '', ...vars },
    });

  build({});
  expect((await deploySet(dir)).functions.map((f) => f.path)).not.toEqual(expect.arrayContaining([examples[0]]));
  const served = walk(join(dir, 'dist/functions')).map(
    (f) => '/' + relative(join(dir, 'dist/functions'), f).replace(/\.protected\.js$/, ''),
  );
  expect(served).toEqual(expect.arrayContaining(examples));

  build({ DEPLOY_EXAMPLES: 'true' });
  expect((await deploySet(dir)).functions.map((f) => f.path)).toEqual(expect.arrayContaining(examples));
});

test("the deployed dependencies are the tested ones: package.json's are exact, the lockfile's versions", () => {
  // Twilio installs a deployed service's dependencies from package.json alone: a range there would be
  // whatever version is newest at deploy time, not the one the tests ran.
  const read = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
  const { dependencies } = read('package.json') as { dependencies: Record<string, string> };
  const { packages } = read('package-lock.json') as { packages: Record<string, { version: string }> };
  expect(Object.keys(dependencies).length).toBeGreaterThan(0);
  for (const [name, version] of Object.entries(dependencies))
    expect({ name, version }).toEqual({ name, version: packages[`node_modules/${name}`].version });
});

test("a Twilio CLI user deploys without a .env: the CLI profile's credentials, the fresh build", () => {
  // What the CLI plugin hands twilio-run's deploy: the profile's credentials, in a project with no .env.
  const profile = { username: 'SK' + 'c'.repeat(32), password: 'secret', accountSid: 'AC' + 'd'.repeat(32) };
  const script = `require('twilio-run/dist/config/deploy')
    .getConfigFromFlags({ cwd: process.cwd() }, ${JSON.stringify({ ...profile, profile: 'default' })})
    .then((c) => console.log(JSON.stringify({ username: c.username, env: c.env, functions: c.functionsFolderName })))`;
  const config = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: projectFolder(), encoding: 'utf8' }));
  expect(config).toEqual({ username: profile.username, env: {}, functions: 'dist/deploy/functions' });
});

describe('npm run deploy refuses, before any network step', () => {
  const wire = tripwire();
  const connections = wire.connections;
  const deploy = async (env: Record<string, string>, args: string[] = [], dir = projectFolder(env)) => {
    wire.reset();
    const run = runScript('deploy', dir, { NODE_OPTIONS: wire.nodeOptions }, args);
    const code = await run.exited;
    return { code, output: run.output() };
  };
  const REAL = { ACCOUNT_SID: 'AC' + 'a'.repeat(32), AUTH_TOKEN: 'b'.repeat(32), SYNC_SERVICE_SID: 'default' };

  test('the tripwire sees a connection attempt and stops it', () => {
    wire.reset();
    execFileSync(process.execPath, [
      ...wire.nodeOptions.split(' '),
      '-e',
      "require('https').get('https://api.twilio.com/').on('error', () => {})",
    ]);
    expect(connections()).toMatch(/api\.twilio\.com/);
  });

  test("the emulator's placeholder credentials, with the fix", async () => {
    const { code, output } = await deploy(
      Object.fromEntries(
        readFileSync(join(ROOT, '.env.example'), 'utf8')
          .split('\n')
          .filter((l) => /^\w+=/.test(l))
          .map((l) => l.split('=')),
      ),
    );
    expect(code).not.toBe(0);
    expect(output).toContain(".env holds the emulator's placeholder credentials");
    expect(output).toContain('put your Account SID and Auth Token (Twilio Console, Account Info) in .env');
    expect(output).not.toContain('Deploying');
    expect(connections()).toBe('');
  });

  test("the emulator's address, or any address of this machine", async () => {
    for (const [name, value] of [
      ['TWILIO_API_BASE_URL', 'http://127.0.0.1:3010'],
      ['TWILIO_API_BASE_URL', 'https://api.example.com'],
      ['SOME_WEBHOOK', 'http://localhost:8080/hook'],
    ]) {
      const { code, output } = await deploy({ ...REAL, [name]: value });
      expect(code).not.toBe(0);
      expect(output).toContain(`.env sets ${name} to an address of this machine`);
      expect(connections()).toBe('');
    }
  });

  test('every address of this machine: 0.0.0.0, ::, names under .localhost, IPv4-mapped loopback', async () => {
    for (const value of [
      'http://0.0.0.0:3000',
      'http://[::]:3000/',
      'http://app.localhost/',
      'http://[::ffff:127.0.0.1]/',
      'http://127.1/',
    ]) {
      const { code, output } = await deploy({ ...REAL, PUBLIC_BASE_URL: value });
      expect({ value, code }).toEqual({ value, code: 1 });
      expect(output).toContain('.env sets PUBLIC_BASE_URL to an address of this machine');
      expect(connections()).toBe('');
    }
  });

  test('an ADMIN_PASSWORD shorter than 12 characters, saying why', async () => {
    const { code, output } = await deploy({ ...REAL, ADMIN_PASSWORD: 'short-pass' });
    expect(code).not.toBe(0);
    expect(output).toContain('ADMIN_PASSWORD has 10 characters, fewer than 12');
    expect(connections()).toBe('');
  });

  test('the file given with --env is checked as .env is', async () => {
    const dir = projectFolder(REAL);
    writeFileSync(
      join(dir, '.env.prod'),
      Object.entries({ ...REAL, PUBLIC_BASE_URL: 'http://localhost:3000' })
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    for (const args of [['--env=.env.prod'], ['--env', '.env.prod']]) {
      const { code, output } = await deploy(REAL, args, dir);
      expect(code).not.toBe(0);
      expect(output).toContain('.env.prod sets PUBLIC_BASE_URL to an address of this machine');
      expect(connections()).toBe('');
    }
    const missing = await deploy(REAL, ['--env=.env.nope'], dir);
    expect(missing.output).toContain('There is no .env.nope (given with --env)');
  });

  test('a plain twilio serverless:deploy (twilio-run deploy, which the CLI plugin runs) of no build or a stale one, saying to build', async () => {
    const unbuilt = projectFolder(REAL);
    unlinkSync(join(unbuilt, 'dist'));
    // A Function's source changed since the build.
    const stale = projectFolder(REAL);
    unlinkSync(join(stale, 'functions'));
    cpSync(join(ROOT, 'functions'), join(stale, 'functions'), { recursive: true });
    appendFileSync(join(stale, 'functions/recording/start.protected.ts'), '// changed\n');
    for (const [dir, message] of [
      [unbuilt, 'Not deploying: there is no build (dist/deploy). Run npm run build, then deploy again'],
      [
        stale,
        'Not deploying: dist/deploy was built from other sources than these. Run npm run build, then deploy again',
      ],
    ]) {
      wire.reset();
      const run = runCommand(process.execPath, [require.resolve('twilio-run/bin/twilio-run.js'), 'deploy'], dir, {
        NODE_OPTIONS: wire.nodeOptions,
      });
      expect(await run.exited).not.toBe(0);
      // twilio-run boxes and wraps its errors.
      expect(run.output().replace(/[│·\s]+/g, ' ')).toContain(message);
      expect(connections()).toBe('');
    }
  });

  test('no .env, or no credentials in it', async () => {
    const noEnv = runScript('deploy', projectFolder(), { NODE_OPTIONS: wire.nodeOptions });
    expect(await noEnv.exited).not.toBe(0);
    expect(noEnv.output()).toContain('There is no .env: copy .env.example to .env');
    const { code, output } = await deploy({ SYNC_SERVICE_SID: 'default' });
    expect(code).not.toBe(0);
    expect(output).toContain('.env has no account credentials');
    // Read with the same parse as npm start's: what is not settings is said, not taken for no credentials.
    const garbled = projectFolder();
    writeFileSync(join(garbled, '.env'), 'this is not an env file\n');
    const notSettings = await deploy({}, [], garbled);
    expect(notSettings.code).not.toBe(0);
    expect(notSettings.output).toContain('.env cannot be read as settings: line 1 is not a setting');
    expect(connections()).toBe('');
  });
});
