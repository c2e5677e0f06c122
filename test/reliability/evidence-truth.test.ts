// The evidence against what Twilio did (issue 17): three Function processes on one emulator that applies
// each change at a random moment of a jittered round trip, with answers lost after the work (500-after),
// 429s, and instances killed mid-flight and restarted. For every stretch the proof calls paused, the
// emulator's truth log must show no recording of the call recording at any moment of it; and one status
// read later, no call says paused while Twilio records. Seeded: every random choice (the steps, their
// faults, when a kill lands, each request's jitter and moment of applying) follows from the printed seed;
// only the machine's own scheduling is not replayed.
import fc from 'fast-check';
import { provenPauses, type Interval, type ListedRecording } from '../../lib/model/proof';
import { EvidenceLog } from '../../lib/sync/evidence-log';
import { newCall } from '../../harness/calls';
import { invoke } from '../../harness/functions';
import { startEmulator, startFunctions, type RunningEmulator, type RunningFunctions } from '../../harness/stack';

const PROCESSES = 3;
const CALLS = 6;
const CONTROLS_PER_RUN = 130;
const RUNS = Number(process.env.EVIDENCE_RUNS ?? 3);
const SEED = Number(process.env.EVIDENCE_SEED ?? Date.now() % 2 ** 31);
/**
 * The most of the truly paused time the proof may leave unproven: measured 18.6–33.9 % (docs/evidence.md),
 * mostly the 15 s after a lost answer; past half, the proof gives up on pauses it should prove.
 */
const MAX_UNPROVEN_SHARE = 0.5;

interface Truth {
  recordings: Array<{ recordingSid: string; callSid?: string; changes: Array<{ status: string; at: number }> }>;
}

type Fault = 'none' | '500-after' | '429' | 'kill' | 'slow';
interface Step {
  call: number;
  action: 'paused' | 'in-progress' | 'status' | 'direct-start';
  process: number;
  fault: Fault;
  bySid: boolean;
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
  ),
  process: fc.nat(PROCESSES - 1),
  fault: fc.oneof(
    { weight: 12, arbitrary: fc.constant('none' as const) },
    { weight: 2, arbitrary: fc.constant('500-after' as const) },
    { weight: 2, arbitrary: fc.constant('429' as const) },
    { weight: 1, arbitrary: fc.constant('slow' as const) },
    { weight: 1, arbitrary: fc.constant('kill' as const) },
  ),
  bySid: fc.boolean(),
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
  for (let i = 0; i < PROCESSES; i++) fxs.push(await startFunctions(em.url));
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
    replacement = startFunctions(em.url)
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
  const params = { CallSid: callSid, Status: s.action, ...(s.bySid && sid ? { RecordingSid: sid } : {}) };
  const sent = send(s.process, '/recording/set-status', params);
  if (s.fault === 'kill') {
    await new Promise((r) => setTimeout(r, s.killAfterMs));
    await killAndReplace(s.process);
  }
  await sent;
}

test(`evidence never proves a pause Twilio did not hold: ${PROCESSES} processes, jitter, lost answers, 429s, killed instances (seed ${SEED})`, async () => {
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
          const listed: ListedRecording[] = (await em.client.calls(callSid).recordings.list()).map((r) => ({
            recordingSid: r.sid,
            status: r.status,
            ...(r.startTime ? { startTime: r.startTime.toISOString() } : {}),
            ...(Number(r.duration) >= 0 ? { duration: Number(r.duration) } : {}),
          }));
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
          const truly = trulyPaused(truth, callSid, start, checkedAt);
          figures.provenMs += total(proven);
          figures.trulyPausedMs += total(truly);
          // One status read later, no call says paused while Twilio records.
          const status = await invoke<{ status: string }>(fxs[0], '/recording/status', { CallSid: callSid });
          const active = (await em.client.calls(callSid).recordings.list()).filter((r) => r.status === 'in-progress');
          if (status.body.status === 'paused' && active.length > 0) figures.statusWrong += 1;
        }
        figures.runs += 1;
        return figures.wrong === 0 && figures.statusWrong === 0;
      },
    ),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  figures.unprovenMs = figures.trulyPausedMs - figures.provenMs;
  console.log(
    `evidence vs truth: ${figures.runs} runs, ${figures.controls} controls; windows proven ${figures.windows}, wrongly proven ${figures.wrong}; ` +
      `proven ${(figures.provenMs / 1000).toFixed(1)} s of ${(figures.trulyPausedMs / 1000).toFixed(1)} s truly paused ` +
      `(${((100 * figures.unprovenMs) / Math.max(1, figures.trulyPausedMs)).toFixed(1)}% left unproven); statuses saying paused while Twilio records: ${figures.statusWrong}`,
  );
  expect(figures.runs).toBe(RUNS);
  // 16 of every 19 steps are a pause or a resume: about 110 of a run's 130.
  expect(figures.controls).toBeGreaterThanOrEqual(RUNS * 95);
  expect(figures.wrong).toBe(0);
  expect(figures.statusWrong).toBe(0);
  expect(figures.windows).toBeGreaterThan(0);
  expect(figures.trulyPausedMs).toBeGreaterThan(0);
  expect(figures.unprovenMs / figures.trulyPausedMs).toBeLessThanOrEqual(MAX_UNPROVEN_SHARE);
}, 900_000);
