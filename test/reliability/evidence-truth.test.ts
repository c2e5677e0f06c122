// The evidence against what Twilio did (issues 17 and 27): three Function processes on one emulator that
// applies each change at a random moment of a jittered round trip, with answers lost after the work
// (500-after), 429s, lists that fail, instances killed mid-flight and restarted, each process's clock apart
// from Twilio's (EVIDENCE_CLOCK_OFFSETS, ms), skip and silence pauses, and recordings started and stopped
// through Twilio's API directly. For every stretch the proof calls paused, the emulator's truth log must
// show no recording of the call recording at any moment of it; one status read later, no call says paused
// while Twilio records; and each recording's in-progress callback, replayed after the call's Map expired,
// brings none back to life. Seeded: every random choice (the steps, their faults, when a kill lands, each
// request's jitter and moment of applying) follows from the printed seed; only the machine's own
// scheduling and the clocks' offsets' effect on it are not replayed.
import fc from 'fast-check';
import { provenPauses, type Interval } from '../../lib/model/proof';
import { CAPTURE, capturesOf, verdictOf } from '../../lib/model/captures';
import type { EvidenceEntry } from '../../lib/model/evidence';
import { callOwner, listedForProof } from '../../lib/twilio/voice';
import { EvidenceLog } from '../../lib/sync/evidence-log';
import { newCall } from '../../harness/calls';
import { invoke, signedCallback, syncDocument } from '../../harness/functions';
import { startEmulator, startFunctions, type RunningEmulator, type RunningFunctions } from '../../harness/stack';
import { CLOCK_SKEW_MARGIN_MS, type PauseBehavior } from '../../lib/model/statuses';
import { mapName } from '../../lib/sync/call-map';

const PROCESSES = 3;
const CALLS = 6;
const CONTROLS_PER_RUN = 130;
const RUNS = Number(process.env.EVIDENCE_RUNS ?? 3);
const SEED = Number(process.env.EVIDENCE_SEED ?? Date.now() % 2 ** 31);
/**
 * Each process's clock against the emulator's (Twilio's), in ms. The default spans the margin the proof
 * allows (every clock within CLOCK_SKEW_MARGIN_MS of every other); wider offsets print their figures
 * without holding the test to them.
 */
const OFFSETS = (process.env.EVIDENCE_CLOCK_OFFSETS ?? `${-CLOCK_SKEW_MARGIN_MS / 2},${CLOCK_SKEW_MARGIN_MS / 2},0`)
  .split(',')
  .map(Number);
const offsetOf = (index: number) => OFFSETS[index % OFFSETS.length];
const WITHIN_MARGIN =
  Math.max(...OFFSETS.map(Math.abs), Math.max(...OFFSETS) - Math.min(...OFFSETS)) <= CLOCK_SKEW_MARGIN_MS;
/**
 * The most of the truly paused time the proof may leave unproven: measured 12.9–17.4 % (docs/evidence.md),
 * mostly the 15 s after a lost answer; past half, the proof gives up on pauses it should prove.
 */
const MAX_UNPROVEN_SHARE = 0.5;

interface Truth {
  recordings: Array<{ recordingSid: string; callSid?: string; changes: Array<{ status: string; at: number }> }>;
}

type Fault = 'none' | '500-after' | '429' | 'kill' | 'slow' | 'list-fails';
interface Step {
  call: number;
  action: 'paused' | 'in-progress' | 'status' | 'direct-start' | 'direct-stop';
  process: number;
  fault: Fault;
  bySid: boolean;
  pauseBehavior?: PauseBehavior;
  /** For a `kill`: how long after the control is sent its process is killed. */
  killAfterMs: number;
}

