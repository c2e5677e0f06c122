// npm run mutate's jest sequencer (stryker.config.mjs): a mutant's run loads only the test files that hold
// the tests reaching it. Stryker's jest runner names those tests by a pattern of their full names and
// leaves jest to load every test file of the scope, each importing the emulator and the twilio library
// anew (about a quarter of a second a file): more than the tests themselves take. The first run, the one
// with no pattern (Stryker's dry run), records which file holds which test; a run with a pattern keeps the
// files with a test it matches, and all of them while nothing is recorded or nothing matches.
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

// In the sandbox Stryker runs jest in (its working folder), shared by its test processes.
const RECORD = join(process.cwd(), '.stryker-tests-by-file.json');

class MutationTestSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.pattern = options.globalConfig.testNamePattern;
  }

  sort(tests) {
    const sorted = super.sort(tests);
    if (!this.pattern || !existsSync(RECORD)) return sorted;
    // A mutant's run stops at its first failure (mutation-test-environment.cjs): the file that failed last
    // (the last mutant was likely its neighbour), then the quickest files first.
    sorted.sort((a, b) => this.hasFailed(b) - this.hasFailed(a) || (a.duration ?? 0) - (b.duration ?? 0));
    const byFile = JSON.parse(readFileSync(RECORD, 'utf8'));
    // As jest matches it (jest-circus): case-insensitive, against the test's full name.
    const pattern = new RegExp(this.pattern, 'i');
    const kept = sorted.filter((test) => (byFile[test.path] ?? []).some((name) => pattern.test(name)));
    return kept.length > 0 ? kept : sorted;
  }

  cacheResults(tests, results) {
    super.cacheResults(tests, results);
    if (this.pattern) return;
    const byFile = Object.fromEntries(
      results.testResults.map((file) => [file.testFilePath, file.testResults.map((t) => t.fullName)]),
    );
    writeFileSync(RECORD, JSON.stringify(byFile));
  }
}

module.exports = MutationTestSequencer;
