// What holds with several Function instances on one account: two twilio-run processes on one emulator,
// with Twilio's round trips (latency faults), so requests overlap as they do deployed.
import fc from 'fast-check';
import { conferenceCalls, newCall } from '../../harness/calls';
import {
  callbacksIdle,
  heldRequests,
  evidenceEntries,
  invoke,
  servedRequests,
  servedSince,
  setLatency,
  signedCallback,
  syncDocument,
  twilioAndSync,
  waitFor,
  type Answer,
} from '../../harness/functions';
import { useCluster } from '../../harness/stack';

const cluster = useCluster(2);
const pick = (i: number) => cluster.fxs[i % cluster.fxs.length];
const claimItem = (callSid: string) =>
  cluster.em.client.sync.v1.services('default').syncMaps(`recording-controls-${callSid}`).syncMapItems('claim');
afterEach(async () => {
  await cluster.em.control('DELETE', '/faults');
  await cluster.em.control('POST', '/limits', { syncWritesPerSecond: 20, syncReadsPerSecond: 20 });
});

test('ten starts of one call at once over two instances: one recording, the same one in every answer, one created', async () => {
  await setLatency(cluster.em, { voice: 60, sync: 30 });
  for (let round = 0; round < 8; round++) {
    const call = await newCall(cluster.em.client);
    const starts = await Promise.all(
      Array.from({ length: 10 }, (_, i) => invoke(pick(i), '/recording/start', { CallSid: call.sid })),
    );
    expect(starts.map((s) => s.status)).toEqual(Array(10).fill(200));
    expect(new Set(starts.map((s) => s.body.recordingSid)).size).toBe(1);
    expect(starts.filter((s) => s.body.created === true)).toHaveLength(1);
    expect(await cluster.em.client.calls(call.sid).recordings.list()).toHaveLength(1);
  }
});

test('a start whose recordings list was read before another start created its recording adopts that recording', async () => {
  const call = await newCall(cluster.em.client);
  // B's claim is held at the emulator until A has finished; B's list of the call's recordings, read beside
  // it, is answered first. The emulator orders the two starts, not a sleep.
  await cluster.em.control('POST', '/faults', {
    kind: 'hold',
    count: 1,
    match: `recording-controls-${call.sid}/Items`,
    method: 'POST',
    field: 'claim',
  });
  const mark = (await servedRequests(cluster.em)).length;
  const b = invoke(cluster.fxs[0], '/recording/start', { CallSid: call.sid });
  await heldRequests(cluster.em, 1);
  const listed = `/Calls/${call.sid}/Recordings.json`;
  await waitFor("B's list of the call's recordings read", async () =>
    (await servedRequests(cluster.em)).slice(mark).find((r) => r.method === 'GET' && r.path.endsWith(listed)),
  );
  const a = await invoke(cluster.fxs[1], '/recording/start', { CallSid: call.sid });
  await cluster.em.control('POST', '/held/release');
  expect(a.body).toMatchObject({ created: true });
  expect((await b).body).toMatchObject({ created: false, recordingSid: a.body.recordingSid });
  expect(await cluster.em.client.calls(call.sid).recordings.list()).toHaveLength(1);
  // And once that recording has ended, the next start makes a new one.
  await invoke(cluster.fxs[0], '/recording/set-status', { CallSid: call.sid, Status: 'stop' });
  const next = await invoke(cluster.fxs[1], '/recording/start', { CallSid: call.sid });
  expect(next.body).toMatchObject({ created: true });
  expect(next.body.recordingSid).not.toBe(a.body.recordingSid);
});

