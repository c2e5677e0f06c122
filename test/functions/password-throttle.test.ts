// A minute of password guessing over two Function processes, each guess from a new source address: the
// overall gate alone holds the guarantee (deployed, Twilio's runtime passes no client address on, and
// a source a client names itself is new on every guess), so at most a handful are checked per minute.
import { invoke } from '../../harness/functions';
import { useCluster } from '../../harness/stack';
import { OVERALL_GATE } from '../../lib/runtime/console-auth';
import { waitAfter } from '../../lib/sync/console-state';

const PASSWORD = 'correct horse battery staple';
const cluster = useCluster(2, { ADMIN_PASSWORD: PASSWORD });
const MINUTE = 60_000;

/** The most wrong guesses the overall gate lets be checked within `ms`: the free ones, then one per wait. */
function mostChecked(ms: number): number {
  let at = 0;
  let failures = 0;
  while (at <= ms) {
    failures++;
    at += waitAfter(failures, OVERALL_GATE);
  }
  return failures;
}

test('guesses from ever-new addresses, in parallel on two instances for a minute: only a handful are checked', async () => {
  expect(mostChecked(MINUTE)).toBeLessThanOrEqual(12);
  const started = Date.now();
  const statuses: number[] = [];
  let guess = 0;
  while (Date.now() - started < MINUTE) {
    const batch = Array.from({ length: 6 }, () => {
      const i = guess++;
      // A forged X-Forwarded-For per guess: the runtime passes it on locally, as a tunnel's would be.
      const address = `198.51.100.${i % 250}, 203.0.113.${i % 200}`;
      return fetch(`${cluster.fxs[i % 2].url}/console/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
        body: JSON.stringify({ Password: `guess-${i}`, Name: 'Test Admin' }),
      }).then(async (res) => {
        await res.text();
        return res.status;
      });
    });
    statuses.push(...(await Promise.all(batch)));
    await new Promise((r) => setTimeout(r, 200));
  }
  const elapsed = Date.now() - started;
  const checked = statuses.filter((s) => s === 401).length;
  console.log(`${statuses.length} guesses in ${elapsed} ms on two instances: ${checked} checked`);
  expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
  expect(statuses.length).toBeGreaterThan(300);
  expect(checked).toBeGreaterThanOrEqual(OVERALL_GATE.free);
  expect(checked).toBeLessThanOrEqual(mostChecked(elapsed));
  // Still closed: the right password, from yet another address, is refused before it is compared.
  const right = await invoke(cluster.fxs[1], '/console/login', { Password: PASSWORD, Name: 'Test Admin' }, 'json');
  expect(right).toMatchObject({ status: 429, body: { error: { code: 'LOGIN_THROTTLED' } } });
}, 90_000);
