import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempFolder } from './temp';

/**
 * A module loaded (`NODE_OPTIONS=--require …`) into a script and every Node process it starts: it
 * records every connection attempt and DNS lookup and lets none through, but for connections to
 * `allowPort` on loopback, so nothing leaves the machine whatever the script does.
 */
export interface Tripwire {
  /** For the process to watch. */
  nodeOptions: string;
  /** What was attempted and stopped, one line each. */
  connections(): string;
  reset(): void;
}

export function tripwire(allowPort?: number): Tripwire {
  const dir = tempFolder('tripwire');
  const file = join(dir, 'tripwire.js');
  const log = join(dir, 'connections.log');
  writeFileSync(
    file,
    `const net = require('net'), dns = require('dns'), fs = require('fs');
const record = (what) => { fs.appendFileSync(${JSON.stringify(log)}, what + '\\n'); };
const allowed = (o) => ${allowPort ?? -1} > 0 && o && Number(o.port) === ${allowPort ?? -1} && ['127.0.0.1', 'localhost', undefined].includes(o.host);
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const options = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (allowed(options)) return connect.apply(this, args);
  record('connect ' + JSON.stringify(options));
  process.nextTick(() => this.destroy(new Error('blocked by the test')));
  return this;
};
dns.lookup = (host, ...rest) => { record('lookup ' + host); rest.pop()(new Error('blocked by the test')); };
`,
  );
  return {
    nodeOptions: `--require ${file}`,
    connections: () => (existsSync(log) ? readFileSync(log, 'utf8') : ''),
    reset: () => writeFileSync(log, ''),
  };
}
