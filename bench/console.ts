// `npm run bench`: the console, with 200 live calls tracked.
import { startBrowser } from '../harness/browser';
import { newCall } from '../harness/calls';
import { startEmulator, startFunctions } from '../harness/stack';
import { ANSWER_DEADLINE_MS, percentiles, post, timed } from './measure';

/**
 * The console with 200 live calls tracked: its list Function (p50/p95) and the page in Chromium, from
 * navigation to all 200 rows drawn (signed in already).
 */
export async function consoleBench(quick: boolean) {
  const em = await startEmulator();
  const password = 'bench-console-password';
  const fx = await startFunctions(em.url, { ADMIN_PASSWORD: password });
  try {
    const calls = await Promise.all(Array.from({ length: 200 }, () => newCall(em.client)));
    for (const call of calls) await post(fx, '/recording/start', { CallSid: call.sid });
    await em.control('GET', '/callbacks/idle');
    const login = await fetch(fx.url + '/console/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Password: password, Name: 'Test Admin' }),
      signal: AbortSignal.timeout(ANSWER_DEADLINE_MS),
    });
    const { token } = (await login.json()) as { token: string };
    const list: number[] = [];
    for (let i = 0; i < (quick ? 20 : 100); i++) {
      list.push(
        await timed(async () => {
          const res = await fetch(fx.url + '/console/calls', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ Token: token }),
            signal: AbortSignal.timeout(ANSWER_DEADLINE_MS),
          });
          const { calls: listed } = (await res.json()) as { calls: unknown[] };
          if (listed.length !== 200) throw new Error(`/console/calls listed ${listed.length} calls`);
        }),
      );
    }
    const listMs = percentiles(list);
    let pageLoadMs: ReturnType<typeof percentiles> | string;
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
              await page.locator('li.call').nth(199).waitFor();
            }),
          );
        }
        pageLoadMs = percentiles(loads);
      } finally {
        await browser.close();
      }
    } catch (err) {
      pageLoadMs = `not measured: ${(err as Error).message.split('\n')[0]}`;
    }
    return { trackedCalls: 200, listCallMs: { p50: listMs.p50, p95: listMs.p95 }, pageLoadTo200RowsMs: pageLoadMs };
  } finally {
    await fx.stop();
    await em.close();
  }
}
