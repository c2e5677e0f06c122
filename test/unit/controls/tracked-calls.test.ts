// The console's list of tracked calls against an emulator whose Sync keeps expired objects a while, as
// Sync's approximate TTLs may (twilio.com/docs/sync/objects-ttl): the list must not count on the expiry.
// And the list's rules: its order (newest first by Sync's first write, a change never moving a row), the
// kind of a SID, entries not of the toolkit's shape left out, rows built anew only when their entry changed,
// each service its own list; inBatches' width and order.
import { atTime } from '../../../harness/in-process';
import { startEmulator, type RunningEmulator } from '../../../harness/stack';
import { inBatches, listTrackedCalls } from '../../../lib/controls/tracked-calls';
import { summarize } from '../../../lib/model/call-summary';
import { emptyDocument, type RecordingDocument } from '../../../lib/model/recording-state';
import { mapName, STATE_KEY } from '../../../lib/sync/call-map';
import { indexCall, indexName, shardOf } from '../../../lib/sync/console-index';

let em: RunningEmulator;
beforeAll(async () => {
  em = await startEmulator();
});
afterAll(() => em.close());

const sid = (n: number) => `CA${String(n).padStart(32, '0')}`;

async function tracked(callSid: string, ttl?: number) {
  const sync = em.client.sync.v1.services('default');
  await sync.syncMaps.create({ uniqueName: mapName(callSid), ...(ttl ? { ttl } : {}) });
  await sync.syncMaps(mapName(callSid)).syncMapItems.create({ key: STATE_KEY, data: emptyDocument(callSid) });
  // Its entry in the console's index, as the state's write makes it, with the call's TTL.
  await indexCall(em.client, { serviceSid: 'default', ttlSeconds: ttl ?? 600 }, callSid, emptyDocument(callSid), true);
}

test('a call whose Map and index entry expired is not listed while Sync still lists its Map', async () => {
  await tracked(sid(1), 1);
  await tracked(sid(2));
  // 1.2 s later by Sync's clock and the list's (the emulator shares this process): sid(1)'s TTL is over.
  const later = Date.now() + 1_200;
  // Sync still answers the expired Map (it lingers), with its expiry in the past.
  const maps = await atTime(later, () => em.client.sync.v1.services('default').syncMaps.list());
  expect(
    maps
      .map((m) => m.uniqueName)
      .filter((name) => !name.startsWith('recording-controls-console-'))
      .sort(),
  ).toEqual([mapName(sid(1)), mapName(sid(2))]);
  const calls = await atTime(later, () => listTrackedCalls(em.client, { serviceSid: 'default', ttlSeconds: 1 }));
  expect(calls.map((c) => c.sid)).toEqual([sid(2)]);
});

