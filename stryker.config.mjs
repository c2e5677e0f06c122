// Mutation testing of lib/model and lib/controls on the fast layer (npm run test:unit): `npm run mutate`.
// Not in CI (minutes, not seconds); docs/mutation.md quotes its score with the date and explains each survivor.
// One folder alone: `npm run mutate -- --mutate 'lib/model/**/*.ts'`.
export default {
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // The fast layer only: the end-to-end suites start twilio-run processes and take minutes.
    config: { roots: ['<rootDir>/test/unit'], maxWorkers: 1 },
  },
  mutate: ['lib/model/**/*.ts', 'lib/controls/**/*.ts'],
  // Each mutant runs only the tests that reached it, stopping at the first that fails.
  coverageAnalysis: 'perTest',
  // The machine is shared: one test process at a time.
  concurrency: 1,
  // Mutants whose code and tests did not change keep their last result (reports/stryker-incremental.json).
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // Mutants of constants read once at load time would all need a fresh process; left out, counted in none.
  ignoreStatic: true,
  timeoutMS: 15000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { reportMutants: true, reportScoreTable: true },
  thresholds: { high: 85, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