const step: fc.Arbitrary<Step> = fc.record({
  call: fc.nat(CALLS - 1),
  action: fc.oneof(
    { weight: 8, arbitrary: fc.constant('paused' as const) },
    { weight: 8, arbitrary: fc.constant('in-progress' as const) },
    { weight: 2, arbitrary: fc.constant('status' as const) },
    { weight: 1, arbitrary: fc.constant('direct-start' as const) },
    { weight: 1, arbitrary: fc.constant('direct-stop' as const) },
  ),
  process: fc.nat(PROCESSES - 1),
  fault: fc.oneof(
    { weight: 12, arbitrary: fc.constant('none' as const) },
    { weight: 2, arbitrary: fc.constant('500-after' as const) },
    { weight: 2, arbitrary: fc.constant('429' as const) },
    { weight: 1, arbitrary: fc.constant('slow' as const) },
    { weight: 1, arbitrary: fc.constant('kill' as const) },
    { weight: 1, arbitrary: fc.constant('list-fails' as const) },
  ),
  bySid: fc.boolean(),
  pauseBehavior: fc.constantFrom(undefined, 'skip' as const, 'silence' as const),
  killAfterMs: fc.integer({ min: 300, max: 1200 }),
});

const NOT_RECORDING = new Set(['paused', 'stopped', 'completed', 'absent', 'failed', 'deleted']);

/** The moments in [a, b] when some recording of the call was recording, as the truth log tells. */
function recordedWithin(truth: Truth, callSid: string, [a, b]: Interval): number {
  let recorded = 0;
  for (const r of truth.recordings.filter((x) => x.callSid === callSid)) {
    const changes = [...r.changes].sort((x, y) => x.at - y.at);
    changes.forEach((c, i) => {
      if (NOT_RECORDING.has(c.status)) return;
      const from = Math.max(a, c.at);
      const to = Math.min(b, changes[i + 1]?.at ?? Infinity);
      if (to > from) recorded += to - from;
    });
  }
  return recorded;
}

/** Stretches in [start, end] when the truth log shows no recording of the call recording and one paused. */
function trulyPaused(truth: Truth, callSid: string, start: number, end: number): Interval[] {
  const own = truth.recordings.filter((x) => x.callSid === callSid);
  const moments = [...new Set([start, end, ...own.flatMap((r) => r.changes.map((c) => c.at))])]
    .filter((m) => m >= start && m <= end)
    .sort((x, y) => x - y);
  const statusAt = (r: Truth['recordings'][number], m: number) =>
    [...r.changes]
      .filter((c) => c.at <= m)
      .sort((x, y) => x.at - y.at)
      .at(-1)?.status;
  const out: Interval[] = [];
  for (let i = 0; i + 1 < moments.length; i++) {
    const mid = (moments[i] + moments[i + 1]) / 2;
    const statuses = own.map((r) => statusAt(r, mid)).filter(Boolean) as string[];
    if (statuses.includes('paused') && statuses.every((s) => NOT_RECORDING.has(s)))
      out.push([moments[i], moments[i + 1]]);
  }
  return out;
}

const total = (intervals: Interval[]) => intervals.reduce((sum, [a, b]) => sum + (b - a), 0);

let em: RunningEmulator;
const fxs: RunningFunctions[] = [];
beforeAll(async () => {
  em = await startEmulator();
  for (let i = 0; i < PROCESSES; i++) fxs.push(await startFunctions(em.url, {}, { clockOffsetMs: offsetOf(i) }));
}, 120_000);
afterAll(async () => {
  await Promise.all(replacing.values());
  await Promise.all(fxs.map((fx) => fx.stop()));
  await em?.close();
});

const killed = new WeakSet<RunningFunctions>();
const replacing = new Map<number, Promise<void>>();

/**
 * Kills a process with SIGKILL, as Twilio ends an instance, and starts another in its place. Two steps of
 * one batch may kill the same process: they share one replacement, so none is left running unstopped
 * (which kept jest from exiting after a passing run).
 */
function killAndReplace(index: number): Promise<void> {
  let replacement = replacing.get(index);
  if (!replacement) {
    killed.add(fxs[index]);
    fxs[index].process.kill('SIGKILL');
    replacement = startFunctions(em.url, {}, { clockOffsetMs: offsetOf(index) })
      .then((fx) => void (fxs[index] = fx))
      .finally(() => replacing.delete(index));
    replacing.set(index, replacement);
  }
  return replacement;
}

/** A request to one process: a connection cut by that process's kill is what a caller sees then, any other failure is the test's. */
async function send(index: number, path: string, params: Record<string, string>) {
  const fx = fxs[index];
  await invoke(fx, path, params).catch((err: unknown) => {
    if (!killed.has(fx)) throw err;
  });
}

