// Sync's documented limits (twilio.com/docs/sync/limits, 54009), on by default: each shown against
// Twilio's numbers, 20 a second sustained with a 10 s burst window, on the emulator's movable clock.
import { startEmulator, type RunningEmulator } from '../../harness/stack';

let em: RunningEmulator;
beforeAll(async () => (em = await startEmulator()));
afterAll(() => em.close());
afterEach(() => em.control('POST', '/reset'));

const sync = () => em.client.sync.v1.services('default');
const advance = (advanceMs: number) => em.control('POST', '/clock', { advanceMs });
/**
 * Runs `n` requests one after another; `most(capacity, rate)` is what may pass: the bucket's capacity and
 * what it refilled at `rate`/s while they ran (the real clock moves on too).
 */
async function tally(n: number, request: (i: number) => Promise<unknown>) {
  const refused: Array<{ status: number; code: number }> = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) await request(i).catch((err) => refused.push(err));
  const seconds = (performance.now() - start) / 1000;
  return {
    accepted: n - refused.length,
    refused,
    most: (capacity: number, rate = 20) => Math.floor(capacity + rate * seconds) + 1,
  };
}
const throttled = expect.objectContaining({ status: 429, code: 54009 });

test('the limits are on by default, each named, and each turned off by its name with 0', async () => {
  expect(await em.control('POST', '/limits', {})).toMatchObject({
    syncWritesPerSecond: 20,
    syncLargeWritesPerSecond: 2,
    syncReadsPerSecond: 20,
    syncCreationsPerSecond: 20,
    syncBurstWindowSeconds: 10,
  });
  await em.control('POST', '/limits', { syncCreationsPerSecond: 0 });
  expect((await tally(300, (i) => sync().documents.create({ uniqueName: `d${i}` }))).accepted).toBe(300);
});

test('object creation: 200 at once (10 s of 20/s), then 20 a second; 429 54009 with Retry-After', async () => {
  const first = await tally(260, (i) => sync().syncMaps.create({ uniqueName: `m${i}` }));
  // The real clock moves a little while 210 requests are served: a token or two may come back.
  expect(first.accepted).toBeGreaterThanOrEqual(200);
  expect(first.accepted).toBeLessThanOrEqual(first.most(200));
  expect(first.refused[0]).toEqual(throttled);
  // Sent at once, so that the real clock cannot refill the bucket between them (a busy machine may take a
  // token's 50 ms between two requests sent one after another).
  const over = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      em.client.request({
        method: 'post',
        uri: 'https://sync.twilio.com/v1/Services/default/Documents',
        data: { UniqueName: `over-${i}` },
      }),
    ),
  );
  const refused = over.filter((res) => res.statusCode === 429);
  expect(refused.length).toBeGreaterThan(0);
  for (const res of refused) expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  await advance(1_000);
  const later = await tally(25, (i) => sync().syncLists.create({ uniqueName: `l${i}` }));
  expect(later.accepted).toBeGreaterThanOrEqual(20);
  expect(later.accepted).toBeLessThanOrEqual(later.most(20));
  // Writes to existing objects are not creations: they are limited per object.
  await expect(sync().syncMaps('m0').syncMapItems.create({ key: 'k', data: {} })).resolves.toBeDefined();
});

test('writes per object: an item of a Map or List counts toward its container; other objects are apart', async () => {
  await sync().syncMaps.create({ uniqueName: 'call' });
  await sync().syncLists.create({ uniqueName: 'log' });
  const items = await tally(260, (i) =>
    sync()
      .syncMaps('call')
      .syncMapItems.create({ key: `k${i}`, data: { i } }),
  );
  expect(items.accepted).toBeGreaterThanOrEqual(200);
  expect(items.accepted).toBeLessThanOrEqual(items.most(200));
  expect(items.refused[0]).toEqual(throttled);
  // The same map's other writes are refused too (sent at once: one after another, a busy machine may take a
  // token's 50 ms between them).
  const updates = await Promise.allSettled(
    Array.from({ length: 10 }, () =>
      sync()
        .syncMaps('call')
        .syncMapItems('k0')
        .update({ data: { n: 1 } }),
    ),
  );
  expect(updates.filter((u) => u.status === 'rejected').map((u) => u.reason)).toContainEqual(throttled);
  // Sustained: 20 a second come back.
  await advance(1_000);
  const next = await tally(25, (i) =>
    sync()
      .syncMaps('call')
      .syncMapItems(`k${i}`)
      .update({ data: { n: 2 } }),
  );
  expect(next.accepted).toBeGreaterThanOrEqual(20);
  expect(next.accepted).toBeLessThanOrEqual(next.most(20));
  // Another object has its own 200.
  const log = await tally(260, (i) => sync().syncLists('log').syncListItems.create({ data: { i } }));
  expect(log.accepted).toBeGreaterThanOrEqual(200);
  expect(log.refused[0]).toEqual(throttled);
});