test('start/stop cycles on one call, six starts at once in each over two instances: one recording a cycle, and each stop clears the claim', async () => {
  await setLatency(cluster.em, { voice: 60, sync: 30 });
  const call = await newCall(cluster.em.client);
  const made: string[] = [];
  for (let cycle = 0; cycle < 6; cycle++) {
    const starts = await Promise.all(
      Array.from({ length: 6 }, (_, i) => invoke(pick(i + cycle), '/recording/start', { CallSid: call.sid })),
    );
    expect(starts.map((s) => s.status)).toEqual(Array(6).fill(200));
    expect(new Set(starts.map((s) => s.body.recordingSid)).size).toBe(1);
    expect(starts.filter((s) => s.body.created === true)).toHaveLength(1);
    made.push(starts[0].body.recordingSid as string);
    const stop = await invoke(pick(cycle + 1), '/recording/set-status', { CallSid: call.sid, Status: 'stop' });
    expect(stop.body).toMatchObject({ recordingSid: made[cycle], status: 'stopped' });
    await expect(claimItem(call.sid).fetch()).rejects.toMatchObject({ status: 404 });
  }
  expect(new Set(made).size).toBe(6);
  const recordings = await cluster.em.client.calls(call.sid).recordings.list();
  expect(recordings.map((r) => r.sid).sort()).toEqual([...made].sort());
});

test("a stop's removal of the finished claim, held until another start took the claim over and made its recording, is refused: that claim stays", async () => {
  const call = await newCall(cluster.em.client);
  const first = await invoke(cluster.fxs[0], '/recording/start', { CallSid: call.sid });
  const claimPath = `recording-controls-${call.sid}/Items/claim`;
  await cluster.em.control('POST', '/faults', { kind: 'hold', count: 1, match: claimPath, method: 'DELETE' });
  const stopping = invoke(cluster.fxs[0], '/recording/set-status', { CallSid: call.sid, Status: 'stop' });
  await heldRequests(cluster.em, 1);
  // Twilio has stopped the first recording: a start on the other instance takes the finished claim over.
  const second = await invoke(cluster.fxs[1], '/recording/start', { CallSid: call.sid });
  expect(second.body).toMatchObject({ created: true });
  const mark = (await servedRequests(cluster.em)).length;
  await cluster.em.control('POST', '/held/release');
  expect((await stopping).body).toMatchObject({ recordingSid: first.body.recordingSid, status: 'stopped' });
  expect(await servedSince(cluster.em, mark, 412, claimPath)).toHaveLength(1);
  expect((await claimItem(call.sid).fetch()).data).toMatchObject({ recordingSid: second.body.recordingSid });
  const third = await invoke(cluster.fxs[0], '/recording/start', { CallSid: call.sid });
  expect(third.body).toMatchObject({ created: false, recordingSid: second.body.recordingSid });
  expect(await cluster.em.client.calls(call.sid).recordings.list()).toHaveLength(2);
});

test('a start that read the finished claim just before a stop removed it finds it gone on its take-over, looks again and makes one recording', async () => {
  const call = await newCall(cluster.em.client);
  const first = await invoke(cluster.fxs[0], '/recording/start', { CallSid: call.sid });
  const claimPath = `recording-controls-${call.sid}/Items/claim`;
  await cluster.em.control('POST', '/faults', { kind: 'hold', count: 1, match: claimPath, method: 'DELETE' });
  await cluster.em.control('POST', '/faults', { kind: 'hold', count: 1, match: claimPath, method: 'POST' });
  const stopping = invoke(cluster.fxs[0], '/recording/set-status', { CallSid: call.sid, Status: 'stop' });
  await heldRequests(cluster.em, 1);
  // The start reads the claim, finished with the stopped recording, and its take-over is held behind the removal.
  const mark = (await servedRequests(cluster.em)).length;
  const starting = invoke(cluster.fxs[1], '/recording/start', { CallSid: call.sid });
  await heldRequests(cluster.em, 2);
  await cluster.em.control('POST', '/held/release');
  expect((await stopping).body).toMatchObject({ recordingSid: first.body.recordingSid, status: 'stopped' });
  const started = await starting;
  expect(started.body).toMatchObject({ created: true });
  const served = (await servedRequests(cluster.em)).slice(mark).filter((r) => r.path.endsWith(claimPath));
  // Its read, the removal, its take-over (gone); then it created the claim anew and finished it.
  expect(served.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'DELETE 204', 'POST 404', 'POST 200']);
  const recordings = await cluster.em.client.calls(call.sid).recordings.list();
  expect(recordings.filter((r) => r.status === 'in-progress').map((r) => r.sid)).toEqual([started.body.recordingSid]);
});

