// The toolkit under Sync's documented limits (on by default, at Twilio's numbers), over two Function
// processes: when Sync answers 54009, what it refused is sent again within the deadline and nothing is lost.
import { newCall } from '../../harness/calls';
import {
  callbacksIdle,
  evidenceEntries,
  invoke,
  servedRequests,
  signedCallback,
  syncDocument,
} from '../../harness/functions';
import { useCluster } from '../../harness/stack';

const cluster = useCluster(2);
const pick = (i: number) => cluster.fxs[i % cluster.fxs.length];
afterEach(() => cluster.em.control('POST', '/reset'));

/** Sync's 429s to requests that began at or after `since` (ms since the epoch). */
const throttled = async (since: number) =>
  (await servedRequests(cluster.em)).filter((r) => r.status === 429 && r.startedAt >= since).length;

test("starts while the service's creations are spent: each call's one Map waits its turn, every start records, its evidence whole", async () => {
  const calls = await Promise.all(Array.from({ length: 12 }, () => newCall(cluster.em.client)));
  // Creations refill at 5 a second here, not Twilio's 20: on a busy machine the starts reach their Maps a
  // second or so after the burst is spent, and at 20 a second the bucket would have refilled for all 12.
  await cluster.em.control('POST', '/limits', { syncCreationsPerSecond: 5 });
  // New objects at once until Sync refuses them: the 10 s burst of its creations, spent.
  const maps = cluster.em.client.sync.v1.services('default').syncMaps;
  await Promise.allSettled(Array.from({ length: 240 }, (_, i) => maps.create({ uniqueName: `spent-${i}` })));
  const sent = Date.now();
  const starts = await Promise.all(calls.map((c, i) => invoke(pick(i), '/recording/start', { CallSid: c.sid })));
  expect(Date.now() - sent).toBeLessThan(10_000);
  expect(starts.map((s) => [s.status, s.body.created, s.body.synced, 'evidenceLogged' in s.body])).toEqual(
    Array(12).fill([200, true, true, false]),
  );
  expect(await throttled(sent)).toBeGreaterThan(0); // Sync refused the starts' Maps at first: they waited
  await callbacksIdle(cluster.em);
  for (const c of calls) {
    const entries = await evidenceEntries(cluster.em, c.sid);
    expect(entries.map((e) => `${e.source} ${e.status}`).sort()).toEqual([
      'callback in-progress',
      'control in-progress',
      'intent start',
    ]);
  }
});

test("250 callbacks at once on one call, past its Map's 200-write burst: every one answered 204, none lost from the state or the evidence", async () => {
  const callSid = (await newCall(cluster.em.client)).sid;
  const sids = Array.from({ length: 250 }, (_, i) => 'RE' + i.toString(16).padStart(4, '0') + 'e'.repeat(28));
  const sent = Date.now();
  const answers = await Promise.all(
    sids.map((sid, i) =>
      signedCallback(pick(i), {
        CallSid: callSid,
        RecordingSid: sid,
        RecordingStatus: 'completed',
        RecordingDuration: '1',
      }),
    ),
  );
  expect(Date.now() - sent).toBeLessThan(10_000);
  expect(answers.filter((a) => a.status !== 204)).toEqual([]);
  expect(await throttled(sent)).toBeGreaterThan(0);
  const entries = await evidenceEntries(cluster.em, callSid);
  expect(new Set(entries.filter((e) => e.source === 'callback').map((e) => e.recordingSid))).toEqual(new Set(sids));
  // The state keeps the last few with details and the others as tombstones, or says it forgot the oldest.
  const doc = (await syncDocument(cluster.em, callSid))!;
  const known = sids.filter(
    (sid) => doc.recordings[sid]?.status === 'completed' || doc.ended?.split(' ').includes(sid.slice(2, 14)),
  );
  expect(cluster.fxs.map((fx) => fx.output()).join('')).not.toContain('its state missed it');
  expect(doc.forgot).toBe(true);
  expect(known.length).toBeGreaterThanOrEqual(50);
  expect(Buffer.byteLength(JSON.stringify(doc))).toBeLessThan(9 * 1024);
});
