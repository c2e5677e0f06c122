// Mutation testing on the fast layer: `npm run mutate` (scripts/mutate.mjs) runs it once per scope and
// prints both scores. Not in CI (minutes, not seconds); docs/mutation.md quotes the scores with the date and
// explains each survivor. One scope alone: `STRYKER_SCOPE=model npx stryker run`.
//
// Each scope runs the tests of its own folder first of all: lib/model's pure rules by their own tests
// (milliseconds each, so a surviving mutant costs little), lib/controls by the in-process tests of the
// controls, the runtime and sync (the emulator in the jest process, real HTTP).
import { availableParallelism } from 'node:os';
import { fileURLToPath, URL } from 'node:url';

const SCOPES = {
  model: { mutate: ['lib/model/**/*.ts'], tests: ['<rootDir>/test/unit/model'], related: true },
  controls: {
    mutate: ['lib/controls/**/*.ts'],
    tests: ['<rootDir>/test/unit/controls', '<rootDir>/test/unit/runtime', '<rootDir>/test/unit/sync'],
    // Each instance loads lib/ with import() in jest.isolateModulesAsync (harness/in-process), which
    // jest's --findRelatedTests does not follow: the tests are picked by their coverage alone.
    related: false,
  },
};
const scope = process.env.STRYKER_SCOPE ?? 'model';
if (!SCOPES[scope]) throw new Error(`STRYKER_SCOPE must be one of ${Object.keys(SCOPES).join(', ')}`);

export default {
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // A mutant's run loads only the test files holding the tests that reach it (the sequencer's comment).
    config: {
      roots: SCOPES[scope].tests,
      maxWorkers: 1,
      testSequencer: '<rootDir>/scripts/mutation-test-sequencer.cjs',
      // ...and stops at the first of them that fails (the environment's comment).
      // (a path: Stryker loads it itself, where jest's <rootDir> means nothing)
      testEnvironment: fileURLToPath(new URL('scripts/mutation-test-environment.cjs', import.meta.url)),
    },
    enableFindRelatedTests: SCOPES[scope].related,
  },
  mutate: SCOPES[scope].mutate,
  // Not copied into the sandbox: another scope's sandbox, reports and builds.
  ignorePatterns: ['.stryker-tmp*', 'reports', 'dist', 'coverage'],
  // Each mutant runs only the tests that reached it, stopping at the first that fails.
  coverageAnalysis: 'perTest',
  // A test process per core and one more: a quarter of a controls test's time is spent waiting (timers,
  // loopback), when another process can run (STRYKER_CONCURRENCY=1 on a machine shared with other work).
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? availableParallelism() + 1),
  // Each mutant's run loads the emulator and the twilio library anew, and a test process keeps growing
  // (2.2–2.7 GB after 11 minutes, its garbage collector competing for the cores): a fresh one every 40 runs.
  maxTestRunnerReuse: 40,
  // Mutants whose code and tests did not change keep their last result.
  incremental: true,
  incrementalFile: `reports/stryker-incremental-${scope}.json`,
  // Mutants of constants read once at load time would each need a fresh process: left out, counted in none.
  ignoreStatic: true,
  // Stryker's default: a mutant's run is a timeout past 1.5 times its tests' time in the dry run and 5 s.
  timeoutMS: 5000,
  reporters: ['clear-text', 'progress-append-only', 'json', 'html'],
  jsonReporter: { fileName: `reports/mutation/${scope}.json` },
  htmlReporter: { fileName: `reports/mutation/${scope}.html` },
  clearTextReporter: { reportMutants: true, reportScoreTable: true, allowEmojis: false },
  thresholds: { high: 85, low: 85, break: null },
  // One sandbox folder per scope: two scopes may run at once.
  tempDirName: `.stryker-tmp-${scope}`,
};
