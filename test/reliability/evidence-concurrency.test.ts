// The evidence log under load: first appends racing to create the call's Map, two Function processes at
// once, and every change kept exactly once.
import { newCall } from '../../harness/calls';
import { counters, createConsoleIndex, evidenceItems, invoke } from '../../harness/functions';
import { startFunctions, useStack } from '../../harness/stack';

const stack = useStack();
// The console's index exists, as after a service's first calls: the Maps counted here are the calls' own.
beforeAll(() => createConsoleIndex(stack.em));

test('controls from two processes at once on a call without a log yet: one Map, every change once, in order per recording', async () => {
  const second = await startFunctions(stack.em.url);
  try {
    const call = await newCall(stack.em.client);
    const sids: string[] = [];
    for (let i = 0; i < 10; i++) sids.push((await stack.em.client.calls(call.sid).recordings.create()).sid);
    const before = await counters(stack.em);
    const answers = await Promise.all(
      sids.flatMap((sid) =>
        [stack.fx, second].flatMap((fx) =>
          Array.from({ length: 3 }, () =>
            invoke(fx, '/recording/set-status', {
              CallSid: call.sid,
              Status: 'paused',
              RecordingSid: sid,
              PauseBehavior: 'skip',
            }),
          ),
        ),
      ),
    );
    expect(answers.filter((a) => a.status !== 200 || 'evidenceLogged' in a.body)).toEqual([]);
    const after = await counters(stack.em);
    const created =
      (after.routes['POST /v1/Services/:ServiceSid/Maps'] ?? 0) -
      (before.routes['POST /v1/Services/:ServiceSid/Maps'] ?? 0);
    // At most one creation attempt per process; the loser's is a 409.
    expect(created).toBeGreaterThanOrEqual(1);
    expect(created).toBeLessThanOrEqual(2);
    const maps = await stack.em.client.sync.v1.services('default').syncMaps.list();
    expect(maps.filter((m) => m.uniqueName.startsWith('recording-controls-CA'))).toHaveLength(1);

    // Every item as Sync holds it: six answered pauses per recording, none stored twice.
    const entries = await evidenceItems(stack.em, call.sid);
    expect(entries).toHaveLength(sids.length * 6);
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    for (const sid of sids)
      expect(entries.filter((e) => e.recordingSid === sid)).toEqual(
        Array(6).fill(
          expect.objectContaining({ status: 'paused', pauseBehavior: 'skip', by: 'http', source: 'control' }),
        ),
      );
  } finally {
    await second.stop();
  }
});

test("a call's first start creates its one Map: its claim, intent, state and outcome as items, no failed attempt", async () => {
  const call = await newCall(stack.em.client);
  const route = (r: Awaited<ReturnType<typeof counters>>, key: string) => r.routes[key] ?? 0;
  const before = await counters(stack.em);
  const started = await invoke(stack.fx, '/recording/start', {
    CallSid: call.sid,
    RecordingStatusCallback: 'http://127.0.0.1:9/',
  });
  expect(started.body).toMatchObject({ created: true });
  expect(started.body).not.toHaveProperty('evidenceLogged');
  const after = await counters(stack.em);
  expect(route(after, 'POST /v1/Services/:ServiceSid/Maps') - route(before, 'POST /v1/Services/:ServiceSid/Maps')).toBe(
    1,
  );
  // Nothing else is created: no Document, no List.
  expect(after.total - before.total).toBe(
    Object.entries(after.routes)
      .filter(([key]) => !/Documents|Lists/.test(key) || (before.routes[key] ?? 0) === after.routes[key])
      .reduce((n, [key, count]) => n + count - (before.routes[key] ?? 0), 0),
  );
  // The claim, the intent, the state and the outcome, and the call's entry in the console's index (one of
  // its shards, sync/console-index); none sent twice (a 404 and again).
  expect(
    route(after, 'POST /v1/Services/:ServiceSid/Maps/:MapSid/Items') -
      route(before, 'POST /v1/Services/:ServiceSid/Maps/:MapSid/Items'),
  ).toBe(5);
  const [intent, entry, ...more] = await evidenceItems(stack.em, call.sid);
  expect(more).toEqual([]);
  expect(intent).toMatchObject({ action: 'start', recordingSid: '*', by: 'http', source: 'intent' });
  expect(entry).toMatchObject({
    action: 'start',
    status: 'in-progress',
    by: 'http',
    source: 'control',
    control: intent.control,
  });
});
