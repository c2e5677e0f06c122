// Builds what runs and deploys: each Function bundled alone (deployed Functions cannot import each
// other by relative path), the assets copied, and the emulator and the scripts for Node. dist/functions
// (every Function) is what `npm start` serves; dist/deploy/functions is what a deploy uploads: the same
// without the examples, unless DEPLOY_EXAMPLES=true.
import { build } from 'esbuild';
import { cpSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import buildRecord from './build-record.cjs';

const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

rmSync('dist', { recursive: true, force: true });
// node20.19: the oldest Node that runs the bundles (package.json engines, for local runs); deployed they
// run on the newer node22 (.twilioserverlessrc.js runtime).
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  format: 'cjs',
  logLevel: 'warning',
  sourcemap: false,
};

await build({
  ...common,
  entryPoints: walk('functions'),
  outbase: 'functions',
  outdir: 'dist/functions',
  // Provided by the Functions runtime from package.json dependencies.
  external: ['twilio', '@twilio/runtime-handler'],
});
await build({
  ...common,
  entryPoints: [
    'emulator/main.ts',
    'scripts/start.ts',
    'scripts/serve-functions.ts',
    'scripts/deploy.ts',
    'bench/bench.ts',
  ],
  outbase: '.',
  outdir: 'dist',
  packages: 'external',
});
if (existsSync('assets')) cpSync('assets', 'dist/assets', { recursive: true });

const withExamples = process.env.DEPLOY_EXAMPLES === 'true';
cpSync('dist/functions', 'dist/deploy/functions', {
  recursive: true,
  filter: (source) => withExamples || !source.startsWith(join('dist', 'functions', 'examples')),
});
// What the deploy configuration (.twilioserverlessrc.js) checks the deployed build against.
writeFileSync(buildRecord.RECORD, buildRecord.sourcesHash('.'));
