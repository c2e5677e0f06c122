// The ports the tests hand their child processes: none the kernel could hand out meanwhile, none taken.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { freePort } from '../../harness/stack';

test('ports come from below the ephemeral range, each once, and never one that is taken', async () => {
  const [ephemeralFirst] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
  const ports: number[] = [];
  for (let i = 0; i < 200; i++) ports.push(await freePort());
  expect(Math.max(...ports)).toBeLessThan(Number(ephemeralFirst));
  expect(new Set(ports).size).toBe(ports.length);

  const taken = createServer();
  const last = ports[ports.length - 1];
  await new Promise<void>((ok) => taken.listen(last + 1, '127.0.0.1', ok));
  try {
    expect(await freePort()).not.toBe(last + 1);
  } finally {
    await new Promise((ok) => taken.close(ok));
  }
});
