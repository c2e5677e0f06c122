// Stops at once, in words, on a Node.js that package.json's engines do not name, before anything that
// needs a newer one loads (npm runs it from the project folder). Plain ES modules and nothing else,
// so that an old Node gets this far.
import { readFileSync } from 'fs';

const wanted = JSON.parse(readFileSync('package.json', 'utf8')).engines.node;
const [major, minor] = process.versions.node.split('.').map(Number);
// engines.node is a list of caret ranges: "^20.19.0 || ^22.13.0".
const lines = wanted.split('||').map((range) => range.trim().replace(/^\^/, '').split('.').map(Number));

if (!lines.some(([M, m]) => major === M && minor >= m)) {
  const supported = lines.map(([M, m]) => `${M}.${m} or a later ${M}.x`).join(', or ');
  if (major > Math.max(...lines.map(([M]) => M))) {
    console.warn(
      `Warning: Node.js ${process.versions.node} is newer than this project supports (${supported}); twilio-run 5 declares Node.js 20 and 22 only.`,
    );
  } else {
    console.error(
      `Node.js ${process.versions.node} is not supported: this project needs Node.js ${supported} (package.json engines). Install one, e.g. \`nvm install 22\`.`,
    );
    process.exit(1);
  }
}
