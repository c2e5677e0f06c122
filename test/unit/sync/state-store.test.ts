// The call's state in Sync, written by two instances at once (each its own write queue): If-Match makes the
// later write meet 412, read again and reapply its change, so neither change is lost.
import { newCall } from '../../../harness/calls';
import { heldRequests, servedRequests, syncDocument } from '../../../harness/functions';
import { instanceOn, useInProcessEmulator } from '../../../harness/in-process';
import { addHistory } from '../../../lib/model/recording-state';
import { Deadline } from '../../../lib/twilio/deadline';

const stack = useInProcessEmulator();

const entry = (by: string) => (doc: Parameters<typeof addHistory>[0]) =>
  addHistory(doc, { at: new Date().toISOString(), action: 'paused', recordingSid: 'RE' + '0'.repeat(32), by });

test('two instances change one document at once: one 412, both changes kept', async () => {
  const em = stack.em;
  const callSid = (await newCall(em.client)).sid;
  const [a, b] = [await instanceOn(em), await instanceOn(em)];
  const storeOf = (fx: typeof a) => fx.lib.wiring.recordingStore(fx.context, Deadline.fromArrival(Date.now()));
  await storeOf(a).update(callSid, entry('first'));
  const statePath = `recording-controls-${callSid}/Items/state`;
  // A's write is held unapplied until B's has landed: A wrote on the revision both read.
  await em.control('POST', '/faults', { kind: 'hold', count: 1, match: statePath, method: 'POST' });
  const mark = (await servedRequests(em)).length;
  const writeA = storeOf(a).update(callSid, entry('a'));
  await heldRequests(em, 1);
  await storeOf(b).update(callSid, entry('b'));
  await em.control('POST', '/held/release');
  await writeA;
  const writes = (await servedRequests(em))
    .slice(mark)
    .filter((r) => r.method === 'POST' && r.path.endsWith(statePath));
  expect(writes.map((w) => w.status).sort()).toEqual([200, 200, 412]);
  const doc = await syncDocument(em, callSid);
  expect(doc?.history.map((h) => h.by).sort()).toEqual(['a', 'b', 'first']);
});

test('changes made at once in one instance are written together, one write, no 412', async () => {
  const em = stack.em;
  const callSid = (await newCall(em.client)).sid;
  const a = await instanceOn(em);
  const store = a.lib.wiring.recordingStore(a.context, Deadline.fromArrival(Date.now()));
  await store.update(callSid, entry('first'));
  const mark = (await servedRequests(em)).length;
  // The first write of the burst goes alone; the four behind it wait and go in one batch.
  await Promise.all(['1', '2', '3', '4', '5'].map((by) => store.update(callSid, entry(by))));
  const writes = (await servedRequests(em))
    .slice(mark)
    // The call's own items (the console's index is written beside each, in its shard: sync/console-index).
    .filter(
      (r) => r.method === 'POST' && r.path.includes('/Items/') && !r.path.includes('recording-controls-console-'),
    );
  expect(writes.map((w) => w.status)).toEqual([200, 200]);
  expect((await syncDocument(em, callSid))?.history.map((h) => h.by)).toEqual(['first', '1', '2', '3', '4', '5']);
});

test('a read of a call with no document gives an empty one; a failing read is a ControlError, not a crash', async () => {
  const em = stack.em;
  const a = await instanceOn(em);
  const store = a.lib.wiring.recordingStore(a.context, Deadline.fromArrival(Date.now() - 8_000));
  const sid = 'CA' + 'f'.repeat(32);
  expect(await store.read(sid)).toEqual({ doc: { sid, recordings: {}, history: [] } });
  await em.control('POST', '/faults', { kind: '500', count: 1000, match: sid, method: 'GET' });
  await expect(store.read(sid)).rejects.toMatchObject({ status: 502 });
  await em.control('DELETE', '/faults');
});
