// The console in a real Chromium against the Functions in twilio-run and the emulator, as `npm start` runs them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Segment } from '../../lib/model/evidence';
import { EvidenceLog } from '../../lib/sync/evidence-log';
import { CONSOLE_TOKEN_TTL_MS, issueConsoleToken } from '../../lib/runtime/console-auth';
import type { FunctionContext } from '../../lib/env';
import { startBrowser, type RunningBrowser } from '../../harness/browser';
import { newCall } from '../../harness/calls';
import { callbacksIdle, counters, invoke, writeState } from '../../harness/functions';
import { ACCOUNT_SID, AUTH_TOKEN, ROOT, useStack } from '../../harness/stack';

const PASSWORD = 'console test password';
const HOSTILE = '<img src=x onerror="window.__xss=1"><b>bold</b>';
const stack = useStack({ ADMIN_PASSWORD: PASSWORD });
let browser: RunningBrowser;
let page: Page;

beforeAll(async () => {
  browser = await startBrowser();
  page = await browser.context.newPage();
});
afterAll(async () => {
  await browser?.close();
});

const row = (sid: string) => page.locator(`li.call[data-sid="${sid}"]`);
const recordingStatus = async (callSid: string) => (await stack.em.client.calls(callSid).recordings.list())[0].status;

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function signIn(password: string) {
  await page.goto(`${stack.fx.url}/console/index.html`);
  await page.locator('#password').fill(password);
  await page.locator('#sign-in button[type=submit]').click();
}

test('sign in, see a live call, pause it, watch the timeline, resume, and export evidence that matches the emulator', async () => {
  const callSid = (await newCall(stack.em.client)).sid;
  expect((await invoke(stack.fx, '/recording/start', { CallSid: callSid })).status).toBe(200);
  const idleCall = (await newCall(stack.em.client)).sid;
  await invoke(stack.fx, '/recording/start', { CallSid: idleCall });
  await invoke(stack.fx, '/recording/set-status', { CallSid: idleCall, Status: 'stopped' });
  await callbacksIdle(stack.em);

  await signIn('wrong password');
  await page.getByText('Sign-in refused: Wrong password').waitFor();

  await signIn(PASSWORD);
  await row(callSid).waitFor();
  expect(await row(callSid).locator('.state').textContent()).toBe('Recording');
  expect(await row(idleCall).locator('.state').textContent()).toBe('Not recording');
  // Live first.
  const order = await page.locator('li.call').evaluateAll((els) => els.map((el) => el.getAttribute('data-sid')));
  expect(order.indexOf(callSid)).toBeLessThan(order.indexOf(idleCall));

  await row(callSid).locator('summary').click();
  await row(callSid).locator('svg rect[data-state="recorded"]').waitFor();
  expect(await row(callSid).locator('svg rect[data-state="paused"]').count()).toBe(0);

  await row(callSid)
    .getByRole('button', { name: `Pause (skip) ${callSid}` })
    .click();
  await row(callSid).locator('.state', { hasText: 'Paused' }).waitFor();
  expect(await recordingStatus(callSid)).toBe('paused');
  await row(callSid).locator('svg rect[data-state="paused"]').waitFor();
  expect(await row(callSid).locator('.result').textContent()).toMatch(
    /^Pause \(skip\): done, RE[0-9a-f]{32} is paused$/,
  );
  await row(callSid).locator('.changes', { hasText: 'paused (skip)' }).waitFor();
  expect(await row(callSid).locator('.changes').textContent()).toContain('by console:admin');
  await new Promise((r) => setTimeout(r, 1500));

  await row(callSid)
    .getByRole('button', { name: `Resume ${callSid}` })
    .click();
  await row(callSid).locator('.state', { hasText: 'Recording' }).waitFor();
  expect(await recordingStatus(callSid)).toBe('in-progress');
  await until(
    'the timeline',
    () => row(callSid).locator('svg rect[data-state="recorded"]').count(),
    (n) => n === 2,
  );
  // One more poll redraws the running stretch, for the picture in the README.
  await new Promise((r) => setTimeout(r, 2200));
  // The README's picture: renewed with UPDATE_SCREENSHOT=1, so that a test run leaves the work tree as it was.
  await page.screenshot({
    path: join(ROOT, process.env.UPDATE_SCREENSHOT === '1' ? 'docs/console.png' : 'dist/console.png'),
    fullPage: true,
  });

  const download = page.waitForEvent('download');
  await row(callSid).getByRole('button', { name: 'Export JSON' }).click();
  const file = await (await download).path();
  const evidence = JSON.parse(readFileSync(file, 'utf8')) as { callSid: string; segments: Segment[] };
  expect(evidence.callSid).toBe(callSid);
  expect(evidence.segments.map((s) => [s.state, s.pauseBehavior, s.by])).toEqual([
    ['recorded', undefined, 'http'],
    ['paused', 'skip', 'console:admin'],
    ['recorded', undefined, 'console:admin'],
  ]);
  // The emulator's side: one recording, now in progress, updated exactly once per change the evidence shows.
  const recordings = await stack.em.client.calls(callSid).recordings.list();
  expect(recordings.map((r) => [r.sid, r.status])).toEqual([[evidence.segments[0].recordingSid, 'in-progress']]);
  const updates = (await counters(stack.em)).routes[
    'POST /2010-04-01/Accounts/:AccountSid/Calls/:CallSid/Recordings/:Sid.json'
  ];
  // The idle call's stop, then this call's pause and resume.
  expect(updates).toBe(3);
  expect(
    evidence.segments.every((s, i) => i === 0 || Date.parse(s.from) >= Date.parse(evidence.segments[i - 1].from)),
  ).toBe(true);

  // The auditor's check from the page: inside the pause, then across its end.
  const pause = evidence.segments[1];
  const check = async (from: number, to: number) => {
    const form = row(callSid).locator('form.window-check');
    await form.getByLabel('From (UTC)').fill(new Date(from).toISOString());
    await form.getByLabel('To (UTC)').fill(new Date(to).toISOString());
    await form.locator('output').evaluate((el) => (el.textContent = ''));
    await form.getByRole('button', { name: 'Inside a pause?' }).click();
    await form.locator('output', { hasText: /^(Yes|No)/ }).waitFor();
    return form.locator('output').textContent();
  };
  expect(await check(Date.parse(pause.from) + 100, Date.parse(pause.to!) - 100)).toMatch(/^Yes/);
  expect(await check(Date.parse(pause.from) + 100, Date.parse(pause.to!) + 100)).toMatch(/^No/);
});