test('twenty starts of one call at once with Twilio answering in 2 s: every answer inside 10 s, one recording', async () => {
  const call = await newCall(cluster.em.client);
  await setLatency(cluster.em, { voice: 2000, sync: 2000 });
  const timedStart = async (i: number) => {
    const sent = Date.now();
    const res = await invoke(pick(i), '/recording/start', { CallSid: call.sid });
    return { res, took: Date.now() - sent };
  };
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => timedStart(i)));
  await setLatency(cluster.em, { voice: 0, sync: 0 });
  const worst = Math.max(...answers.map((a) => a.took));
  console.log(
    `20 starts at 2 s per Twilio request: worst answer ${worst} ms, statuses ${JSON.stringify(answers.map((a) => a.res.status))}`,
  );
  expect(worst).toBeLessThan(10_000);
  const recordings = await cluster.em.client.calls(call.sid).recordings.list();
  expect(recordings).toHaveLength(1);
  for (const { res } of answers) {
    // Each says the one recording, or that another start is still under way: never another recording.
    if (res.status === 200) expect(res.body.recordingSid).toBe(recordings[0].sid);
    else expect(res).toMatchObject({ status: 503, body: { error: { code: 'START_IN_PROGRESS' } } });
  }
  // The holder answers with its recording. At 2 s a request (ten times Twilio's), a new call's Map is one
  // round trip before its claim, so the others may run out of time before that recording can be listed.
  expect(answers.filter((a) => a.res.status === 200).length).toBeGreaterThanOrEqual(1);
});

test('rounds of six concurrent pauses and resumes over two instances: Sync ends equal to Twilio, every time', async () => {
  await setLatency(cluster.em, { voice: 150, sync: 80 });
  const call = await newCall(cluster.em.client);
  await invoke(cluster.fxs[0], '/recording/start', { CallSid: call.sid });
  for (let round = 0; round < 12; round++) {
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        new Promise((r) => setTimeout(r, Math.random() * 40)).then(() =>
          invoke(pick(i + round), '/recording/set-status', {
            CallSid: call.sid,
            Status: Math.random() < 0.5 ? 'pause' : 'resume',
          }),
        ),
      ),
    );
    expect(answers.map((a) => [a.status, a.body.synced])).toEqual(Array(6).fill([200, true]));
    const { twilio, sync } = await twilioAndSync(cluster.em, call.sid);
    expect(sync).toEqual(twilio);
  }
});

