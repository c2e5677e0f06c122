// `npm run bench`: the console, its list Function at a floor's scale with Twilio's round trips, and its page in Chromium.
import { readFileSync } from 'node:fs';
import { startBrowser } from '../harness/browser';
import { newCall } from '../harness/calls';
import { counters, servedRequests, setLatency } from '../harness/functions';
import {
  startEmulator,
  startEmulatorProcess,
  startFunctions,
  type EmulatorEndpoint,
  type RunningFunctions,
} from '../harness/stack';
import { emptyDocument, type RecordingDocument } from '../lib/model/recording-state';
import { indexCall } from '../lib/sync/console-index';
import { ANSWER_DEADLINE_MS, percentiles, post, round, timed } from './measure';

const PASSWORD = 'bench-console-password';
/** The goal (issue 33): every answer of /console/calls within 2 s at p95, with 5 consoles open. */
export const CONSOLE_GOAL_P95_MS = 2000;
export const CONSOLES = 5;
/** Twilio's round trips the console is measured with: Voice 150 ms, Sync 80 ms a request. */
const LATENCY = { voice: 150, sync: 80 };
/** How often the page asks for the full list instead of what changed (assets/console/console.js). */
export const FULL_EVERY = 15;
/** Calls whose state changes each second meanwhile (pauses and resumes elsewhere on the floor). */
const CHANGES_PER_SECOND = 10;

/** The Functions process's CPU time so far (Linux: utime + stime, in ticks of 10 ms): a figure the machine's load does not inflate. */
function cpuMs(fx: RunningFunctions): number {
  const fields = readFileSync(`/proc/${fx.process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function signIn(fx: RunningFunctions): Promise<string> {
  const login = await fetch(fx.url + '/console/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ Password: PASSWORD, Name: 'Bench Admin' }),
    signal: AbortSignal.timeout(ANSWER_DEADLINE_MS),
  });
  const { token } = (await login.json()) as { token?: string };
  if (!token) throw new Error(`/console/login answered ${login.status}`);
  return token;
}

interface ListAnswer {
  calls: Array<{ sid: string }>;
  total: number;
  cursor: string;
}

async function list(fx: RunningFunctions, token: string, since?: string) {
  const res = await fetch(fx.url + '/console/calls', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ Token: token, ...(since ? { Since: since } : {}) }),
    signal: AbortSignal.timeout(ANSWER_DEADLINE_MS),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/console/calls answered ${res.status}: ${text.slice(0, 200)}`);
  return { answer: JSON.parse(text) as ListAnswer, bytes: Buffer.byteLength(text) };
}

/** A state as a started call's: one recording in progress, started by an API request. */
function recordingState(sid: string, i: number, status: 'in-progress' | 'paused'): RecordingDocument {
  const recordingSid = 'RE' + i.toString(16).padStart(32, '0');
  const at = new Date().toISOString();
  return {
    ...emptyDocument(sid),
    recordings: { [recordingSid]: { status, at: { [status]: at } } },
    history: [{ at, action: status === 'paused' ? 'paused (skip)' : 'start', recordingSid, by: 'http' }],
  };
}

/**
 * `count` live calls on the emulator, each with its summary in the console's index as the Functions
 * write it (the calls' own Maps are not made: the list never reads them).
 */
async function floor(em: EmulatorEndpoint, count: number): Promise<string[]> {
  await em.control('POST', '/limits', { syncWritesPerSecond: 0, syncReadsPerSecond: 0, syncCreationsPerSecond: 0 });
  await em.control('POST', '/settings', { answerDelayMs: 0 });
  const sids: string[] = new Array(count);
  let next = 0;
  const sync = { serviceSid: 'default', ttlSeconds: 86400 };
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < count) {
        const i = next++;
        const call = await em.client.calls.create({
          to: '+1500555' + String(i).padStart(4, '0'),
          from: '+15005550001',
          twiml: '<Response><Pause length="3600"/></Response>',
        });
        sids[i] = call.sid;
        await indexCall(em.client, sync, call.sid, recordingState(call.sid, i, 'in-progress'), true);
      }
    }),
  );
  await em.control('POST', '/limits', { syncWritesPerSecond: 20, syncReadsPerSecond: 20, syncCreationsPerSecond: 20 });
  return sids;
}

