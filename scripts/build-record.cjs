// What dist/deploy was built from: `npm run build` records a hash of the sources it bundles, and the
// deploy configuration (.twilioserverlessrc.js) refuses a build that is missing or was made from other
// sources, since `twilio serverless:deploy` runs no build and uploads whatever dist/deploy holds.
// CommonJS with Node's built-ins only: the Twilio CLI's own twilio-run loads the configuration.
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

/** What a build reads: the Functions, what they import, the assets, the dependencies and the build itself. */
const SOURCES = [
  'functions',
  'lib',
  'assets',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'scripts/build.mjs',
];
const RECORD = join('dist', 'deploy', 'sources.sha256');

const files = (root, path) =>
  statSync(join(root, path)).isDirectory()
    ? readdirSync(join(root, path))
        .sort()
        .flatMap((name) => files(root, join(path, name)))
    : [path];

/** A hash of every source file's path and content under `root`. */
function sourcesHash(root) {
  const hash = createHash('sha256');
  for (const file of SOURCES.filter((path) => existsSync(join(root, path))).flatMap((path) => files(root, path)))
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(root, file)))
      .update('\0');
  return hash.digest('hex');
}

/** Why the build in `root` must not be deployed, in one line, or undefined. */
function buildProblem(root) {
  const record = join(root, RECORD);
  if (!existsSync(record))
    return 'Not deploying: there is no build (dist/deploy). Run npm run build, then deploy again';
  if (readFileSync(record, 'utf8') !== sourcesHash(root))
    return 'Not deploying: dist/deploy was built from other sources than these. Run npm run build, then deploy again';
  return undefined;
}

module.exports = { RECORD, sourcesHash, buildProblem };
