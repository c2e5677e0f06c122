// The capture report page in a real Chromium, as an assessor would use it: a clean pay-by-phone call
// counted inside a proven pause, a forgetful app's capture listed as an exception with its reason, the
// console's row showing its captures, the page printable and axe-clean.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { seriousAxeFindings, startBrowser, type RunningBrowser } from '../../harness/browser';
import { callIn, finishedCall } from '../../harness/calls';
import { ROOT, useStack } from '../../harness/stack';
import { startWebhooks, type Webhooks } from '../../harness/webhooks';

const PASSWORD = 'report test password';
const stack = useStack({ ADMIN_PASSWORD: PASSWORD });
const picture = (name: string) => join(ROOT, process.env.UPDATE_SCREENSHOT === '1' ? 'docs' : 'dist', name);
let browser: RunningBrowser;
let page: Page;
let app: Webhooks;

beforeAll(async () => {
  browser = await startBrowser({ timezoneId: 'Europe/Berlin' });
  page = await browser.context.newPage();
  app = await startWebhooks({
    '/forgetful': () =>
      `<Response><Say>Hello</Say><Redirect method="POST">${stack.fx.url}/recording/start?Next=${encodeURIComponent(`${app.url}/pay`)}</Redirect></Response>`,
    '/pay': () =>
      `<Response><Pay statusCallback="${stack.fx.url}/callbacks/payment" action="${stack.fx.url}/callbacks/payment?Next=${encodeURIComponent(`${app.url}/done`)}"/></Response>`,
    '/done': () => '<Response><Hangup/></Response>',
  });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

test('a period with a clean capture and a forgetful one: the summary, the exception and its reason, printable', async () => {
  const clean = await callIn(stack.em, { Url: `${stack.fx.url}/examples/pay-by-phone`, inputs: [{ pay: 'success' }] });
  const forgetful = await callIn(stack.em, { Url: `${app.url}/forgetful`, inputs: [{ pay: 'success' }] });
  await finishedCall(stack.em, clean);
  await finishedCall(stack.em, forgetful);

  await page.goto(`${stack.fx.url}/console/index.html`);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#admin-name').fill('Ada Assessor');
  await page.locator('#sign-in button[type=submit]').click();
  await page.locator('#calls-section').waitFor();

  // The console's row shows the call's capture with its verdict.
  const row = page.locator(`tbody.call[data-sid="${clean}"]`);
  await row.locator('.open-details').click();
  await row.locator('.captures li', { hasText: 'inside a proven pause' }).waitFor();

  await page.getByRole('link', { name: 'Capture report' }).click();
  await page.getByRole('button', { name: 'Show the report' }).click();
  await page.locator('#report').waitFor();
  const summary = await page.locator('#summary').innerText();
  expect(summary).toMatch(/Captures\s+2/);
  expect(summary).toMatch(/Inside a proven pause\s+1/);
  expect(summary).toMatch(/Exceptions\s+1/);
  const exceptions = page.locator('#exceptions tbody tr');
  expect(await exceptions.count()).toBe(1);
  expect(await exceptions.first().innerText()).toContain(forgetful);
  expect(await exceptions.first().innerText()).toMatch(/recording RE[0-9a-f]{32} may have been recording/);
  expect(await page.locator('#rows tbody tr').count()).toBe(2);
  // No card data on the page, not even masked (the emulator's <Pay> posts xxxxxxxxxxxx1111, type visa).
  expect(await page.locator('body').innerText()).not.toMatch(/xxxx|1111|visa/i);

  await page.emulateMedia({ media: 'print' });
  expect(await page.locator('#period').isVisible()).toBe(false);
  await page.screenshot({ path: picture('console-report.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });

  expect(await seriousAxeFindings(page)).toEqual([]);
});
