// What `npm run deploy` uploads, listed the way the Serverless tooling lists it: exactly the compiled
// Functions, protected but for the token-checked people ones, and the assets; no sources, tests or secrets.
import { getListOfFunctionsAndAssets } from '@twilio-labs/serverless-api/dist/utils/fs';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { getConfig } from 'twilio-run/dist/config/utils/configLoader';
import { ROOT } from '../helpers/stack';

const walk = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]))
    : [];

async function deploySet() {
  const config = getConfig(ROOT) as { functionsFolder: string; assetsFolder: string };
  return getListOfFunctionsAndAssets(ROOT, {
    functionsFolderNames: [config.functionsFolder],
    assetsFolderNames: [config.assetsFolder],
  });
}

test('the deploy set holds one Function per source file, compiled: protected, but for the people ones that check tokens', async () => {
  const { functions } = await deploySet();
  const expected = walk(join(ROOT, 'functions'))
    .map((f) => '/' + relative(join(ROOT, 'functions'), f).replace(/(\.protected)?\.ts$/, ''))
    .sort();
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
  const expectedAssets = walk(join(ROOT, 'assets')).map((f) => '/' + relative(join(ROOT, 'assets'), f)).sort();
  expect(assets.map((a) => a.path).sort()).toEqual(expectedAssets);
  for (const file of [...functions, ...assets].map((f) => f.filePath)) {
    expect(file).not.toMatch(/\.ts$|\.map$|\.test\.|(^|\/)\.env/);
    expect(relative(ROOT, file)).toMatch(/^dist\//);
  }
});
