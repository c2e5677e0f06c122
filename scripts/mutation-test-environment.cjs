// npm run mutate's jest environment (stryker.config.mjs): a mutant's run stops at its first failing test.
// Stryker's jest runner turns jest's own bail off (jest cannot bail when run from code), so every test
// reaching a mutant ran after one had already killed it: a killed mutant cost as much as a survivor. Once
// a test or hook of this mutant's run fails, the tests after it, in this file and the next ones, are
// skipped. The dry run (no mutant active) runs every test.
const { TestEnvironment } = require('jest-environment-node');

// Jest runs a mutant's test files one after another in this process (maxWorkers 1): the run is process-wide.
const run = { mutant: undefined, failed: false };

class MutationTestEnvironment extends TestEnvironment {
  async handleTestEvent(event) {
    const mutant = process.env.__STRYKER_ACTIVE_MUTANT__;
    if (mutant === undefined) return;
    if (run.mutant !== mutant) Object.assign(run, { mutant, failed: false });
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') run.failed = true;
    else if (event.name === 'test_start' && run.failed) event.test.mode = 'skip';
  }
}

module.exports = MutationTestEnvironment;