test('a caller field holding HTML shows as text, and no script runs', async () => {
  const sid = 'CA' + 'ab'.repeat(16);
  const recordingSid = 'RE' + 'cd'.repeat(16);
  const at = new Date().toISOString();
  await writeState(stack.em, sid, {
    sid,
    recordings: { [recordingSid]: { status: 'paused', at: { paused: at }, pauseBehavior: 'silence' } },
    history: [{ at, action: 'paused', recordingSid, by: HOSTILE }],
  });
  await new EvidenceLog(stack.em.client, { serviceSid: 'default', ttlSeconds: 600 }).append(sid, [
    { at, recordingSid, status: 'paused', action: 'paused', pauseBehavior: 'silence', by: HOSTILE, source: 'control' },
  ]);
  await page.goto(`${stack.fx.url}/console/index.html`);
  await row(sid).waitFor();
  await row(sid).locator('summary').click();
  await row(sid).locator('.changes li').waitFor();
  expect(await row(sid).locator('.last-change').textContent()).toContain(HOSTILE);
  expect(await row(sid).locator('.changes').textContent()).toContain(HOSTILE);
  expect(await row(sid).locator('img, b').count()).toBe(0);
  expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
});

test('an expired token sends the page back to sign-in', async () => {
  const expired = issueConsoleToken(
    { ACCOUNT_SID, AUTH_TOKEN, ADMIN_PASSWORD: PASSWORD } as unknown as FunctionContext,
    Date.now() - CONSOLE_TOKEN_TTL_MS - 1000,
  );
  await page.goto(`${stack.fx.url}/console/index.html`);
  await page.evaluate(
    (token) =>
      (
        globalThis as unknown as { sessionStorage: Map<string, string> & { setItem(k: string, v: string): void } }
      ).sessionStorage.setItem('console-token', token),
    expired.token,
  );
  await page.reload();
  await page.getByText('Your session has ended: sign in again.').waitFor();
  expect(await page.locator('#sign-in').isVisible()).toBe(true);
  expect(await page.locator('li.call').count()).toBe(0);
});