/** One size of floor: 5 consoles refreshing as the page does (every 2 s, what changed, the full list every 15th). */
async function atScale(count: number, refreshes: number) {
  // Twilio's side in a process of its own: its CPU is not the bench's timers' or the consoles' (on Twilio it runs elsewhere).
  const em = await startEmulatorProcess();
  const fx = await startFunctions(em.url, { ADMIN_PASSWORD: PASSWORD });
  try {
    const sids = await floor(em, count);
    const live = await em.client.calls.list({ status: 'in-progress', pageSize: 1000 });
    if (live.length < count) throw new Error(`only ${live.length} of ${count} calls are in progress`);
    const tokens: string[] = [];
    // One at a time: sign-in checks one password at a time across instances (sync/console-state).
    for (let c = 0; c < CONSOLES; c++) tokens.push(await signIn(fx));
    await setLatency(em, LATENCY);
    const started = performance.timeOrigin + performance.now();

    // What one refresh costs, alone: a full list, then what changed.
    const before = await counters(em);
    const full = await list(fx, tokens[0]);
    const mid = await counters(em);
    await new Promise((r) => setTimeout(r, 2100)); // past the 2 s a process shares its reading of the index (controls/tracked-calls)
    const delta = await list(fx, tokens[0], full.answer.cursor);
    const after = await counters(em);
    if (full.answer.calls.length !== count || full.answer.total !== count)
      throw new Error(`/console/calls listed ${full.answer.calls.length} of ${count} calls`);

    // Meanwhile, calls change: their summaries written as a pause's would be.
    let changing = true;
    const changes = (async () => {
      const sync = { serviceSid: 'default', ttlSeconds: 86400 };
      for (let n = 0; changing; n++) {
        const i = Math.floor(Math.random() * count);
        await indexCall(em.client, sync, sids[i], recordingState(sids[i], i, n % 2 ? 'in-progress' : 'paused'), false);
        await new Promise((r) => setTimeout(r, 1000 / CHANGES_PER_SECOND));
      }
    })();
    const cpuBefore = cpuMs(fx);
    const times: number[] = [];
    const fullTimes: number[] = [];
    const deltaBytes: number[] = [];
    const failures: string[] = [];
    await Promise.all(
      tokens.map(async (token, c) => {
        await new Promise((r) => setTimeout(r, (c * 2000) / CONSOLES)); // tabs opened at different moments
        let cursor: string | undefined;
        for (let i = 0; i < refreshes; i++) {
          const since = i % FULL_EVERY === 0 ? undefined : cursor;
          const t0 = performance.now();
          try {
            const { answer, bytes } = await list(fx, token, since);
            if (since) deltaBytes.push(bytes);
            if (answer.total !== count) throw new Error(`counted ${answer.total} of ${count} calls`);
            cursor = answer.cursor;
          } catch (err) {
            // A refused or late answer counts, with its time: the figures say how many, and the check fails.
            failures.push((err as Error).message.slice(0, 120));
            cursor = undefined;
          }
          const ms = performance.now() - t0;
          times.push(ms);
          if (!since) fullTimes.push(ms);
          await new Promise((r) => setTimeout(r, Math.max(0, 2000 - ms)));
        }
      }),
    );
    const cpu = cpuMs(fx) - cpuBefore;
    changing = false;
    await changes;
    const syncRefusals = (await servedRequests(em)).filter(
      (r) => r.status === 429 && r.startedAt >= started && r.path.startsWith('/v1/Services'),
    ).length;
    const requests = (from: typeof before, to: typeof before) => to.total - from.total;
    const p = percentiles(times);
    return {
      liveCalls: count,
      consoles: CONSOLES,
      refreshes: times.length,
      p50Ms: p.p50,
      p95Ms: p.p95,
      worstMs: round(Math.max(...times)),
      fullListP95Ms: percentiles(fullTimes).p95,
      fullListKB: round(full.bytes / 1024),
      refreshKB: round(percentiles(deltaBytes.length ? deltaBytes : [delta.bytes]).p50 / 1024),
      twilioRequestsFullList: requests(before, mid),
      twilioRequestsRefresh: requests(mid, after),
      syncRefusals,
      failedAnswers: failures.length,
      functionsCpuMsPerRefresh: round(cpu / times.length),
    };
  } finally {
    await fx.stop();
    await em.close();
  }
}

/** `/console/calls` at 200, 1,000 and 5,000 live calls with Twilio's round trips, 5 consoles at once. */
export async function consoleAtScale(quick: boolean) {
  const rows = [];
  // The quick run (CI's, twice) stops at 1,000: 5,000 live calls take minutes to seed on 2 cores.
  for (const count of quick ? [200, 1000] : [200, 1000, 5000]) {
    console.error(`console: ${count} live calls, ${CONSOLES} consoles…`);
    rows.push(await atScale(count, quick ? 4 : 20));
  }
  return { latencyMs: LATENCY, goalP95Ms: CONSOLE_GOAL_P95_MS, rows };
}

/** The page in Chromium with 200 live calls tracked, signed in: from navigation to the counts and the first page drawn. */
export async function consolePage(quick: boolean) {
  const em = await startEmulator();
  const fx = await startFunctions(em.url, { ADMIN_PASSWORD: PASSWORD });
  try {
    const calls = await Promise.all(Array.from({ length: 200 }, () => newCall(em.client)));
    for (const call of calls) await post(fx, '/recording/start', { CallSid: call.sid });
    await em.control('GET', '/callbacks/idle');
    const token = await signIn(fx);
    try {
      const browser = await startBrowser();
      try {
        const page = await browser.context.newPage();
        await page.goto(`${fx.url}/console/index.html`);
        await page.evaluate(
          (t) =>
            (
              globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }
            ).sessionStorage.setItem('console-token', t),
          token,
        );
        const loads: number[] = [];
        for (let i = 0; i < (quick ? 3 : 10); i++) {
          loads.push(
            await timed(async () => {
              await page.reload();
              await page.locator('#count-all', { hasText: '200' }).waitFor();
              await page.locator('#calls-table tbody.call').first().waitFor();
            }),
          );
        }
        return { trackedCalls: 200, pageLoadMs: percentiles(loads) };
      } finally {
        await browser.close();
      }
    } catch (err) {
      return { trackedCalls: 200, pageLoadMs: `not measured: ${(err as Error).message.split('\n')[0]}` };
    }
  } finally {
    await fx.stop();
    await em.close();
  }
}