test('the burst window: 10 s at 20/s is the most that passes at once, and a full window refills in 10 s', async () => {
  await sync().documents.create({ uniqueName: 'doc', data: { n: 0 } });
  await em.control('POST', '/limits', { syncReadsPerSecond: 0 });
  const burst = await tally(260, (n) => sync().documents('doc').update({ data: { n } }));
  expect(burst.accepted).toBeGreaterThanOrEqual(200);
  expect(burst.accepted).toBeLessThanOrEqual(burst.most(200));
  await advance(10_000);
  expect((await tally(200, (n) => sync().documents('doc').update({ data: { n } }))).accepted).toBe(200);
  // A shorter burst window holds less.
  await em.control('POST', '/limits', { syncBurstWindowSeconds: 1 });
  await advance(10_000);
  const short = await tally(30, (n) => sync().documents('doc').update({ data: { n } }));
  expect(short.accepted).toBeLessThanOrEqual(short.most(20));
});

test('reads per object: 20/s with the burst window; a page of items is one read', async () => {
  await sync().syncMaps.create({ uniqueName: 'read' });
  for (let i = 0; i < 150; i++)
    await sync()
      .syncMaps('read')
      .syncMapItems.create({ key: `k${i}`, data: {} });
  // Two pages of 100 and 50 items: two reads.
  await expect(sync().syncMaps('read').syncMapItems.list({ pageSize: 100 })).resolves.toHaveLength(150);
  const reads = await tally(260, () => sync().syncMaps('read').syncMapItems('k1').fetch());
  expect(reads.accepted).toBeGreaterThanOrEqual(198);
  expect(reads.accepted).toBeLessThanOrEqual(reads.most(198));
  expect(reads.refused[0]).toEqual(throttled);
  await advance(1_000);
  const more = await tally(25, () => sync().syncMaps('read').fetch());
  expect(more.accepted).toBeGreaterThanOrEqual(20);
  expect(more.accepted).toBeLessThanOrEqual(more.most(20));
});

test('size: writes of 10 KiB pass at 2/s (a tenth of the rate), 1 KiB and less at 20/s', async () => {
  const big = { text: 'x'.repeat(10 * 1024) };
  await sync().documents.create({ uniqueName: 'big' });
  await sync().documents.create({ uniqueName: 'small' });
  const large = await tally(30, () => sync().documents('big').update({ data: big }));
  // The window holds 200 writes' worth: 20 of 10 KiB.
  expect(large.accepted).toBeGreaterThanOrEqual(20);
  expect(large.accepted).toBeLessThanOrEqual(large.most(20, 2));
  await advance(1_000);
  const second = await tally(5, () => sync().documents('big').update({ data: big }));
  expect(second.accepted).toBeGreaterThanOrEqual(2);
  expect(second.accepted).toBeLessThanOrEqual(second.most(2, 2));
  expect(
    (
      await tally(200, () =>
        sync()
          .documents('small')
          .update({ data: { n: 1 } }),
      )
    ).accepted,
  ).toBe(200);
  // Turned off by name, size no longer counts (the per-object rate still does).
  await em.control('POST', '/limits', { syncLargeWritesPerSecond: 0 });
  await sync().documents.create({ uniqueName: 'big2' });
  expect((await tally(30, () => sync().documents('big2').update({ data: big }))).accepted).toBe(30);
});
