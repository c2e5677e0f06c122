// Deployed Functions are stored one by one and cannot import each other: each built file must load alone.
import { copyFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../../harness/stack';
import { tempFolder } from '../../harness/temp';

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );

const built = walk(join(ROOT, 'dist/functions'));

test('every Function source has a built file', () => {
  const sources = walk(join(ROOT, 'functions')).map((f) =>
    relative(join(ROOT, 'functions'), f).replace(/\.ts$/, '.js'),
  );
  expect(built.map((f) => relative(join(ROOT, 'dist/functions'), f)).sort()).toEqual(sources.sort());
});

test.each(built.map((f) => [relative(ROOT, f), f]))('%s loads alone and exports a handler', (_name, file) => {
  // An empty folder with only the runtime's dependencies (node_modules) beside it, as in a deployment.
  const dir = tempFolder('fn');
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const copy = join(dir, 'function.js');
  copyFileSync(file, copy);
  const loaded = jest.requireActual(copy) as { handler?: unknown };
  expect(typeof loaded.handler).toBe('function');
});
