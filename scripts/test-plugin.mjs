// npm test's step for the Flex plugin (plugin-recording-controls/): installs its packages with `npm ci` when
// they are missing or older than its lockfile (a fresh install takes minutes: 2,100 packages), then
// type-checks, builds (Twilio's flex-plugin build) and runs its component tests.
import { execFileSync } from 'child_process';
import { existsSync, statSync } from 'fs';

const dir = 'plugin-recording-controls';
// npm writes node_modules/.package-lock.json at the end of every install.
const installed = `${dir}/node_modules/.package-lock.json`;
const npm = (...args) => execFileSync('npm', args, { cwd: dir, stdio: 'inherit' });

if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(`${dir}/package-lock.json`).mtimeMs) {
  npm('ci', '--no-audit', '--no-fund');
}
npm('run', 'check');
