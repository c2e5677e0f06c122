// `npm run bench [-- --quick | --sustained | --console]`: what each control costs, against the same emulator,
// beside the raw API; with --sustained, only the highest rate of new calls held under Sync's limits
// (sustained.ts); with --console, only the console's list at 200, 1,000 and 5,000 live calls (console.ts;
// --quick stops at 1,000).
// Starts the emulator and the built Functions through twilio-run, as users run them; prints a table and
// writes bench/results.json.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { conferenceCalls, newCall } from '../harness/calls';
import { servedRequests, stateItem } from '../harness/functions';
import {
  freePort,
  ROOT,
  startEmulator,
  startFunctions,
  stopProcess,
  functionsServerArgs,
  AUTH_TOKEN,
  type RunningEmulator,
  type RunningFunctions,
} from '../harness/stack';
import { burst } from './burst';
import { expectedSections, wrongFigures } from './checks';
import { CONSOLES, FULL_EVERY, consoleAtScale, consolePage } from './console';
import {
  ANSWER_DEADLINE_MS,
  callback,
  latencyOption,
  percentiles,
  post,
  recordingSid,
  round,
  timed,
  type Params,
} from './measure';
import { roundTrips, WARM_UP } from './round-trips';
import { sustained } from './sustained';

const quick = process.argv.includes('--quick');
const sustainedRun = process.argv.includes('--sustained');
const consoleRun = process.argv.includes('--console');
const latency = latencyOption(process.argv);
const CALLS = quick ? 50 : 500;
const THROUGHPUT_CALLBACKS = quick ? 100 : 1000;
const ROUND_TRIP_SAMPLES = quick ? 20 : 100;
const BURST = quick ? { calls: 100, cap: 20, latencyMs: 150 } : { calls: 500, cap: 100, latencyMs: 150 };

type Comparison = Awaited<ReturnType<typeof compare>>;

/** Runs `control` CALLS times one after another, and `direct` (the same control, raw API) as many. */
async function compare(
  em: RunningEmulator,
  name: string,
  control: (i: number) => Promise<unknown>,
  direct: (i: number) => Promise<unknown>,
) {
  const toolkit: number[] = [];
  const raw: number[] = [];
  const windows: Array<[number, number]> = [];
  const now = () => performance.timeOrigin + performance.now();
  for (let i = 0; i < CALLS; i++) {
    const start = now();
    await control(i);
    windows.push([start, now()]);
    toolkit.push(windows[i][1] - start);
    raw.push(await timed(() => direct(i)));
  }
  // The Functions' own work: their time while no Twilio request of theirs was in flight.
  const requests = await servedRequests(em);
  const own = windows.map(
    ([from, to]) => to - from - busy(requests.filter((r) => r.startedAt >= from && r.endedAt <= to)),
  );
  const t = percentiles(toolkit);
  const r = percentiles(raw);
  return { name, toolkit: t, direct: r, ratioP50: round(t.p50 / r.p50), ownOverheadP50Ms: percentiles(own).p50 };
}

/** How long at least one of `requests` was in flight. */
function busy(requests: Array<{ startedAt: number; endedAt: number }>): number {
  let total = 0;
  let reach = -Infinity;
  for (const r of [...requests].sort((a, b) => a.startedAt - b.startedAt)) {
    total += Math.max(0, r.endedAt - Math.max(r.startedAt, reach));
    reach = Math.max(reach, r.endedAt);
  }
  return total;
}

/** Twilio requests one control makes, by route, from the emulator's counters. */
async function cost(em: RunningEmulator, control: () => Promise<unknown>) {
  await em.control('GET', '/callbacks/idle');
  const before = await em.control<{ routes: Record<string, number> }>('GET', '/counters');
  await control();
  const after = await em.control<{ total: number; routes: Record<string, number> }>('GET', '/counters');
  const routes = Object.fromEntries(
    Object.entries(after.routes)
      .map(
        ([route, n]) =>
          [
            route.replace('/2010-04-01/Accounts/:AccountSid', '').replace('/v1/Services/:ServiceSid', ' Sync'),
            n - (before.routes[route] ?? 0),
          ] as const,
      )
      .filter(([, n]) => n > 0),
  );
  return { total: Object.values(routes).reduce((a, b) => a + b, 0), routes };
}

