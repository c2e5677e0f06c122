// A burst at account scale: controls on many calls at once, Twilio capping the account's requests in
// flight (429, 20429, Retry-After) and answering every request in `latencyMs`. Every control must
// succeed inside Twilio's 10 s Function limit.
import { newCall } from '../harness/calls';
import { setLatency } from '../harness/functions';
import type { RunningEmulator, RunningFunctions } from '../harness/stack';
import { ANSWER_DEADLINE_MS, percentiles, post, round } from './measure';

export async function burst(
  em: RunningEmulator,
  fxs: RunningFunctions[],
  options: { calls: number; cap: number; latencyMs: number },
) {
  const calls = await Promise.all(Array.from({ length: options.calls }, () => newCall(em.client)));
  // Each call is being recorded, and Sync knows it, before the burst.
  for (let i = 0; i < calls.length; i += 50) {
    await Promise.all(
      calls.slice(i, i + 50).map((call, j) => post(fxs[j % fxs.length], '/recording/start', { CallSid: call.sid })),
    );
  }
  await em.control('GET', '/callbacks/idle');
  await setLatency(em, { voice: options.latencyMs, sync: options.latencyMs });
  await em.control('POST', '/limits', { concurrentRequests: options.cap });
  const answers: Array<{ ok: boolean; ms: number; code?: string }> = [];
  try {
    await Promise.all(
      calls.map(async (call, i) => {
        const start = performance.now();
        try {
          const res = await fetch(fxs[i % fxs.length].url + '/recording/set-status', {
            method: 'POST',
            body: new URLSearchParams({ CallSid: call.sid, Status: 'pause', PauseBehavior: 'skip' }),
            signal: AbortSignal.timeout(ANSWER_DEADLINE_MS),
          });
          const body = (await res.json()) as { error?: { code: string } };
          answers.push({ ok: res.status === 200, ms: performance.now() - start, code: body.error?.code });
        } catch {
          answers.push({ ok: false, ms: performance.now() - start, code: 'NO_ANSWER' });
        }
      }),
    );
  } finally {
    await em.control('POST', '/limits', { concurrentRequests: 0 });
    await setLatency(em, { voice: 0, sync: 0 });
  }
  const paused = (await Promise.all(calls.map((c) => em.client.calls(c.sid).recordings.list()))).filter(
    (r) => r[0]?.status === 'paused',
  ).length;
  const times = percentiles(answers.map((a) => a.ms));
  return {
    controls: options.calls,
    accountCap: options.cap,
    latencyMs: options.latencyMs,
    succeeded: answers.filter((a) => a.ok).length,
    failures: Object.fromEntries(
      [...new Set(answers.flatMap((a) => (a.ok ? [] : [a.code ?? 'unknown'])))].map((code) => [
        code,
        answers.filter((a) => a.code === code).length,
      ]),
    ),
    pausedOnTwilio: paused,
    p50: times.p50,
    p95: times.p95,
    p99: times.p99,
    worst: round(Math.max(...answers.map((a) => a.ms))),
  };
}
