import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where a test run's temporary folders go: one folder per jest run (harness/jest-global-setup makes it,
 * jest-global-teardown removes it), so a run leaves nothing in the temporary directory, whatever ended its
 * workers. Jest gives test files a copy of `process` whose 'exit' never fires; the bench, a plain process,
 * removes its folders when it exits.
 */
export const RUN_FOLDER_VARIABLE = 'RECORDING_CONTROLS_TEST_TMP';

let exitHook = false;
const made: string[] = [];

/** A new folder `rc-<prefix>-…` in the run's folder (or the temporary directory), removed when the run ends. */
export function tempFolder(prefix: string): string {
  const runFolder = process.env[RUN_FOLDER_VARIABLE];
  if (runFolder) {
    mkdirSync(runFolder, { recursive: true });
    return mkdtempSync(join(runFolder, `rc-${prefix}-`));
  }
  const dir = mkdtempSync(join(tmpdir(), `rc-${prefix}-`));
  made.push(dir);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  }
  return dir;
}
