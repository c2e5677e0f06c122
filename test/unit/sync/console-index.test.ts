// The console's index listed as a process does at a floor's scale: the first listing of a shard page after
// page, the next ones in ranges side by side from where the last one's ranges began. Calls indexed or gone
// in between must still be listed, each exactly once, whichever range they fall in.
import { useInProcessEmulator } from '../../../harness/in-process';
import { emptyDocument } from '../../../lib/model/recording-state';
import { indexCall, listIndex, shardOf } from '../../../lib/sync/console-index';

const stack = useInProcessEmulator();
const sync = { serviceSid: 'default', ttlSeconds: 600 };
/** SIDs of one shard (their last hex digit 0), in key order by `n`. */
const sid = (n: number) => `CA${n.toString(16).padStart(28, '0')}0000`;

const index = (ns: number[]) =>
  Promise.all(ns.map((n) => indexCall(stack.em.client, sync, sid(n), emptyDocument(sid(n)), true)));
const listed = async () => (await listIndex(stack.em.client, sync)).map((c) => c.sid);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

test('calls indexed inside a range, past one page of it, and calls gone are listed exactly once', async () => {
  await stack.em.control('POST', '/limits', { syncWritesPerSecond: 0, syncReadsPerSecond: 0 });
  expect(new Set([0, 1, 1000].map((n) => shardOf(sid(n))))).toEqual(new Set([0]));
  // Every 10th number: room to index new calls between them, inside the first ranges.
  await index(range(0, 250).map((n) => n * 10));
  expect(await listed()).toEqual(range(0, 250).map((n) => sid(n * 10)));

  // 60 new calls inside the first range (80 calls, a page of 100 now ends inside it), some in the
  // second, after the last; some calls gone.
  const added = [...range(0, 60).map((n) => n * 10 + 5), 1001, 1003, 5000];
  await index(added);
  const gone = [0, 800, 2490];
  await Promise.all(
    gone.map((n) =>
      stack.em.client.sync.v1
        .services('default')
        .syncMaps('recording-controls-console-00')
        .syncMapItems(sid(n))
        .remove(),
    ),
  );
  const expected = [...range(0, 250).map((n) => n * 10), ...added]
    .filter((n) => !gone.includes(n))
    .sort((a, b) => a - b)
    .map(sid);
  expect(await listed()).toEqual(expected);
  // And again from the ranges this listing found.
  expect(await listed()).toEqual(expected);
});
