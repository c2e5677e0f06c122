// Builds what runs and deploys: each Function bundled alone (deployed Functions cannot import each
// other by relative path), the assets copied, and the emulator and the start script for Node.
import { build } from 'esbuild';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

rmSync('dist', { recursive: true, force: true });
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', sourcemap: false };

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
  entryPoints: ['emulator/main.ts', 'scripts/start.ts', 'bench/bench.ts'],
  outbase: '.',
  outdir: 'dist',
  packages: 'external',
});
if (existsSync('assets')) cpSync('assets', 'dist/assets', { recursive: true });
