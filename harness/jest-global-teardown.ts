import { rmSync } from 'node:fs';
import { RUN_FOLDER_VARIABLE } from './temp';

/** Jest's globalTeardown: the run's temporary folder and everything the tests made in it. */
export default function teardown(): void {
  const folder = process.env[RUN_FOLDER_VARIABLE];
  if (folder) rmSync(folder, { recursive: true, force: true });
}
