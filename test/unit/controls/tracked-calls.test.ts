// The console's list of tracked calls against an emulator whose Sync keeps expired objects a while, as
// Sync's approximate TTLs may (twilio.com/docs/sync/objects-ttl): the list must not count on the expiry.
import { listTrackedCalls } from '../../../lib/controls/tracked-calls';
import { emptyDocument } from '../../../lib/model/recording-state';
import { mapName, STATE_KEY } from '../../../lib/sync/call-map';
import { indexCall } from '../../../lib/sync/console-index';
import { startEmulator, type RunningEmulator } from '../../../harness/stack';

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
  await new Promise((r) => setTimeout(r, 1_200));
  // Sync still answers the expired Map (it lingers), with its expiry in the past.
  const maps = await em.client.sync.v1.services('default').syncMaps.list();
  expect(
    maps
      .map((m) => m.uniqueName)
      .filter((name) => !name.startsWith('recording-controls-console-'))
      .sort(),
  ).toEqual([mapName(sid(1)), mapName(sid(2))]);
  const calls = await listTrackedCalls(em.client, { serviceSid: 'default', ttlSeconds: 1 });
  expect(calls.map((c) => c.sid)).toEqual([sid(2)]);
});
