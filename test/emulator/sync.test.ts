import { startEmulator, type RunningEmulator } from '../../harness/stack';

let em: RunningEmulator;
beforeAll(async () => (em = await startEmulator()));
afterAll(() => em.close());
beforeEach(() => em.control('POST', '/reset'));

const docs = () => em.client.sync.v1.services('default').documents;

test('the default service answers to its alias and its SID; services can be created and listed', async () => {
  const service = await em.client.sync.v1.services('default').fetch();
  expect(service).toMatchObject({ uniqueName: 'default', sid: expect.stringMatching(/^IS[0-9a-f]{32}$/) });
  expect((await em.client.sync.v1.services(service.sid).fetch()).sid).toBe(service.sid);
  const other = await em.client.sync.v1.services.create({ friendlyName: 'other' });
  expect((await em.client.sync.v1.services.list()).map((s) => s.sid)).toEqual([service.sid, other.sid]);
  await expect(em.client.sync.v1.services('nope').fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
});

test('documents: create, fetch by SID and unique name, list, update, delete', async () => {
  const doc = await docs().create({ uniqueName: 'rc-1', data: { a: 1 }, ttl: 60 });
  expect(doc).toMatchObject({ uniqueName: 'rc-1', data: { a: 1 }, revision: '0', sid: expect.stringMatching(/^ET/) });
  expect(doc.dateExpires).toBeInstanceOf(Date);
  expect((await docs()('rc-1').fetch()).sid).toBe(doc.sid);
  expect((await docs()(doc.sid).fetch()).data).toEqual({ a: 1 });
  expect((await docs().list()).map((d) => d.sid)).toEqual([doc.sid]);
  const updated = await docs()('rc-1').update({ data: { a: 2 } });
  expect(updated).toMatchObject({ revision: '1', data: { a: 2 } });
  await docs()('rc-1').remove();
  await expect(docs()('rc-1').fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
});

test('If-Match with a stale revision is refused with 412 and 54103; exactly one concurrent writer wins', async () => {
  await docs().create({ uniqueName: 'rc-2', data: { n: 0 } });
  await docs()('rc-2').update({ data: { n: 1 }, ifMatch: '0' });
  await expect(docs()('rc-2').update({ data: { n: 9 }, ifMatch: '0' })).rejects.toMatchObject({
    status: 412,
    code: 54103,
  });
  const results = await Promise.allSettled(
    Array.from({ length: 10 }, (_, i) => docs()('rc-2').update({ data: { n: i }, ifMatch: '1' })),
  );
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  expect((await docs()('rc-2').fetch()).revision).toBe('2');
});

test('duplicate unique names, bad unique names, bad and oversized Data are refused with Sync codes', async () => {
  await docs().create({ uniqueName: 'rc-3' });
  await expect(docs().create({ uniqueName: 'rc-3' })).rejects.toMatchObject({ status: 409, code: 54301 });
  await expect(docs().create({ uniqueName: 'CA' + 'a'.repeat(32) })).rejects.toMatchObject({ code: 54302 });
  await expect(docs().create({ uniqueName: 'big', data: { x: 'y'.repeat(16 * 1024) } })).rejects.toMatchObject({
    status: 413,
    code: 54006,
  });
  await expect(docs()('rc-3').update({ data: 'not json' as never })).rejects.toMatchObject({
    status: 400,
    message: expect.stringContaining('Data'),
  });
});

// Source: twilio.com/docs/sync/objects-ttl: the TTL is "the approximate time before the object is
// automatically garbage-collected"; Sync "sacrifices accurate firing times".
test('a document expires after its Ttl, approximately: it lingers a while past it, then is gone', async () => {
  await docs().create({ uniqueName: 'rc-4', ttl: 10 });
  await em.control('POST', '/clock', { advanceMs: 9_000 });
  await expect(docs()('rc-4').fetch()).resolves.toMatchObject({ uniqueName: 'rc-4' });
  await em.control('POST', '/clock', { advanceMs: 2_000 });
  const lingering = await docs()('rc-4').fetch();
  expect(lingering.dateExpires!.getTime()).toBeLessThan(em.emulator.context.now());
  expect((await docs().list()).map((d) => d.uniqueName)).toContain('rc-4');
  await expect(docs().create({ uniqueName: 'rc-4' })).rejects.toMatchObject({ status: 409 });
  await em.control('POST', '/clock', { advanceMs: 60_000 });
  await expect(docs()('rc-4').fetch()).rejects.toMatchObject({ status: 404 });
  await expect(docs().create({ uniqueName: 'rc-4' })).resolves.toMatchObject({ uniqueName: 'rc-4' }); // the name is free again
});

// Sources: twilio.com/docs/api/errors/54011 (a TTL must be empty or a whole number of seconds from 0 to
// 31 536 000) and /54003 (an If-Match that is not a revision Sync gave cannot be used).
test('a bad TTL is 54011; an If-Match that is no revision is 54003, a stale one 412', async () => {
  for (const ttl of ['-1', '31536001', '1.5', 'soon'])
    await expect(
      em.client.request({
        method: 'post',
        uri: 'https://sync.twilio.com/v1/Services/default/Documents',
        data: { UniqueName: `ttl-${ttl}`, Ttl: ttl },
      }),
    ).resolves.toMatchObject({ statusCode: 400, body: expect.objectContaining({ code: 54011 }) });
  await docs().create({ uniqueName: 'rc-9', data: { a: 1 } });
  await expect(docs()('rc-9').update({ data: { a: 2 }, ifMatch: 'W/"abc"' })).rejects.toMatchObject({
    status: 400,
    code: 54003,
  });
  await expect(docs()('rc-9').update({ data: { a: 2 }, ifMatch: '7' })).rejects.toMatchObject({
    status: 412,
    code: 54103,
  });
  const map = await em.client.sync.v1.services('default').syncMaps.create({ uniqueName: 'm-9' });
  const items = em.client.sync.v1.services('default').syncMaps(map.sid).syncMapItems;
  await items.create({ key: 'k', data: {} });
  await expect(items('k').update({ data: { b: 1 }, ifMatch: '' })).rejects.toMatchObject({ code: 54003 });
  await expect(items('k').remove({ ifMatch: 'latest' })).rejects.toMatchObject({ code: 54003 });
  await expect(items('k').fetch()).resolves.toMatchObject({ data: {} });
});
