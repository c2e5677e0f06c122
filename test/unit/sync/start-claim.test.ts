// The start claim between instances whose clocks are apart: another instance waits for the holder's
// deadline plus the skew margin, then takes the claim over; a holder past its own deadline writes nothing.
import { atTime, useInProcessEmulator } from '../../../harness/in-process';
import { clientFor } from '../../../harness/stack';
import { CallMap } from '../../../lib/sync/call-map';
import { StartClaim } from '../../../lib/sync/start-claim';

/** The clock skew between instances the docs promise to allow (docs/guarantees.md), not read from lib/. */
const SKEW_MARGIN_MS = 50;

const stack = useInProcessEmulator();
let n = 0;
const mapOf = () =>
  new CallMap(
    clientFor(stack.em.url),
    { serviceSid: 'default', ttlSeconds: 600 },
    `CA${String(++n).padStart(32, '0')}`,
  );

const claimItem = (map: CallMap) => map.items('claim').fetch();

describe('clocks apart: the holder until its deadline on its clock, another instance reading on its own', () => {
  /** A holds the claim with deadline `t` on its clock; B, whose clock reads `t + aheadMs` then, tries. */
  async function bAhead(aheadMs: number) {
    const map = mapOf();
    // Near the present: the emulator, in this process, reads the same fixed clock for its rate limits.
    const t = Date.now();
    const a = new StartClaim(map, t);
    expect(await a.acquire()).toEqual({ held: true });
    const b = new StartClaim(map, t + aheadMs + 9_000);
    return { state: await atTime(t + aheadMs, () => b.acquire()), map, t, b };
  }

  test(`B's clock ${SKEW_MARGIN_MS - 10} ms ahead (within the margin): A still holds it`, async () => {
    const { state, t } = await bAhead(SKEW_MARGIN_MS - 10);
    expect(state).toEqual({ held: false, by: 'another', until: t + SKEW_MARGIN_MS });
  });
  test(`B's clock ${SKEW_MARGIN_MS} ms ahead (at the margin): B takes it over`, async () => {
    const { state, map, b } = await bAhead(SKEW_MARGIN_MS);
    expect(state).toEqual({ held: true, expired: true });
    expect((await claimItem(map)).data).toMatchObject({ until: b.until + SKEW_MARGIN_MS });
  });
});

test("a holder finishes the claim only before its deadline on its own clock: after it, the claim may be another's", async () => {
  const map = mapOf();
  const t = Date.now();
  const a = new StartClaim(map, t);
  await a.acquire();
  await atTime(t, () => a.finish('RE' + '1'.repeat(32)));
  expect((await claimItem(map)).data).not.toHaveProperty('recordingSid');
  await atTime(t - 1, () => a.finish('RE' + '2'.repeat(32)));
  expect((await claimItem(map)).data).toMatchObject({ recordingSid: 'RE' + '2'.repeat(32) });
});

test('a finished claim names its recording to the next start; a released one lets it take the claim at once', async () => {
  const map = mapOf();
  const a = new StartClaim(map, Date.now() + 5_000);
  await a.acquire();
  await a.finish('RE' + '3'.repeat(32));
  const b = new StartClaim(map, Date.now() + 5_000);
  const state = await b.acquire();
  expect(state).toEqual({
    held: false,
    by: 'finished',
    recordingSid: 'RE' + '3'.repeat(32),
    revision: expect.any(String),
  });
  const other = mapOf();
  const c = new StartClaim(other, Date.now() + 5_000);
  await c.acquire();
  await c.release();
  await expect(claimItem(other)).rejects.toMatchObject({ status: 404 });
  expect(await new StartClaim(other, Date.now() + 5_000).acquire()).toEqual({ held: true });
});
