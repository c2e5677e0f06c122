// Sync's documented limits (twilio.com/docs/sync/limits, 54009), on by default: each shown against
// Twilio's numbers, 20 a second sustained with a 10 s burst window, on the emulator's movable clock. The
// emulator runs in this process with its clock held still (Date.now fixed): only `advance` refills a
// bucket, so every count is exact however busy the machine.
import { startEmulator, type RunningEmulator } from '../../harness/stack';

let em: RunningEmulator;
beforeAll(async () => (em = await startEmulator()));
afterAll(() => em.close());
beforeEach(() => {
  const now = Date.now();
  jest.spyOn(Date, 'now').mockImplementation(() => now);
});
afterEach(async () => {
  jest.restoreAllMocks();
  await em.control('POST', '/reset');
});

const sync = () => em.client.sync.v1.services('default');
const advance = (advanceMs: number) => em.control('POST', '/clock', { advanceMs });
/** Runs `n` requests one after another: how many passed, and the refusals. */
async function tally(n: number, request: (i: number) => Promise<unknown>) {
  const refused: Array<{ status: number; code: number }> = [];
  for (let i = 0; i < n; i++) await request(i).catch((err) => refused.push(err));
  return { accepted: n - refused.length, refused };
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
  expect(first.accepted).toBe(200);
  expect(first.refused[0]).toEqual(throttled);
  const over = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      em.client.request({
        method: 'post',
        uri: 'https://sync.twilio.com/v1/Services/default/Documents',
        data: { UniqueName: `over-${i}` },
      }),
    ),
  );
  // The bucket is empty and the clock still: every one is refused, each to come back in a second (a token's 50 ms, rounded up).
  expect(over.map((res) => [res.statusCode, res.headers['retry-after']])).toEqual(Array(10).fill([429, '1']));
  await advance(1_000);
  const later = await tally(25, (i) => sync().syncLists.create({ uniqueName: `l${i}` }));
  expect(later.accepted).toBe(20);
  // Writes to existing objects are not creations: they are limited per object.
  await expect(sync().syncMaps('m0').syncMapItems.create({ key: 'k', data: {} })).resolves.toMatchObject({
    key: 'k',
    mapSid: expect.stringMatching(/^MP[0-9a-f]{32}$/),
  });
});

test('writes per object: an item of a Map or List counts toward its container; other objects are apart', async () => {
  await sync().syncMaps.create({ uniqueName: 'call' });
  await sync().syncLists.create({ uniqueName: 'log' });
  const items = await tally(260, (i) =>
    sync()
      .syncMaps('call')
      .syncMapItems.create({ key: `k${i}`, data: { i } }),
  );
  expect(items.accepted).toBe(200);
  expect(items.refused[0]).toEqual(throttled);
  // The same map's other writes are refused too.
  const updates = await Promise.allSettled(
    Array.from({ length: 10 }, () =>
      sync()
        .syncMaps('call')
        .syncMapItems('k0')
        .update({ data: { n: 1 } }),
    ),
  );
  expect(updates.map((u) => (u.status === 'rejected' ? u.reason : u.value))).toEqual(Array(10).fill(throttled));
  // Sustained: 20 a second come back.
  await advance(1_000);
  const next = await tally(25, (i) =>
    sync()
      .syncMaps('call')
      .syncMapItems(`k${i}`)
      .update({ data: { n: 2 } }),
  );
  expect(next.accepted).toBe(20);
  // Another object has its own 200.
  const log = await tally(260, (i) => sync().syncLists('log').syncListItems.create({ data: { i } }));
  expect(log.accepted).toBe(200);
  expect(log.refused[0]).toEqual(throttled);
});

test('the burst window: 10 s at 20/s is the most that passes at once, and a full window refills in 10 s', async () => {
  await sync().documents.create({ uniqueName: 'doc', data: { n: 0 } });
  await em.control('POST', '/limits', { syncReadsPerSecond: 0 });
  const burst = await tally(260, (n) => sync().documents('doc').update({ data: { n } }));
  expect(burst.accepted).toBe(200);
  await advance(10_000);
  expect((await tally(200, (n) => sync().documents('doc').update({ data: { n } }))).accepted).toBe(200);
  // A shorter burst window holds less.
  await em.control('POST', '/limits', { syncBurstWindowSeconds: 1 });
  await advance(10_000);
  const short = await tally(30, (n) => sync().documents('doc').update({ data: { n } }));
  expect(short.accepted).toBe(20);
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
  expect(reads.accepted).toBe(198);
  expect(reads.refused[0]).toEqual(throttled);
  await advance(1_000);
  const more = await tally(25, () => sync().syncMaps('read').fetch());
  expect(more.accepted).toBe(20);
});

test('size: writes of 10 KiB pass at 2/s (a tenth of the rate), 1 KiB and less at 20/s', async () => {
  const big = { text: 'x'.repeat(10 * 1024) };
  await sync().documents.create({ uniqueName: 'big' });
  await sync().documents.create({ uniqueName: 'small' });
  const large = await tally(30, () => sync().documents('big').update({ data: big }));
  // The window holds 200 writes' worth: 20 of 10 KiB.
  expect(large.accepted).toBe(20);
  await advance(1_000);
  const second = await tally(5, () => sync().documents('big').update({ data: big }));
  expect(second.accepted).toBe(2);
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