async function main() {
  const results: Record<string, unknown> = {
    quick,
    node: process.version,
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
  };
  if (consoleRun) return report({ ...results, consoleAtScale: await consoleAtScale(quick) });
  const em = await startEmulator();
  const fx = await startFunctions(em.url);
  const second = await startFunctions(em.url);
  try {
    if (sustainedRun) {
      results.sustained = await sustained(em, [fx, second], process.argv);
    } else if (latency) {
      results.roundTrips = {
        latencyMs: latency,
        samples: ROUND_TRIP_SAMPLES,
        ...(await roundTrips(em, fx, latency, ROUND_TRIP_SAMPLES)),
      };
    } else {
      Object.assign(results, await withoutLatency(em, fx));
    }
    if (!sustainedRun) results.burst = await burst(em, [fx, second], BURST);
  } finally {
    await Promise.all([fx.stop(), second.stop()]);
    await em.close();
  }
  if (!latency && !sustainedRun) {
    results.coldStartMs = await coldStarts();
    results.console = await consolePage(quick);
    results.consoleAtScale = await consoleAtScale(quick);
  }
  report(results);
}

function report(results: Record<string, unknown>) {
  // A run with --latency and one without each add their own figures: the file keeps both.
  const file = join(ROOT, 'bench/results.json');
  const previous = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  writeFileSync(file, JSON.stringify({ ...previous, ...results }, null, 2) + '\n');
  print(results);
  const wrong = wrongFigures(
    results,
    expectedSections({ sustained: sustainedRun, latency: Boolean(latency), console: consoleRun }),
  );
  if (wrong.length > 0) {
    console.error(`\nWrong figures:\n${wrong.map((w) => `- ${w}`).join('\n')}`);
    process.exitCode = 1;
  }
}

/**
 * Against the emulator with no latency: mostly what the Functions themselves cost. Sync's per-object rates
 * are off here, by name: this runs hundreds of controls a second on one call, far past what Sync allows
 * one object, to time the Functions' own work (`--sustained` measures under the limits).
 */
async function withoutLatency(em: RunningEmulator, fx: RunningFunctions) {
  await em.control('POST', '/limits', { syncWritesPerSecond: 0, syncReadsPerSecond: 0 });
  try {
    return await ownCost(em, fx);
  } finally {
    await em.control('POST', '/limits', { syncWritesPerSecond: 20, syncReadsPerSecond: 20 });
  }
}

