// `npm run bench -- --sustained [--rates 10,15,20] [--seconds 60] [--cycles 200] [--latency voice=150,sync=80]`:
// new calls per second, held, with Sync's limits on (the emulator's default). Each call is started, paused,
// resumed and stopped a second apart (over two Function processes), with its recording's callbacks; a rate
// passes with no failed control, no `synced: false`, no evidence entry missing, no callback refused and p99
// under 2 s. Then one call with 200 start/stop cycles beside fresh calls (with `--latency`, Twilio's round
// trips on both): its controls' p50 against theirs.
import { readFileSync } from 'node:fs';
import { newCall } from '../harness/calls';
import { evidenceEntries, servedRequests, setLatency } from '../harness/functions';
import type { RunningEmulator, RunningFunctions } from '../harness/stack';
import { latencyOption, percentiles, round, type Latency, type Params } from './measure';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const P99_LIMIT_MS = 2000;
/** A call's controls, a second apart, as a flow or a person would send them. */
const STEP_MS = 1000;
const SCRIPT: Params[] = [{ Status: 'pause' }, { Status: 'resume' }, { Status: 'stop' }];
/** Per call: the start's intent and outcome, the pause, the resume's intent and outcome, the stop. */
const CONTROL_ENTRIES = 6;

interface Answered {
  what: string;
  ok: boolean;
  ms: number;
  synced: boolean;
  evidenceLogged: boolean;
  code?: string;
}

async function control(fx: RunningFunctions, path: string, params: Params): Promise<Answered> {
  const what = params.Status ?? 'start';
  const start = performance.now();
  const res = await fetch(fx.url + path, { method: 'POST', body: new URLSearchParams(params) });
  const body = (await res.json().catch(() => ({}))) as {
    synced?: boolean;
    evidenceLogged?: boolean;
    error?: { code: string };
  };
  return {
    what,
    ok: res.status === 200,
    ms: performance.now() - start,
    synced: body.synced !== false,
    evidenceLogged: body.evidenceLogged !== false,
    code: body.error?.code,
  };
}

/** CPU seconds used so far by a process (Linux /proc: user + system). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** One call's life: answered, recorded, paused, resumed, stopped, each on either process. */
async function oneCall(em: RunningEmulator, fxs: RunningFunctions[], i: number, answers: Answered[]) {
  const call = await newCall(em.client);
  const fx = (k: number) => fxs[(i + k) % fxs.length];
  const mine = [await control(fx(0), '/recording/start', { CallSid: call.sid })];
  for (const [k, step] of SCRIPT.entries()) {
    await sleep(STEP_MS);
    mine.push(await control(fx(k + 1), '/recording/set-status', { CallSid: call.sid, ...step }));
  }
  answers.push(...mine);
  // A call whose control failed is counted there: what its evidence lacks is then no loss.
  return { sid: call.sid, allDone: mine.every((a) => a.ok) };
}

/** `rate` new calls a second for `seconds`, then every fact checked. */
async function atRate(em: RunningEmulator, fxs: RunningFunctions[], rate: number, seconds: number) {
  await em.control('POST', '/reset');
  const answers: Answered[] = [];
  const lives: Array<ReturnType<typeof oneCall>> = [];
  const cpu = [process.pid, ...fxs.map((f) => f.process.pid!)];
  const cpuBefore = cpu.map(cpuSeconds);
  const started = performance.now();
  for (let i = 0; i < rate * seconds; i++) {
    const due = started + (i * 1000) / rate;
    await sleep(Math.max(0, due - performance.now()));
    lives.push(oneCall(em, fxs, i, answers));
  }
  const settled = await Promise.allSettled(lives);
  const wall = (performance.now() - started) / 1000;
  const cpuUsed = cpu.map((pid, k) => cpuSeconds(pid) - cpuBefore[k]);
  await em.control('GET', '/callbacks/idle');
  const callSids = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.sid] : []));
  const complete = new Set(settled.flatMap((s) => (s.status === 'fulfilled' && s.value.allDone ? [s.value.sid] : [])));
  const mine = new Set(callSids);
  const { callbacks } = await em.control<{ callbacks: Array<{ status: number; params: Record<string, string> }> }>(
    'GET',
    '/callbacks',
  );
  const delivered = callbacks.filter((c) => mine.has(c.params.CallSid));
  const accepted = new Map<string, number>();
  for (const c of delivered)
    if (c.status < 300) accepted.set(c.params.CallSid, (accepted.get(c.params.CallSid) ?? 0) + 1);
  // One read of each call's Map, a few at a time: within Sync's read limit.
  let lost = 0;
  for (let k = 0; k < callSids.length; k += 20) {
    const logs = await Promise.all(callSids.slice(k, k + 20).map((sid) => evidenceEntries(em, sid)));
    logs.forEach((entries, j) => {
      const sid = callSids[k + j];
      const controls = entries.filter((e) => e.source !== 'callback').length;
      const heard = entries.filter((e) => e.source === 'callback').length;
      if (complete.has(sid)) lost += Math.max(0, CONTROL_ENTRIES - controls);
      lost += Math.max(0, (accepted.get(sid) ?? 0) - heard);
    });
  }
  const requests = (await servedRequests(em)).filter((r) => r.path.startsWith('/v1/Services'));
  const created = requests.filter(
    (r) => r.method === 'POST' && r.status === 201 && /\/(Documents|Lists|Maps)$/.test(r.route),
  ).length;
  const writes = requests.filter((r) => r.method !== 'GET' && r.status < 300).length;
  const times = percentiles(answers.map((a) => a.ms));
  const result = {
    rate,
    seconds,
    calls: callSids.length,
    callsFailed: settled.length - callSids.length,
    controls: answers.length,
    failedControls: answers.filter((a) => !a.ok).length,
    failures: [...new Set(answers.flatMap((a) => (a.ok ? [] : [a.code ?? 'unknown'])))].join(', '),
    syncedFalse: answers.filter((a) => !a.synced).length,
    evidenceNotLogged: answers.filter((a) => !a.evidenceLogged).length,
    evidenceLost: lost,
    callbacks: delivered.length,
    callbacksRefused: delivered.filter((c) => c.status >= 300).length,
    p50: times.p50,
    p95: times.p95,
    p99: times.p99,
    p99ByControl: Object.fromEntries(
      ['start', 'pause', 'resume', 'stop'].map((w) => [
        w,
        percentiles(answers.filter((a) => a.what === w).map((a) => a.ms)).p99,
      ]),
    ),
    objectsCreatedPerCall: round(created / Math.max(1, callSids.length)),
    syncWritesPerCall: round(writes / Math.max(1, callSids.length)),
    sync429: requests.filter((r) => r.status === 429).length,
    /** Of the machine's cores, what the bench with the emulator, and each Function process, used. */
    cpuCores: cpuUsed.map((s) => round(s / wall)),
  };
  const passed =
    result.callsFailed === 0 &&
    result.failedControls === 0 &&
    result.syncedFalse === 0 &&
    result.evidenceNotLogged === 0 &&
    result.evidenceLost === 0 &&
    result.callbacksRefused === 0 &&
    result.p99 < P99_LIMIT_MS;
  return { ...result, passed };
}

