// The evidence log in the call's Sync Map: entries in the order appended, a retried append stored once,
// and the fence's question (was anything that may lift a pause logged since?) answered from the newest page.
import { useInProcessEmulator } from '../../../harness/in-process';
import { clientFor } from '../../../harness/stack';
import { EvidenceLog, intentOf } from '../../../lib/sync/evidence-log';
import { CLOCK } from '../../../lib/twilio/deadline';

const stack = useInProcessEmulator();
let n = 0;
const newSid = () => `CA${String(++n).padStart(32, '0')}`;
const logOf = () => new EvidenceLog(clientFor(stack.em.url), { serviceSid: 'default', ttlSeconds: 600 });
const entry = (i: number, at: number) => ({
  at: new Date(at).toISOString(),
  recordingSid: 'RE' + '0'.repeat(32),
  status: 'paused',
  action: 'paused',
  by: `studio:${i}`,
  source: 'control' as const,
});

test('no log yet: nothing to read, nothing lifted', async () => {
  const log = logOf();
  expect(await log.readAll(newSid())).toEqual([]);
  expect(await log.liftedSince(newSid(), 0)).toBe(false);
});

test('entries read back in the order appended, each once, with an id', async () => {
  const log = logOf();
  const sid = newSid();
  const t = Date.now();
  for (let i = 0; i < 3; i++) await log.append(sid, [entry(i, t + i)]);
  const read = await log.readAll(sid);
  expect(read.map((e) => e.by)).toEqual(['studio:0', 'studio:1', 'studio:2']);
  expect(new Set(read.map((e) => e.id)).size).toBe(3);
});

test('an append answered 500 after it was stored is sent once more and stored once (409 on its key)', async () => {
  const log = logOf();
  const sid = newSid();
  await log.append(sid, [entry(0, Date.now())]);
  await stack.em.control('POST', '/faults', { kind: '500-after', count: 1, match: `${sid}/Items`, method: 'POST' });
  await log.append(sid, [entry(1, Date.now())]);
  expect((await log.readAll(sid)).map((e) => e.by)).toEqual(['studio:0', 'studio:1']);
});

describe('liftedSince', () => {
  test("another control's intent at or after `since` counts; the asking control's own, or an older one, does not", async () => {
    const log = logOf();
    const sid = newSid();
    const since = Date.now() - 1_000;
    await log.append(sid, [intentOf('mine', 'in-progress', '*', 'studio:a', since + 5)]);
    expect(await log.liftedSince(sid, since, 'mine')).toBe(false);
    await log.append(sid, [intentOf('older', 'in-progress', '*', 'studio:b', since - 1)]);
    expect(await log.liftedSince(sid, since, 'mine')).toBe(false);
    await log.append(sid, [intentOf('theirs', 'in-progress', '*', 'studio:b', since)]);
    expect(await log.liftedSince(sid, since, 'mine')).toBe(true);
  });
  test('a control entry (no intent) does not count', async () => {
    const log = logOf();
    const sid = newSid();
    const since = Date.now() - 1_000;
    await log.append(sid, [{ ...entry(0, since + 10), status: 'in-progress', action: 'in-progress' }]);
    expect(await log.liftedSince(sid, since)).toBe(false);
  });
  test('a full page of newer entries may hide an older intent: then yes; one entry fewer, and no', async () => {
    const log = logOf();
    const sid = newSid();
    const since = Date.now() - 1_000;
    for (let i = 0; i < 19; i++) await log.append(sid, [{ ...entry(i, since + i), clock: CLOCK }]);
    expect(await log.liftedSince(sid, since)).toBe(false);
    await log.append(sid, [entry(19, since + 19)]);
    expect(await log.liftedSince(sid, since)).toBe(true);
    // One older entry on the page: the page reaches back past `since`, nothing is hidden.
    const other = newSid();
    await log.append(other, [entry(0, since - 1)]);
    for (let i = 1; i < 20; i++) await log.append(other, [entry(i, since + i)]);
    expect(await log.liftedSince(other, since)).toBe(false);
  });
});