async function ownCost(em: RunningEmulator, fx: RunningFunctions) {
  const c = em.client;
  const results: Record<string, unknown> = { callsPerFunction: CALLS };
  {
    // Latency, toolkit against the same control made directly with the twilio library.
    const startCalls = await Promise.all(Array.from({ length: CALLS }, () => newCall(c)));
    const directCalls = await Promise.all(Array.from({ length: CALLS }, () => newCall(c)));
    const call = await newCall(c);
    const recording = await c.calls(call.sid).recordings.create();
    const directCall = await newCall(c);
    const directRecording = await c.calls(directCall.sid).recordings.create();
    await post(fx, '/recording/set-status', { CallSid: call.sid, Status: 'in-progress', RecordingSid: recording.sid });
    await conferenceCalls(c, 'bench'); // a conference starts, and records, with two participants
    const [conference] = await c.conferences.list({ friendlyName: 'bench' });
    const [confRecording] = await c.conferences(conference.sid).recordings.list();
    const status = (i: number) => (i % 2 ? 'in-progress' : 'paused');
    const doc = () => stateItem(em, call.sid);

    results.latencyMs = [
      await compare(
        em,
        '/recording/start',
        (i) => post(fx, '/recording/start', { CallSid: startCalls[i].sid }),
        async (i) => {
          await c.calls(directCalls[i].sid).recordings.list();
          await c.calls(directCalls[i].sid).recordings.create();
        },
      ),
      await compare(
        em,
        '/recording/set-status',
        (i) => post(fx, '/recording/set-status', { CallSid: call.sid, Status: status(i) }),
        (i) =>
          c
            .calls(directCall.sid)
            .recordings(directRecording.sid)
            .update({ status: status(i) }),
      ),
      await compare(
        em,
        '/conference/recording/set-status',
        (i) =>
          post(fx, '/conference/recording/set-status', {
            ConferenceSid: conference.sid,
            Status: status(i),
            RecordingSid: confRecording.sid,
          }),
        (i) =>
          c
            .conferences(conference.sid)
            .recordings(confRecording.sid)
            .update({ status: status(i) }),
      ),
      await compare(
        em,
        '/recording/status',
        () => post(fx, '/recording/status', { CallSid: call.sid }),
        () => em.client.calls(call.sid).recordings.list(),
      ),
      await compare(
        em,
        '/callbacks/recording-status',
        () => callback(fx, { CallSid: call.sid, RecordingSid: recording.sid, RecordingStatus: 'in-progress' }),
        async () => {
          const d = await doc().fetch();
          await doc().update({ data: d.data, ifMatch: d.revision });
        },
      ),
    ];

    // Twilio requests per control.
    const costCall = await newCall(c);
    const several = await newCall(c);
    for (let i = 0; i < 3; i++)
      await post(fx, '/recording/start', { CallSid: several.sid }).then(() => c.calls(several.sid).recordings.create());
    const knownNone = await newCall(c);
    await c.calls(knownNone.sid).recordings.create();
    // Its recording's callbacks go nowhere here, so that their own Sync writes (counted below) stay apart.
    const noCallbacks = { RecordingStatusCallback: 'http://127.0.0.1:9/' };
    results.twilioRequestsPerControl = {
      'start (new recording)': await cost(em, () =>
        post(fx, '/recording/start', { CallSid: costCall.sid, ...noCallbacks }),
      ),
      'start (already recording)': await cost(em, () => post(fx, '/recording/start', { CallSid: costCall.sid })),
      'set-status with RecordingSid': await cost(em, () =>
        post(fx, '/recording/set-status', { CallSid: call.sid, Status: 'paused', RecordingSid: recording.sid }),
      ),
      'set-status, one recording known to Sync': await cost(em, () =>
        post(fx, '/recording/set-status', { CallSid: costCall.sid, Status: 'paused' }),
      ),
      'set-status, none known to Sync (Twilio.CURRENT)': await cost(em, () =>
        post(fx, '/recording/set-status', { CallSid: knownNone.sid, Status: 'paused' }),
      ),
      'set-status All=true, 4 active recordings': await cost(em, () =>
        post(fx, '/recording/set-status', { CallSid: several.sid, Status: 'paused', All: 'true' }),
      ),
      'conference set-status': await cost(em, () =>
        post(fx, '/conference/recording/set-status', { ConferenceSid: conference.sid, Status: 'paused' }),
      ),
      status: await cost(em, () => post(fx, '/recording/status', { CallSid: call.sid })),
      callback: await cost(em, () =>
        callback(fx, { CallSid: costCall.sid, RecordingSid: recordingSid(1), RecordingStatus: 'completed' }),
      ),
      'stop (removes the finished claim)': await cost(em, () =>
        post(fx, '/recording/set-status', { CallSid: costCall.sid, Status: 'stop' }),
      ),
      'start again after a stop': await cost(em, () =>
        post(fx, '/recording/start', { CallSid: costCall.sid, ...noCallbacks }),
      ),
    };

    results.callbackThroughput = {
      'one call, 50 in flight': await throughput(em, fx, 1),
      '50 calls, 50 in flight': await throughput(em, fx, 50),
    };
    results.documentGrowth = await growth(em, fx);
    results.peakMemoryMiB = peakMemoryMiB(fx.process.pid!);
  }
  return results;
}

/**
 * Callbacks per second with 50 in flight. Each recording gets in-progress callbacks and exactly one
 * completed, in random order: a lost update would leave a recording short of completed.
 */
async function throughput(em: RunningEmulator, fx: RunningFunctions, calls: number) {
  const callSids = await Promise.all(Array.from({ length: calls }, async () => (await newCall(em.client)).sid));
  // 30 recordings at most per document keep it under the prune budget, so every entry must still be there.
  const perCall = Math.min(30, Math.ceil(THROUGHPUT_CALLBACKS / 4 / calls));
  const repeats = Math.max(1, Math.round(THROUGHPUT_CALLBACKS / (calls * perCall)) - 1);
  const jobs: Params[] = [];
  callSids.forEach((callSid, c) => {
    for (let r = 0; r < perCall; r++) {
      const base = { CallSid: callSid, RecordingSid: recordingSid(c * 1000 + r + 1) };
      for (let i = 0; i < repeats; i++) jobs.push({ ...base, RecordingStatus: 'in-progress' });
      jobs.push({ ...base, RecordingStatus: 'completed', RecordingDuration: '7' });
    }
  });
  jobs.sort(() => Math.random() - 0.5);
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < jobs.length) await callback(fx, jobs[next++]);
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  let lost = 0;
  for (const callSid of callSids) {
    const doc = await stateItem(em, callSid).fetch();
    const { recordings, ended } = doc.data as { recordings: Record<string, { status: string }>; ended?: string };
    // A completed recording is kept, or past the last few, a tombstone (only finished ones become one).
    const tombstones = ended ? ended.split(' ').length : 0;
    lost += perCall - Object.values(recordings).filter((r) => r.status === 'completed').length - tombstones;
  }
  return { callbacks: jobs.length, perSecond: Math.round(jobs.length / seconds), lostUpdates: lost };
}