/**
 * One call started and stopped `cycles` times, a cycle a second (its Map's writes stay within Sync's
 * 20/s), beside a fresh call started and stopped every tenth cycle: the long call's p50 against theirs.
 */
async function longCall(em: RunningEmulator, fxs: RunningFunctions[], cycles: number, latency?: Latency) {
  await em.control('POST', '/reset');
  // With Twilio's round trips, what a caller waits for: the size of the call's list weighs little beside them.
  if (latency) await setLatency(em, latency);
  const call = await newCall(em.client);
  const long: Answered[][] = [];
  const fresh: Answered[] = [];
  for (let i = 0; i < cycles; i++) {
    const due = performance.now() + 1000;
    const cycle = [
      await control(fxs[i % 2], '/recording/start', { CallSid: call.sid }),
      await control(fxs[(i + 1) % 2], '/recording/set-status', { CallSid: call.sid, Status: 'stop' }),
    ];
    long.push(cycle);
    if (i % 10 === 0) {
      const other = await newCall(em.client);
      fresh.push(await control(fxs[i % 2], '/recording/start', { CallSid: other.sid }));
      fresh.push(await control(fxs[(i + 1) % 2], '/recording/set-status', { CallSid: other.sid, Status: 'stop' }));
    }
    await sleep(Math.max(0, due - performance.now()));
  }
  const p50 = (a: Answered[]) => percentiles(a.map((x) => x.ms)).p50;
  const state = await em.client.sync.v1
    .services('default')
    .syncMaps(`recording-controls-${call.sid}`)
    .syncMapItems('state')
    .fetch();
  const all = long.flat();
  const throttled = (await servedRequests(em)).filter((r) => r.status === 429).length;
  if (latency) await em.control('DELETE', '/faults');
  return {
    cycles,
    ...(latency ? { latencyMs: latency } : {}),
    failedControls: all.filter((a) => !a.ok).length,
    syncedFalse: all.filter((a) => !a.synced).length,
    firstTenCyclesP50: p50(long.slice(0, 10).flat()),
    lastTenCyclesP50: p50(long.slice(-10).flat()),
    freshCallsP50: p50(fresh),
    // Every cycle's, then its starts and stops apart, each beside the fresh calls' own.
    allCyclesP50: p50(all),
    startsP50: p50(all.filter((a) => a.what === 'start')),
    freshStartsP50: p50(fresh.filter((a) => a.what === 'start')),
    stopsP50: p50(all.filter((a) => a.what === 'stop')),
    freshStopsP50: p50(fresh.filter((a) => a.what === 'stop')),
    stateBytesAtEnd: Buffer.byteLength(JSON.stringify(state.data)),
    sync429: throttled,
  };
}

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i < 0 ? undefined : argv[i + 1];
}

export async function sustained(em: RunningEmulator, fxs: RunningFunctions[], argv: string[]) {
  const rates = (option(argv, '--rates') ?? '10,15,20').split(',').map(Number);
  const seconds = Number(option(argv, '--seconds') ?? 60);
  const cycles = Number(option(argv, '--cycles') ?? 200);
  if (rates.some((r) => !(r > 0)) || !(seconds > 0) || !(cycles >= 10)) {
    throw new Error(
      '--rates takes calls per second, e.g. 10,15,20; --seconds a duration, e.g. 60; --cycles 10 or more',
    );
  }
  const runs = [];
  for (const rate of rates) {
    const run = await atRate(em, fxs, rate, seconds);
    console.log(`${rate} new calls/s for ${seconds} s: ${run.passed ? 'passed' : 'failed'}`);
    runs.push(run);
    if (!run.passed) break;
  }
  const ceiling = Math.max(0, ...runs.filter((r) => r.passed).map((r) => r.rate));
  return { ceiling, runs, longCall: await longCall(em, fxs, cycles, latencyOption(argv)) };
}
