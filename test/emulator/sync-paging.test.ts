// Sync's lists of documents, lists, list items and services come in pages of PageSize (OpenAPI, every
// Sync v1 list operation: PageSize 1 to 100, Page, PageToken; meta.next_page_url to follow).
import { startEmulator, type RunningEmulator } from '../../harness/stack';

let em: RunningEmulator;
beforeAll(async () => (em = await startEmulator()));
afterAll(() => em.close());
beforeEach(() => em.control('POST', '/reset'));

const service = () => em.client.sync.v1.services('default');
const pages = () => em.control<{ routes: Record<string, number> }>('GET', '/counters');

// OpenAPI ListSyncDocument: PageSize, Page, PageToken; the answer's meta.next_page_url.
test('documents: PageSize is honoured, and the library follows next_page_url through every page', async () => {
  for (let i = 0; i < 23; i++) await service().documents.create({ uniqueName: `doc-${i}`, data: { i } });
  const first = await service().documents.page({ pageSize: 10 });
  expect(first.instances.map((d) => d.uniqueName)).toEqual(Array.from({ length: 10 }, (_, i) => `doc-${i}`));
  expect(first.nextPageUrl).toMatch(/PageSize=10&Page=1&PageToken=PT10$/);
  const second = await first.nextPage();
  expect(second!.instances.map((d) => d.uniqueName)[0]).toBe('doc-10');

  await em.control('POST', '/reset');
  for (let i = 0; i < 23; i++) await service().documents.create({ uniqueName: `doc-${i}`, data: { i } });
  const all = await service().documents.list({ pageSize: 10 });
  expect(all.map((d) => d.uniqueName)).toEqual(Array.from({ length: 23 }, (_, i) => `doc-${i}`));
  expect((await pages()).routes['GET /v1/Services/:ServiceSid/Documents']).toBe(3);
  // Left unasked, Sync's pages hold 50; 1 to 100 may be asked, anything else is refused with 54454
  // (twilio.com/docs/api/errors/54454), never clamped.
  expect((await service().documents.page({})).instances).toHaveLength(23);
  for (const size of ['500', '101', '0', 'ten']) {
    const refused = await em.client.request({
      method: 'get',
      uri: `https://sync.twilio.com/v1/Services/default/Documents?PageSize=${size}`,
    });
    expect(refused).toMatchObject({ statusCode: 400, body: expect.objectContaining({ code: 54454 }) });
  }
});

// OpenAPI ListSyncList and ListSyncListItem.
test('lists and list items: PageSize is honoured, with Order, From and Bounds kept in every page URL', async () => {
  for (let i = 0; i < 5; i++) await service().syncLists.create({ uniqueName: `log-${i}` });
  const lists = await service().syncLists.page({ pageSize: 2 });
  expect(lists.instances.map((l) => l.uniqueName)).toEqual(['log-0', 'log-1']);
  expect((await service().syncLists.list({ pageSize: 2 })).map((l) => l.uniqueName)).toHaveLength(5);

  for (let i = 0; i < 7; i++) await service().syncLists('log-0').syncListItems.create({ data: { i } });
  const items = await service().syncLists('log-0').syncListItems.page({ pageSize: 3, order: 'desc' });
  expect(items.instances.map((i) => i.index)).toEqual([6, 5, 4]);
  expect(items.nextPageUrl).toContain('Order=desc');
  expect((await items.nextPage())!.instances.map((i) => i.index)).toEqual([3, 2, 1]);
});

test('a PageToken this API never gave is refused', async () => {
  await expect(
    em.client.request({ method: 'get', uri: 'https://sync.twilio.com/v1/Services/default/Documents?PageToken=PTx' }),
  ).resolves.toMatchObject({ statusCode: 400 });
});