/** The same control and callback with 1, 10 and 100 recordings tracked in the call's document. */
async function growth(em: RunningEmulator, fx: RunningFunctions) {
  const rows = [];
  for (const tracked of [1, 10, 100]) {
    const call = await newCall(em.client);
    const { recordingSid: active } = (await (
      await fetch(fx.url + '/recording/start', {
        method: 'POST',
        body: new URLSearchParams({ CallSid: call.sid }),
        signal: AbortSignal.timeout(ANSWER_DEADLINE_MS),
      })
    ).json()) as { recordingSid: string };
    for (let i = 1; i < tracked; i++) {
      await callback(fx, {
        CallSid: call.sid,
        RecordingSid: recordingSid(i),
        RecordingStatus: 'completed',
        RecordingDuration: '5',
        RecordingChannels: '2',
      });
    }
    const setStatus: number[] = [];
    const callbacks: number[] = [];
    for (let i = 0; i < Math.min(CALLS, 100); i++) {
      setStatus.push(
        await timed(() =>
          post(fx, '/recording/set-status', {
            CallSid: call.sid,
            Status: i % 2 ? 'in-progress' : 'paused',
            RecordingSid: active,
          }),
        ),
      );
      callbacks.push(
        await timed(() => callback(fx, { CallSid: call.sid, RecordingSid: active, RecordingStatus: 'in-progress' })),
      );
    }
    const doc = await stateItem(em, call.sid).fetch();
    rows.push({
      tracked,
      keptInDocument: Object.keys((doc.data as { recordings: object }).recordings).length,
      documentBytes: Buffer.byteLength(JSON.stringify(doc.data)),
      setStatusP50Ms: percentiles(setStatus).p50,
      callbackP50Ms: percentiles(callbacks).p50,
    });
  }
  return rows;
}

/** Peak resident memory of the Functions' process (Linux: VmHWM), in MiB. */
function peakMemoryMiB(pid: number): number | null {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}