/** What /recording/status answers for the call. */
const statusOf = async (callSid: string) =>
  (await invoke<{ status: string }>(fxs[0], '/recording/status', { CallSid: callSid })).body.status;

/** What Twilio holds: recording while any recording records, paused while none does and one is paused. */
async function twilioStatusOf(callSid: string) {
  const statuses = (await em.client.calls(callSid).recordings.list()).map((r) => r.status);
  return statuses.includes('in-progress') ? 'recording' : statuses.includes('paused') ? 'paused' : 'not-recording';
}

async function control(calls: string[], s: Step, recordingSids: Map<string, string>) {
  const callSid = calls[s.call];
  if (s.action === 'direct-start') {
    // Someone starts a recording through Twilio's API directly: no toolkit control knows of it.
    await em.client
      .calls(callSid)
      .recordings.create({})
      .catch(() => undefined);
    return;
  }
  if (s.action === 'direct-stop') {
    // Someone stops one of the call's recordings through the API: the toolkit hears of it only from Twilio.
    // A failing list set up for an earlier step may answer this one: then nothing is stopped.
    const listed = await em.client
      .calls(callSid)
      .recordings.list()
      .catch(() => []);
    const active = listed.filter((r) => r.status === 'in-progress');
    if (active.length > 0)
      await em.client
        .calls(callSid)
        .recordings(active[0].sid)
        .update({ status: 'stopped' })
        .catch(() => undefined);
    return;
  }
  if (s.fault === 'list-fails') {
    // Twilio's list of the call's recordings answers 500, retries included, for whatever reads it next.
    await em.control('POST', '/faults', {
      kind: '500',
      count: 4,
      match: `/Calls/${callSid}/Recordings.json`,
      method: 'GET',
    });
  }
  if (s.action === 'status') {
    await send(s.process, '/recording/status', { CallSid: callSid });
    return;
  }
  const match = `/Calls/${callSid}/Recordings/`;
  if (s.fault === '500-after' || s.fault === '429') {
    await em.control('POST', '/faults', { kind: s.fault, count: 1, match, method: 'POST' });
  }
  if (s.fault === 'slow' || s.fault === 'kill') {
    await em.control('POST', '/faults', {
      kind: 'latency',
      ms: 1500,
      apply: 'random',
      count: 1,
      match,
      method: 'POST',
    });
  }
  const sid = recordingSids.get(callSid);
  const params = {
    CallSid: callSid,
    Status: s.action,
    ...(s.bySid && sid ? { RecordingSid: sid } : {}),
    ...(s.action === 'paused' && s.pauseBehavior ? { PauseBehavior: s.pauseBehavior } : {}),
  };
  const sent = send(s.process, '/recording/set-status', params);
  if (s.fault === 'kill') {
    await new Promise((r) => setTimeout(r, s.killAfterMs));
    await killAndReplace(s.process);
  }
  await sent;
}

