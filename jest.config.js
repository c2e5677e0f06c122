/** Tests run against the built Functions (npm test builds first) and emulators they start themselves. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Types are checked once by `tsc --noEmit` in npm test; with isolatedModules (tsconfig) ts-jest only transpiles.
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 60000,
  maxWorkers: 2,
  // One temporary folder per run, removed at its end (harness/temp).
  globalSetup: '<rootDir>/harness/jest-global-setup.ts',
  globalTeardown: '<rootDir>/harness/jest-global-teardown.ts',
};