// The tests below read the index from a process of its own (tracked-calls loaded anew: no reading shared,
// no rows built yet), on an emulator emptied before each, the times Sync stamps set exactly (atTime): its
// rate limits' buckets are emptied too, which a write stamped before the last one's time would drain.
describe('the index as the console lists it', () => {
  beforeEach(() => em.emulator.reset());

  /** tracked-calls as a process that has listed nothing yet runs it. */
  async function freshProcess() {
    let loaded!: typeof import('../../../lib/controls/tracked-calls');
    await jest.isolateModulesAsync(async () => {
      loaded = await import('../../../lib/controls/tracked-calls');
    });
    return loaded;
  }
  const sync = { serviceSid: 'default', ttlSeconds: 600 };
  const iso = (ms: number) => new Date(ms).toISOString();
  /** Now, to the second: Sync stamps its times to the second. */
  const wholeSecond = () => Math.floor(Date.now() / 1000) * 1000;
  const paused = (callSid: string): RecordingDocument => ({
    ...emptyDocument(callSid),
    recordings: { ['RE' + callSid.slice(2)]: { status: 'paused', pauseBehavior: 'skip' } },
  });
  const indexAt = (at: number, callSid: string, doc: RecordingDocument = emptyDocument(callSid), isNew = true) =>
    atTime(at, () => indexCall(em.client, sync, callSid, doc, isNew));

  test('newest first by when Sync first heard of each, a change never moving a row; SIDs of one second in order; CF… a conference', async () => {
    const t = wholeSecond();
    // The shard of a SID is its last hex digit: `second` is in shard 0, listed before `first` in shard 1.
    const [oldest, first, second, newest] = [
      `CA${'0'.repeat(31)}5`,
      `CA${'a'.repeat(31)}1`,
      `CA${'b'.repeat(31)}0`,
      `CF${'c'.repeat(31)}9`,
    ];
    await indexAt(t - 60_000, oldest);
    await indexAt(t - 30_000, second);
    await indexAt(t - 30_000, first);
    await indexAt(t - 10_000, newest);
    await indexAt(t - 5_000, oldest, paused(oldest), false);
    const calls = await (await freshProcess()).listTrackedCalls(em.client, sync);
    expect(calls.map((c) => [c.sid, c.kind, c.state, c.revision, c.createdAt, c.updatedAt])).toEqual([
      [newest, 'conference', 'not-recording', '0', iso(t - 10_000), iso(t - 10_000)],
      [first, 'call', 'not-recording', '0', iso(t - 30_000), iso(t - 30_000)],
      [second, 'call', 'not-recording', '0', iso(t - 30_000), iso(t - 30_000)],
      [oldest, 'call', 'paused', '1', iso(t - 60_000), iso(t - 5_000)],
    ]);
  });

  test("an entry not of the toolkit's shape is left out with a warning naming it, the others listed", async () => {
    const good = `CA${'1'.repeat(32)}`;
    await indexCall(em.client, sync, good, emptyDocument(good), true);
    const shard = em.client.sync.v1.services('default').syncMaps(indexName(shardOf(good))).syncMapItems;
    const summary = summarize(emptyDocument(good));
    const malformed = [`x${good}`, `${good}0`, `CA${'2'.repeat(32)}`];
    await shard.create({ key: malformed[0], data: summary });
    await shard.create({ key: malformed[1], data: summary });
    await shard.create({ key: malformed[2], data: { ...summary, state: 'recorded' } });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const calls = await (await freshProcess()).listTrackedCalls(em.client, sync);
      expect(calls.map((c) => c.sid)).toEqual([good]);
      expect(warn.mock.calls.map(([message]) => message as string).sort()).toEqual(
        malformed.map((key) => `recording-controls: skipped the malformed console index entry ${key}`).sort(),
      );
    } finally {
      warn.mockRestore();
    }
  });

  test('a listing builds anew only the rows whose entry changed: written again, or removed and created anew', async () => {
    const t = wholeSecond();
    const [same, written, recreated] = [1, 2, 3].map((n) => `CA${String(n).repeat(32)}`);
    for (const sid of [same, written, recreated]) await indexAt(t - 60_000, sid);
    const { listTrackedCalls } = await freshProcess();
    // Readings 3 s apart: the process shares one reading for 2 s.
    const first = await atTime(t, () => listTrackedCalls(em.client, sync));
    await indexAt(t - 60_000, written, paused(written), false);
    // Its expiry passed and a write created it again: its revision is 0 again, and so is the state it had.
    await em.client.sync.v1
      .services('default')
      .syncMaps(indexName(shardOf(recreated)))
      .syncMapItems(recreated)
      .remove();
    await indexAt(t + 1_000, recreated, paused(recreated));
    const next = await atTime(t + 3_000, () => listTrackedCalls(em.client, sync));
    const row = (list: typeof first, sid: string) => list.find((c) => c.sid === sid)!;
    expect(next.map((c) => [c.sid, c.state, c.revision, c.updatedAt])).toEqual([
      [recreated, 'paused', '0', iso(t + 1_000)],
      [same, 'not-recording', '0', iso(t - 60_000)],
      [written, 'paused', '1', iso(t - 60_000)],
    ]);
    expect(row(next, same)).toBe(row(first, same));
  });

  test('two Sync services listed side by side each answer their own calls', async () => {
    const other = await em.client.sync.v1.services.create({ friendlyName: 'other' });
    const [mine, theirs] = [`CA${'1'.repeat(32)}`, `CA${'2'.repeat(32)}`];
    await indexCall(em.client, sync, mine, emptyDocument(mine), true);
    await indexCall(em.client, { ...sync, serviceSid: other.sid }, theirs, emptyDocument(theirs), true);
    const { listTrackedCalls } = await freshProcess();
    const [ours, others] = await Promise.all([
      listTrackedCalls(em.client, sync),
      listTrackedCalls(em.client, { ...sync, serviceSid: other.sid }),
    ]);
    expect([ours.map((c) => c.sid), others.map((c) => c.sid)]).toEqual([[mine], [theirs]]);
  });
});

test('inBatches runs `width` items at a time, and answers in the items’ order', async () => {
  let running = 0;
  let most = 0;
  const work = async (n: number) => {
    running++;
    most = Math.max(most, running);
    // The later items finish first.
    await new Promise((r) => setTimeout(r, 10 - n));
    running--;
    return n * 10;
  };
  expect(await inBatches([1, 2, 3, 4, 5], 2, work)).toEqual([10, 20, 30, 40, 50]);
  expect(most).toBe(2);
  most = 0;
  expect(await inBatches([1, 2], 5, work)).toEqual([10, 20]);
  expect(most).toBe(2);
  expect(await inBatches([], 5, work)).toEqual([]);
});