/** A fresh twilio-run process per Function, from spawn to that Function's first answer. */
async function coldStarts() {
  const em = await startEmulator();
  const rows: Record<string, number> = {};
  try {
    const call = await newCall(em.client);
    const paths: Array<[string, Params]> = [
      ['/recording/start', { CallSid: call.sid }],
      ['/recording/set-status', { CallSid: call.sid, Status: 'paused' }],
      ['/conference/recording/set-status', { ConferenceSid: 'CF' + '0'.repeat(32), Status: 'paused' }],
      ['/recording/status', { CallSid: call.sid }],
      ['/callbacks/recording-status', {}],
    ];
    for (const [path, params] of paths) {
      const port = await freePort();
      const envFile = join(ROOT, 'dist/.env.bench');
      writeFileSync(
        envFile,
        `ACCOUNT_SID=${em.emulator.context.accountSid}\nAUTH_TOKEN=${AUTH_TOKEN}\nTWILIO_API_BASE_URL=${em.url}\n`,
      );
      const start = performance.now();
      const child = spawn(process.execPath, functionsServerArgs(envFile, port), {
        cwd: ROOT,
        stdio: 'ignore',
      });
      const deadline = start + 30_000;
      for (;;) {
        try {
          await fetch(`http://127.0.0.1:${port}${path}`, {
            method: 'POST',
            body: new URLSearchParams(params),
            signal: AbortSignal.timeout(ANSWER_DEADLINE_MS),
          });
          break;
        } catch {
          const gone = child.exitCode !== null || child.signalCode !== null;
          if (gone || performance.now() > deadline) {
            child.kill('SIGTERM');
            throw new Error(`cold start of ${path}: the Functions ${gone ? 'exited' : 'did not answer within 30 s'}`);
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      rows[path] = Math.round(performance.now() - start);
      await stopProcess(child);
    }
  } finally {
    await em.close();
  }
  return rows;
}

function printConsoleAtScale(results: Record<string, unknown>) {
  const scale = results.consoleAtScale as Awaited<ReturnType<typeof consoleAtScale>>;
  console.log(
    `\n/console/calls with ${CONSOLES} consoles refreshing every 2 s (the full list every ${FULL_EVERY}th, else what changed), Voice ${scale.latencyMs.voice} ms and Sync ${scale.latencyMs.sync} ms a request; goal p95 <= ${scale.goalP95Ms} ms`,
  );
  console.table(scale.rows);
}

function print(results: Record<string, unknown>) {
  console.log(`\nMachine: ${results.machine}, Node ${results.node}`);
  if (consoleRun) {
    printConsoleAtScale(results);
    console.log('Written to bench/results.json');
    return;
  }
  if (sustainedRun) {
    const { ceiling, runs, longCall } = results.sustained as Awaited<ReturnType<typeof sustained>>;
    console.log(
      `\nNew calls per second held under Sync's limits, each started, paused, resumed and stopped a second apart over two Function processes, with its callbacks: highest passing ${ceiling}/s`,
    );
    console.table(runs);
    const { latencyMs, ...figures } = longCall;
    const waits = latencyMs ? `, Voice ${latencyMs.voice} ms and Sync ${latencyMs.sync} ms a request` : '';
    console.log(
      `\nOne call with ${longCall.cycles} start/stop cycles (a cycle a second${waits}) beside fresh calls (ms)`,
    );
    console.table([figures]);
    console.log('Written to bench/results.json');
    return;
  }
  const trips = results.roundTrips as
    { latencyMs: { voice: number; sync: number }; samples: number; coresApart: boolean; rows: object[] } | undefined;
  if (trips) {
    const cores = trips.coresApart
      ? 'the bench and the Functions on cores apart'
      : 'the bench and the Functions sharing cores (no taskset, or one core)';
    console.log(
      `\nWith Twilio's round trips (Voice ${trips.latencyMs.voice} ms, Sync ${trips.latencyMs.sync} ms per request), ${trips.samples} of each after ${WARM_UP} unmeasured, ${cores} (ms)`,
    );
    console.table(trips.rows);
  } else {
    const latency = results.latencyMs as Comparison[];
    console.log(
      `\nLatency over ${CALLS} calls each (ms), toolkit through twilio-run vs the same control with the twilio library`,
    );
    console.table(
      Object.fromEntries(
        latency.map((l) => [
          l.name,
          {
            p50: l.toolkit.p50,
            p95: l.toolkit.p95,
            p99: l.toolkit.p99,
            'direct p50': l.direct.p50,
            'direct p95': l.direct.p95,
            'direct p99': l.direct.p99,
            'ratio p50': l.ratioP50,
            'own work p50': l.ownOverheadP50Ms,
          },
        ]),
      ),
    );
    const costs = results.twilioRequestsPerControl as Record<string, { total: number; routes: Record<string, number> }>;
    console.log('\nTwilio requests per control');
    console.table(
      Object.fromEntries(
        Object.entries(costs).map(([k, v]) => [
          k,
          {
            total: v.total,
            routes: Object.entries(v.routes)
              .map(([r, n]) => `${n}× ${r}`)
              .join(', '),
          },
        ]),
      ),
    );
    console.log('\nCallback throughput');
    console.table(results.callbackThroughput);
    console.log("\nState growth: recordings tracked in one call's Sync state item");
    console.table(results.documentGrowth);
    console.log('\nCold start, fresh twilio-run process to first answer (ms)');
    console.table(results.coldStartMs);
    console.log(`\nPeak memory of the Functions' process: ${results.peakMemoryMiB} MiB`);
    console.log(
      '\nThe console page in Chromium with 200 tracked calls, until the counts and the first rows are drawn (ms)',
    );
    console.log(JSON.stringify(results.console, null, 2));
    printConsoleAtScale(results);
  }
  console.log('\nA burst at account scale: one pause on each of many calls at once, over two Function processes');
  console.table([results.burst]);
  console.log('Written to bench/results.json');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
