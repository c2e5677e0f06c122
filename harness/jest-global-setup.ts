import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_FOLDER_VARIABLE } from './temp';

/** Jest's globalSetup: the run's temporary folder, named to the workers (they inherit the environment). */
export default function setup(): void {
  process.env[RUN_FOLDER_VARIABLE] = mkdtempSync(join(tmpdir(), 'rc-tests-'));
}
