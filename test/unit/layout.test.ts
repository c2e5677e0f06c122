// The library's architecture, read from its imports: subsystems in layers that import only downwards,
// at most six of them, no circles, and no chain of imports longer than six files.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const LIB = join(ROOT, 'lib');

/** Each part of lib/ and the parts it may import; a folder may import within itself. */
const LAYERS: Record<string, number> = {
  errors: 0,
  'local-run': 0,
  env: 0,
  model: 1,
  twilio: 2,
  sync: 3,
  controls: 4,
  runtime: 5,
};
const MAX_LAYERS = 6;

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

/** Every relative import of a file, type-only ones included: they bind modules together all the same. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/from '(\.[^']+)'/g)].map((m) => resolve(dirname(file), m[1]) + '.ts');
}

const files = walk(LIB);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const part = (file: string) => relative(LIB, file).split('/')[0].replace(/\.ts$/, '');
const name = (file: string) => relative(LIB, file).replace(/\.ts$/, '');

test(`lib/ has at most ${MAX_LAYERS} layers`, () => {
  expect(new Set(Object.values(LAYERS)).size).toBeLessThanOrEqual(MAX_LAYERS);
});

test('every part of lib/ is in a layer', () => {
  for (const file of files) expect([name(file), LAYERS[part(file)]]).toEqual([name(file), expect.any(Number)]);
});

test('imports run downwards: a part imports only lower layers, or within itself', () => {
  const upward = files.flatMap((file) =>
    graph
      .get(file)!
      .filter((target) => part(target) !== part(file) && !(LAYERS[part(target)] < LAYERS[part(file)]))
      .map((target) => `${name(file)} -> ${name(target)}`),
  );
  expect(upward).toEqual([]);
});

test(`no circles, and at most ${MAX_LAYERS} files in any chain of imports`, () => {
  const depth = new Map<string, number>();
  const visiting: string[] = [];
  const depthOf = (file: string): number => {
    if (visiting.includes(file))
      throw new Error(`import circle: ${[...visiting.slice(visiting.indexOf(file)), file].map(name).join(' -> ')}`);
    if (!depth.has(file)) {
      visiting.push(file);
      depth.set(file, 1 + Math.max(0, ...graph.get(file)!.map(depthOf)));
      visiting.pop();
    }
    return depth.get(file)!;
  };
  const deepest = files.reduce((a, b) => (depthOf(b) > depthOf(a) ? b : a));
  expect(depthOf(deepest)).toBeLessThanOrEqual(MAX_LAYERS);
});

test('no circles in the emulator either, between its files or its folders (voice, sync, studio, taskrouter)', () => {
  const EMULATOR = join(ROOT, 'emulator');
  const all = walk(EMULATOR);
  const edges = new Map(all.map((f) => [f, importsOf(f).filter((t) => t.startsWith(EMULATOR))]));
  const unit = (f: string) => relative(EMULATOR, f).split('/')[0].replace(/\.ts$/, '');
  const units = new Map<string, Set<string>>();
  for (const [f, targets] of edges)
    for (const t of targets)
      if (unit(t) !== unit(f)) units.set(unit(f), (units.get(unit(f)) ?? new Set()).add(unit(t)));
  const circle = (graph: Map<string, Iterable<string>>) => {
    const done = new Set<string>();
    const path: string[] = [];
    const visit = (n: string): string | undefined => {
      if (path.includes(n)) return [...path.slice(path.indexOf(n)), n].join(' -> ');
      if (done.has(n)) return undefined;
      path.push(n);
      for (const m of graph.get(n) ?? []) {
        const found = visit(m);
        if (found) return found;
      }
      path.pop();
      done.add(n);
      return undefined;
    };
    for (const n of graph.keys()) {
      const found = visit(n);
      if (found) return found;
    }
    return undefined;
  };
  expect(circle(edges)).toBeUndefined();
  expect(circle(units)).toBeUndefined();
});

test('every import of lib/ names a file that exists', () => {
  for (const [file, targets] of graph)
    for (const target of targets)
      expect([name(file), files.includes(target) ? 'exists' : target]).toEqual([name(file), 'exists']);
});