test(`evidence never proves a pause Twilio did not hold: ${PROCESSES} processes with clocks apart, jitter, lost answers, 429s, failing lists, killed instances, skip pauses, recordings made elsewhere, replayed callbacks (seed ${SEED})`, async () => {
  console.log(`evidence-truth seed: ${SEED} (EVIDENCE_SEED=${SEED} replays it)`);
  const figures = {
    runs: 0,
    controls: 0,
    windows: 0,
    wrong: 0,
    provenMs: 0,
    trulyPausedMs: 0,
    unprovenMs: 0,
    statusWrong: 0,
    revived: 0,
    captures: 0,
    capturesAttested: 0,
    capturesWronglyAttested: 0,
    capturesWhileRecording: 0,
    capturesWhileRecordingNotExceptions: 0,
  };
  /**
   * Card captures laid over the run's evidence (a grid across the call, and each proven stretch exactly,
   * a millisecond wider at either end): by the one rule, a capture is never attested inside a proven
   * pause where the truth log shows any recording of the call recording at any moment of it, and one
   * made while a recording records throughout is always an exception.
   */
  const judgeCaptures = (
    entries: EvidenceEntry[],
    listed: Awaited<ReturnType<typeof listedForProof>>,
    truth: Truth,
    callSid: string,
    [start, end]: Interval,
    proven: Interval[],
  ) => {
    const span = end - start;
    const windows: Interval[] = [
      ...Array.from({ length: 24 }, (_, k): Interval => [start + (k * span) / 24, start + ((k + 1) * span) / 24]),
      ...proven.flatMap(([a, b]): Interval[] => [
        [a, b],
        [a - 1, b],
        [a, b + 1],
      ]),
    ].filter(([a, b]) => b > a && Number.isFinite(b));
    for (const [a, b] of windows) {
      const at = (t: number) => new Date(t).toISOString();
      const base = { recordingSid: CAPTURE, by: 'twilio', source: 'capture' as const };
      const reported: EvidenceEntry[] = [
        { ...base, id: 'stage', at: at(a), status: 'stage', action: 'payment-card-number' },
        { ...base, id: 'result', at: at(b), status: 'success', action: 'result' },
      ];
      const [capture] = capturesOf(reported);
      const { verdict } = verdictOf(capture, [...entries, ...reported], listed);
      const recorded = recordedWithin(truth, callSid, [a, b]);
      figures.captures += 1;
      if (verdict === 'inside-proven-pause') {
        figures.capturesAttested += 1;
        if (recorded > 0) {
          figures.capturesWronglyAttested += 1;
          console.error(`capture wrongly attested on ${callSid}: ${at(a)} to ${at(b)}, ${recorded} ms recorded`);
        }
      }
      if (recorded >= b - a) {
        figures.capturesWhileRecording += 1;
        if (verdict !== 'exception') figures.capturesWhileRecordingNotExceptions += 1;
      }
    }
  };
  /** Whether status answers what Twilio holds, counted and said when not. */
  const checkStatus = async (callSid: string, when: string) => {
    const [said, held] = [await statusOf(callSid), await twilioStatusOf(callSid)];
    if (said === held) return;
    figures.statusWrong += 1;
    console.error(`status of ${callSid} ${when}: ${said}, while Twilio holds ${held}`);
  };
  await fc.assert(
    fc.asyncProperty(
      fc.array(step, { minLength: CONTROLS_PER_RUN, maxLength: CONTROLS_PER_RUN }),
      fc.nat(),
      async (steps, jitterSeed) => {
        await em.control('POST', '/reset');
        await em.control('POST', '/latency', {
          voice: { minMs: 40, maxMs: 450 },
          sync: { minMs: 20, maxMs: 220 },
          apply: 'random',
          seed: jitterSeed,
        });
        const calls = await Promise.all(Array.from({ length: CALLS }, async () => (await newCall(em.client)).sid));
        const recordingSids = new Map<string, string>();
        for (const callSid of calls) {
          const started = await invoke<{ recordingSid: string }>(fxs[0], '/recording/start', { CallSid: callSid });
          expect(started.status).toBe(200);
          recordingSids.set(callSid, started.body.recordingSid);
        }
        // Three controls at once, on any calls: the same call's controls race across processes.
        for (let i = 0; i < steps.length; i += 3) {
          await Promise.all(steps.slice(i, i + 3).map((s) => control(calls, s, recordingSids)));
        }
        figures.controls += steps.filter((s) => s.action === 'paused' || s.action === 'in-progress').length;
        await em.control('DELETE', '/latency');
        await em.control('DELETE', '/faults');
        await fetch(`${em.url}/__emulator/callbacks/idle`);
        const checkedAt = Date.now();
        const truth = await em.control<Truth>('GET', '/truth');
        for (const callSid of calls) {
          const entries = await new EvidenceLog(em.client, { serviceSid: 'default', ttlSeconds: 86400 }).readAll(
            callSid,
          );
          const listed = await listedForProof(callOwner(em.client, callSid));
          const start = Math.min(
            ...truth.recordings.filter((r) => r.callSid === callSid).flatMap((r) => r.changes.map((c) => c.at)),
          );
          const proven = provenPauses(entries, listed).map(([a, b]) => [a, Math.min(b, checkedAt)] as Interval);
          for (const window of proven) {
            figures.windows += 1;
            const recorded = recordedWithin(truth, callSid, window);
            if (recorded > 0) {
              figures.wrong += 1;
              console.error(
                `wrongly proven on ${callSid}: ${new Date(window[0]).toISOString()} for ${window[1] - window[0]} ms, ${recorded} ms recorded`,
              );
            }
          }
          judgeCaptures(entries, listed, truth, callSid, [start, checkedAt], proven);
          const truly = trulyPaused(truth, callSid, start, checkedAt);
          figures.provenMs += total(proven);
          figures.trulyPausedMs += total(truly);
          // One status read later, every call answers what Twilio holds.
          await checkStatus(callSid, 'at rest');
          // The call's Map expires, then each recording's in-progress callback is replayed: none comes back to life.
          await em.client.sync.v1.services('default').syncMaps(mapName(callSid)).remove();
          const recordings = await em.client.calls(callSid).recordings.list();
          for (const r of recordings) {
            const replayed = await signedCallback(fxs[0], {
              CallSid: callSid,
              RecordingSid: r.sid,
              RecordingStatus: 'in-progress',
              ...(r.startTime ? { RecordingStartTime: r.startTime.toUTCString() } : {}),
            });
            expect(replayed.status).toBe(204);
          }
          const doc = await syncDocument(em, callSid);
          for (const r of recordings.filter((x) => !['in-progress', 'paused'].includes(x.status)))
            if (['in-progress', 'paused'].includes(doc?.recordings[r.sid]?.status ?? '')) {
              figures.revived += 1;
              console.error(
                `revived on ${callSid}: ${r.sid} is ${r.status} on Twilio, ${doc?.recordings[r.sid]?.status} in Sync`,
              );
            }
          await checkStatus(callSid, 'after replayed callbacks');
        }
        figures.runs += 1;
        if (figures.wrong + figures.statusWrong + figures.revived > 0) console.error(JSON.stringify(figures));
        return (
          (!WITHIN_MARGIN || (figures.wrong === 0 && figures.capturesWronglyAttested === 0)) &&
          figures.statusWrong === 0 &&
          figures.revived === 0 &&
          figures.capturesWhileRecordingNotExceptions === 0
        );
      },
    ),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  figures.unprovenMs = figures.trulyPausedMs - figures.provenMs;
  const unprovenShare = figures.unprovenMs / Math.max(1, figures.trulyPausedMs);
  console.log(
    `evidence vs truth (clocks ${OFFSETS.join(', ')} ms from Twilio's, ${WITHIN_MARGIN ? 'within' : 'beyond'} the ${CLOCK_SKEW_MARGIN_MS} ms margin): ` +
      `${figures.runs} runs, ${figures.controls} controls; windows proven ${figures.windows}, wrongly proven ${figures.wrong}; ` +
      `proven ${(figures.provenMs / 1000).toFixed(1)} s of ${(figures.trulyPausedMs / 1000).toFixed(1)} s truly paused ` +
      `(${(100 * unprovenShare).toFixed(1)}% left unproven, at most ${100 * MAX_UNPROVEN_SHARE}%); ` +
      `statuses other than Twilio's: ${figures.statusWrong}; recordings revived by a replayed callback: ${figures.revived}; ` +
      `captures judged ${figures.captures}, attested inside a proven pause ${figures.capturesAttested}, wrongly ${figures.capturesWronglyAttested}; ` +
      `made while recording ${figures.capturesWhileRecording}, not reported as exceptions ${figures.capturesWhileRecordingNotExceptions}`,
  );
  expect(figures.runs).toBe(RUNS);
  // 16 of every 20 steps are a pause or a resume: about 104 of a run's 130 (90 is two spreads below).
  expect(figures.controls).toBeGreaterThanOrEqual(RUNS * 90);
  if (WITHIN_MARGIN) expect(figures.wrong).toBe(0);
  if (WITHIN_MARGIN) expect(figures.capturesWronglyAttested).toBe(0);
  expect(figures.capturesWhileRecordingNotExceptions).toBe(0);
  expect(figures.capturesAttested).toBeGreaterThan(0);
  expect(figures.capturesWhileRecording).toBeGreaterThan(0);
  expect(figures.statusWrong).toBe(0);
  expect(figures.revived).toBe(0);
  expect(figures.windows).toBeGreaterThan(0);
  expect(figures.trulyPausedMs).toBeGreaterThan(0);
  expect(unprovenShare).toBeLessThanOrEqual(MAX_UNPROVEN_SHARE);
}, 900_000);
