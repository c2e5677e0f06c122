// Sync Lists as the evidence log uses them: unique names, append-only items, paging, order, TTL.
import { startEmulator, type RunningEmulator } from '../../harness/stack';

let em: RunningEmulator;
beforeAll(async () => (em = await startEmulator()));
afterAll(() => em.close());
beforeEach(() => em.control('POST', '/reset'));

const lists = () => em.client.sync.v1.services('default').syncLists;

test('lists: create with a unique name and TTL, fetch by SID and name, list, a second of the same name refused', async () => {
  const list = await lists().create({ uniqueName: 'log-1', ttl: 60 });
  expect(list).toMatchObject({ uniqueName: 'log-1', revision: '0', sid: expect.stringMatching(/^ES[0-9a-f]{32}$/) });
  expect(list.dateExpires).toBeInstanceOf(Date);
  expect((await lists()('log-1').fetch()).sid).toBe(list.sid);
  expect((await lists()(list.sid).fetch()).uniqueName).toBe('log-1');
  expect((await lists().list()).map((l) => l.sid)).toEqual([list.sid]);
  await expect(lists().create({ uniqueName: 'log-1' })).rejects.toMatchObject({ status: 409, code: 54301 });
  await expect(lists()('nope').fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
});

test('a deleted list frees its name: another of that name is created and found by it; the old SID is gone', async () => {
  const first = await lists().create({ uniqueName: 'log-2' });
  await lists()('log-2').remove();
  await expect(lists()(first.sid).fetch()).rejects.toMatchObject({ status: 404 });
  const second = await lists().create({ uniqueName: 'log-2' });
  expect((await lists()('log-2').fetch()).sid).toBe(second.sid);
  await expect(lists().create({ uniqueName: 'log-2' })).rejects.toMatchObject({ status: 409, code: 54301 });
  // Another service's list of the same name is another list.
  const other = await em.client.sync.v1.services.create({ friendlyName: 'other' });
  const elsewhere = await em.client.sync.v1.services(other.sid).syncLists.create({ uniqueName: 'log-2' });
  expect(elsewhere.sid).not.toBe(second.sid);
  expect((await lists()('log-2').fetch()).sid).toBe(second.sid);
  await expect(lists()(elsewhere.sid).fetch()).rejects.toMatchObject({ status: 404 });
});

test('items: indexes grow, 250 items come back in order over pages of 100, desc and From/Bounds work', async () => {
  // About paging: 250 appends at once would pass Sync's 200-write burst (sync-limits.test.ts shows that limit).
  await em.control('POST', '/limits', { syncWritesPerSecond: 0 });
  await lists().create({ uniqueName: 'log-2' });
  for (let i = 0; i < 250; i++) await lists()('log-2').syncListItems.create({ data: { i } });
  const all = await lists()('log-2').syncListItems.list({ order: 'asc', pageSize: 100 });
  expect(all.map((item) => item.index)).toEqual(Array.from({ length: 250 }, (_, i) => i));
  expect(all.map((item) => (item.data as { i: number }).i)).toEqual(Array.from({ length: 250 }, (_, i) => i));
  const counted = await em.control<{ routes: Record<string, number> }>('GET', '/counters');
  expect(counted.routes['GET /v1/Services/:ServiceSid/Lists/:ListSid/Items']).toBe(3);
  const desc = await lists()('log-2').syncListItems.list({ order: 'desc', from: '5', bounds: 'exclusive' });
  expect(desc.map((item) => item.index)).toEqual([4, 3, 2, 1, 0]);
  expect((await lists()('log-2').syncListItems(7).fetch()).data).toEqual({ i: 7 });
});

test('TTL: an item with CollectionTtl keeps its list alive; an expired list is gone', async () => {
  await lists().create({ uniqueName: 'log-3', ttl: 10 });
  await em.control('POST', '/clock', { advanceMs: 8000 });
  await lists()('log-3').syncListItems.create({ data: { late: true }, collectionTtl: 10 });
  await em.control('POST', '/clock', { advanceMs: 8000 });
  expect((await lists()('log-3').syncListItems.list()).length).toBe(1);
  await em.control('POST', '/clock', { advanceMs: 3000 });
  // Expired, it lingers (Sync's TTLs are approximate), then is gone.
  await expect(lists()('log-3').fetch()).resolves.toMatchObject({ uniqueName: 'log-3' });
  await em.control('POST', '/clock', { advanceMs: 60_000 });
  await expect(lists()('log-3').fetch()).rejects.toMatchObject({ status: 404 });
});

test('bad input: Data missing, not JSON, or over 16 KiB; no list', async () => {
  await lists().create({ uniqueName: 'log-4' });
  const items = lists()('log-4').syncListItems;
  await expect(items.create({ data: 'not json' as unknown as object })).rejects.toMatchObject({ status: 400 });
  await expect(items.create({ data: { big: 'x'.repeat(17 * 1024) } })).rejects.toMatchObject({
    status: 413,
    code: 54006,
  });
  await expect(lists()('log-none').syncListItems.create({ data: {} })).rejects.toMatchObject({ status: 404 });
});