test('conference recordings too: concurrent pauses and resumes over two instances leave Sync equal to Twilio', async () => {
  const port = new URL(cluster.fxs[0].url).port;
  // Two participants: Twilio starts a conference, and records it, only then (twilio.com/docs/voice/twiml/conference).
  await conferenceCalls(cluster.em.client, 'truth', `http://localhost:${port}/callbacks/recording-status`);
  const [conference] = await cluster.em.client.conferences.list({ friendlyName: 'truth', status: 'in-progress' });
  await callbacksIdle(cluster.em);
  await setLatency(cluster.em, { voice: 150, sync: 80 });
  for (let round = 0; round < 8; round++) {
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        invoke(pick(i + round), '/conference/recording/set-status', {
          ConferenceSid: conference.sid,
          Status: Math.random() < 0.5 ? 'pause' : 'resume',
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
    const [recording] = await cluster.em.client.conferences(conference.sid).recordings.list();
    expect((await syncDocument(cluster.em, conference.sid))?.recordings[recording.sid].status).toBe(recording.status);
  }
});

const SEED = Number(process.env.ACROSS_SEED ?? Date.now() % 2 ** 31);

/**
 * What each operation may answer while others run beside it on the same call, nothing else: a control
 * is done (200) or refused for the state Twilio is in; a replayed callback is taken (204).
 */
const MAY_ANSWER: Record<string, Array<[number, string?]>> = {
  start: [[200]],
  pause: [[200], [409, 'NO_ACTIVE_RECORDING'], [409, 'RECORDING_ENDED']],
  resume: [[200], [409, 'NO_ACTIVE_RECORDING'], [409, 'RECORDING_ENDED']],
  stop: [[200], [409, 'NO_ACTIVE_RECORDING'], [409, 'RECORDING_ENDED']],
  replay: [[204]],
};

test(`any interleaving of controls and callbacks from two instances ends with Sync equal to Twilio (property, seed ${SEED})`, async () => {
  console.log(`across-instances seed: ${SEED} (ACROSS_SEED=${SEED} replays it)`);
  await setLatency(cluster.em, { voice: 150, sync: 80 });
  const seen = new Map<string, number>();
  const op = fc.record({
    kind: fc.constantFrom('pause', 'pause', 'pause-skip', 'resume', 'resume', 'resume', 'start', 'replay', 'stop'),
    instance: fc.nat(1),
    // Sent once the emulator has answered this many more Twilio requests (or all before it are answered):
    // the emulator's progress, not the wall clock, places each operation among the others.
    after: fc.nat(6),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 12 }), async (ops) => {
      const call = await newCall(cluster.em.client);
      await invoke(cluster.fxs[0], '/recording/start', { CallSid: call.sid });
      await callbacksIdle(cluster.em);
      const { callbacks } = await cluster.em.control<{
        callbacks: Array<{ id: number; params: Record<string, string> }>;
      }>('GET', '/callbacks');
      const mine = callbacks.filter((c) => c.params.CallSid === call.sid);
      const base = (await servedRequests(cluster.em)).length;
      const sent: Array<Promise<Answer>> = [];
      for (const { kind, instance, after } of ops) {
        const earlier = Promise.all(sent);
        let settled = false;
        void earlier.then(() => (settled = true));
        while (!settled && (await servedRequests(cluster.em)).length - base < after)
          await new Promise((r) => setTimeout(r, 10));
        const fx = cluster.fxs[instance];
        const status = kind.split('-')[0];
        sent.push(
          kind === 'replay'
            ? cluster.em
                .control<{ status: number }>('POST', `/callbacks/${mine[0].id}/replay`)
                .then((r) => ({ status: r.status, contentType: '', body: {} }))
            : kind === 'start'
              ? invoke(fx, '/recording/start', { CallSid: call.sid })
              : invoke(fx, '/recording/set-status', {
                  CallSid: call.sid,
                  Status: status,
                  ...(kind === 'pause-skip' ? { PauseBehavior: 'skip' } : {}),
                }),
        );
      }
      const answers = await Promise.all(sent);
      answers.forEach((a, i) => {
        const kind = ops[i].kind.split('-')[0];
        const code = (a.body as { error?: { code?: string } }).error?.code;
        const key = `${kind} ${a.status}${code ? ` ${code}` : ''}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        const allowed = MAY_ANSWER[kind].some(([status, c]) => status === a.status && (c === undefined || c === code));
        expect({ kind, status: a.status, body: a.body, allowed }).toMatchObject({ allowed: true });
        // A control done says so of Sync too: nothing here keeps Sync from being written.
        if (kind !== 'replay' && a.status === 200)
          expect({ kind, body: a.body }).toMatchObject({ body: { synced: true } });
      });
      const { twilio, sync } = await twilioAndSync(cluster.em, call.sid);
      expect(sync).toEqual(twilio);
    }),
    { numRuns: 20, seed: SEED, endOnFailure: true },
  );
  console.log(`answers: ${[...seen].map(([k, n]) => `${n} × ${k}`).join(', ')}`);
}, 180_000);

test('a callback every 100 ms while Sync answers in 300 ms: none lost, every answer inside 10 s', async () => {
  const callSid = (await newCall(cluster.em.client)).sid;
  await setLatency(cluster.em, { voice: 0, sync: 300 });
  const sids = Array.from({ length: 80 }, (_, i) => 'RE' + i.toString(16).padStart(4, '0') + 'f'.repeat(28));
  const sent: Array<Promise<{ status: number; took: number }>> = [];
  for (const [i, sid] of sids.entries()) {
    const start = Date.now();
    sent.push(
      signedCallback(pick(i), {
        CallSid: callSid,
        RecordingSid: sid,
        RecordingStatus: 'completed',
        RecordingDuration: String(i),
      }).then((r) => ({ status: r.status, took: Date.now() - start })),
    );
    await new Promise((r) => setTimeout(r, 100));
  }
  const results = await Promise.all(sent);
  await setLatency(cluster.em, { voice: 0, sync: 0 });
  expect(results.filter((r) => r.status !== 204)).toEqual([]);
  expect(Math.max(...results.map((r) => r.took))).toBeLessThan(10_000);
  const doc = await syncDocument(cluster.em, callSid);
  const kept = sids.filter(
    (sid) => doc?.recordings[sid]?.status === 'completed' || doc?.ended?.split(' ').includes(sid.slice(2, 14)),
  );
  // The state remembers the last 50 ended recordings and says it forgot the others; the evidence has all.
  expect(kept.length).toBeGreaterThanOrEqual(50);
  expect(doc?.forgot).toBe(true);
  const heard = (await evidenceEntries(cluster.em, callSid)).filter((e) => e.source === 'callback');
  expect(new Set(heard.map((e) => e.recordingSid))).toEqual(new Set(sids));
});

test('Sync failing after Twilio did the control: the answer says what Twilio did and that Sync missed it; the next control repairs it', async () => {
  const call = await newCall(cluster.em.client);
  await invoke(cluster.fxs[0], '/recording/start', { CallSid: call.sid });
  await invoke(cluster.fxs[0], '/recording/set-status', { CallSid: call.sid, Status: 'pause' });
  // The state's writes fail; the evidence's appends (the resume's intent) do not.
  await cluster.em.control('POST', '/faults', { kind: '500', count: 1e6, match: '/Items/state', method: 'POST' });
  const sent = Date.now();
  const resume = await invoke(cluster.fxs[1], '/recording/set-status', { CallSid: call.sid, Status: 'resume' });
  expect(Date.now() - sent).toBeLessThan(10_000);
  expect(resume).toMatchObject({
    status: 200,
    body: { status: 'in-progress', synced: false, syncError: { code: expect.any(String) } },
  });
  expect((await cluster.em.client.calls(call.sid).recordings.list())[0].status).toBe('in-progress');
  expect(Object.values((await syncDocument(cluster.em, call.sid))!.recordings)[0].status).toBe('paused'); // missed
  await cluster.em.control('DELETE', '/faults');

  const next = await invoke(cluster.fxs[0], '/recording/start', { CallSid: call.sid });
  expect(next.body).toMatchObject({ created: false, status: 'in-progress', synced: true });
  const { twilio, sync } = await twilioAndSync(cluster.em, call.sid);
  expect(sync).toEqual(twilio);
});

test('a pruned recording stays ended: after 150 start-pause-stop cycles a late in-progress callback cannot revive one', async () => {
  // About pruning: 150 cycles at full speed are about 2,000 writes and 1,000 reads of one call's Map, 100 s
  // at Sync's 20/s (the bench's long call shows controls under those limits, paced as calls are).
  await cluster.em.control('POST', '/limits', { syncWritesPerSecond: 0, syncReadsPerSecond: 0 });
  const call = await newCall(cluster.em.client);
  const first = await invoke(cluster.fxs[0], '/recording/start', { CallSid: call.sid });
  const firstSid = first.body.recordingSid as string;
  const inProgress = {
    CallSid: call.sid,
    RecordingSid: firstSid,
    RecordingStatus: 'in-progress',
    RecordingDuration: '0',
  };
  for (let i = 0; i < 150; i++) {
    if (i > 0) await invoke(pick(i), '/recording/start', { CallSid: call.sid });
    await invoke(pick(i + 1), '/recording/set-status', { CallSid: call.sid, Status: 'pause' });
    await invoke(pick(i), '/recording/set-status', { CallSid: call.sid, Status: 'stop' });
  }
  await callbacksIdle(cluster.em);
  const doc = (await syncDocument(cluster.em, call.sid))!;
  expect(doc.recordings[firstSid]).toBeUndefined();
  // Sync refused no write for its size (54006, over 16 KiB).
  expect((await servedRequests(cluster.em)).filter((r) => r.status === 413)).toEqual([]);
  expect((await signedCallback(cluster.fxs[1], inProgress)).status).toBe(204);
  // Forgotten by now (beyond the 50 tombstones): Twilio is asked, and says it completed.
  const after = (await syncDocument(cluster.em, call.sid))!;
  // Written as completed, or kept only as a tombstone: either way ended, never missing or active.
  expect(
    after.recordings[firstSid]?.status === 'completed' || after.ended?.split(' ').includes(firstSid.slice(2, 14)),
  ).toBe(true);
  // Every later control without a SID still finds the one recording that is active.
  await invoke(cluster.fxs[0], '/recording/start', { CallSid: call.sid });
  const pause = await invoke(cluster.fxs[1], '/recording/set-status', { CallSid: call.sid, Status: 'pause' });
  expect(pause).toMatchObject({ status: 200, body: { status: 'paused' } });
  expect((await invoke(cluster.fxs[0], '/recording/status', { CallSid: call.sid })).body).toMatchObject({
    status: 'paused',
    activeRecordingSids: [pause.body.recordingSid],
  });
}, 120_000);

test('60 active recordings on one call: the document stays under 16 KiB; what it cannot track is refused clearly, and said', async () => {
  const call = await newCall(cluster.em.client);
  const port = new URL(cluster.fxs[0].url).port;
  for (let i = 0; i < 60; i++) {
    await cluster.em.client.calls(call.sid).recordings.create({
      recordingStatusCallback: `http://localhost:${port}/callbacks/recording-status`,
      recordingStatusCallbackEvent: ['in-progress'],
    });
  }
  await callbacksIdle(cluster.em);
  const { callbacks } = await cluster.em.control<{
    callbacks: Array<{ status: number; body: string; params: Record<string, string> }>;
  }>('GET', '/callbacks');
  const mine = callbacks.filter((c) => c.params.CallSid === call.sid);
  expect(mine.filter((c) => c.status === 204)).toHaveLength(40);
  expect(mine.filter((c) => c.status === 409).map((c) => JSON.parse(c.body).error.code)).toEqual(
    Array(20).fill('TOO_MANY_RECORDINGS'),
  );

  const all = await invoke(cluster.fxs[1], '/recording/set-status', {
    CallSid: call.sid,
    Status: 'pause',
    All: 'true',
  });
  expect(all).toMatchObject({ status: 200, body: { synced: false, syncError: { code: 'TOO_MANY_RECORDINGS' } } });
  expect((all.body.recordings as unknown[]).length).toBe(60);
  const doc = (await syncDocument(cluster.em, call.sid))!;
  // Sync refused no write for its size (54006, over 16 KiB).
  expect((await servedRequests(cluster.em)).filter((r) => r.status === 413)).toEqual([]);
  expect(Object.values(doc.recordings).filter((r) => r.status === 'paused')).toHaveLength(40);
});
