// The Flex plugin's components (plugin-recording-controls) in Chromium, on a page that renders them as
// Flex does (Paste's Flex theme) and talks to the real Functions in twilio-run on the emulator: the
// agent's button in each state, an agent's click pausing the emulator's recording, the supervisors'
// Recordings view and Teams column. Pictures for docs/flex-plugin.md; axe-core on both pages.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { seriousAxeFindings, startBrowser, type RunningBrowser } from '../../harness/browser';
import { newCall } from '../../harness/calls';
import { invoke } from '../../harness/functions';
import { ROOT, useStack } from '../../harness/stack';
import { EMULATOR_WORKSPACE_SID, flexUser, giveTask } from '../../harness/taskrouter';

const PLUGIN = join(ROOT, 'plugin-recording-controls');
const ALERT_SECONDS = 3;
const stack = useStack({
  TASKROUTER_WORKSPACE_SID: EMULATOR_WORKSPACE_SID,
  PAUSE_ALERT_SECONDS: String(ALERT_SECONDS),
});
const FLOW = { FlowSid: 'FW' + 'c'.repeat(32), ExecutionSid: 'FN' + 'd'.repeat(32) };

/** The README's pictures: renewed with UPDATE_SCREENSHOT=1, so that a test run leaves the work tree as it was. */
const picture = (name: string) => join(ROOT, process.env.UPDATE_SCREENSHOT === '1' ? 'docs' : 'dist', name);

let browser: RunningBrowser;
let page: Page;
let server: Server;
let origin: string;
let bundle: string;
let pageConfig: object = {};

beforeAll(async () => {
  const built = await build({
    entryPoints: [join(PLUGIN, 'test-page/page.tsx')],
    bundle: true,
    write: false,
    format: 'iife',
    jsx: 'transform',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  bundle = built.outputFiles[0].text;
  // The page and the Functions from one origin: deployed, the Functions answer Flex's origin (CORS).
  server = createServer(async (req, res) => {
    if (req.url === '/page.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    if (req.url === '/') {
      return res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Recording controls in Flex</title></head>` +
            `<body><div id="root"></div><script>window.PAGE_CONFIG=${JSON.stringify(pageConfig)}</script>` +
            `<script src="/page.js"></script></body></html>`,
        );
    }
    // Functions that cannot be reached: the connection drops with no answer.
    if (req.url?.startsWith('/unreachable/')) return req.socket.destroy();
    if (req.url?.startsWith('/fx/')) {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      try {
        const answer = await fetch(stack.fx.url + req.url.slice('/fx'.length), {
          method: req.method,
          headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
          body: Buffer.concat(chunks),
        });
        return res
          .writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' })
          .end(Buffer.from(await answer.arrayBuffer()));
      } catch {
        // twilio-run stopped under a page still polling (after the tests): no answer, as when unreachable.
        return req.socket.destroy();
      }
    }
    return res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await startBrowser();
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((ok) => server?.close(ok));
});

async function open(config: object) {
  pageConfig = config;
  await page.goto(origin + '/');
}

const axeFindings = () => seriousAxeFindings(page);

async function worker(name: string) {
  const created = await stack.em.client.taskrouter.v1.workspaces(EMULATOR_WORKSPACE_SID).workers.create({
    friendlyName: name,
  });
  return created.sid;
}

async function recordedCall() {
  const call = await newCall(stack.em.client);
  await stack.em.client.calls(call.sid).recordings.create();
  return call.sid;
}

const twilioStatus = async (callSid: string) => (await stack.em.client.calls(callSid).recordings.list())[0].status;

const card = (sid: string) => page.locator(`[data-task="${sid}"]`);
const stateOf = (sid: string) => card(sid).locator('[data-testid="recording-controls"]');
async function clickTo(sid: string, state: string) {
  await card(sid).getByRole('button').click();
  await stateOf(sid)
    .and(page.locator(`[data-state="${state}"]`))
    .waitFor({ timeout: 10_000 });
}

const agentName = 'Alice Agent';
const calls: Record<string, string> = {};

const waitForState = (sid: string, state: string) =>
  stateOf(sid)
    .and(page.locator(`[data-state="${state}"]`))
    .waitFor({ timeout: 10_000 });

test("the agent's button in every state, read before anything is pressed; a click pauses the emulator's recording through the Functions", async () => {
  const alice = await flexUser(stack.em, 'alice@example.com', { workerSid: await worker(agentName) });
  for (const name of ['recording', 'mine', 'flow', 'flowFirst', 'forgotten', 'unknown']) {
    calls[name] = await recordedCall();
    await giveTask(stack.em, alice.worker_sid!, { callSid: calls[name] });
  }
  calls.notRecorded = (await newCall(stack.em.client)).sid;
  await giveTask(stack.em, alice.worker_sid!, { callSid: calls.notRecorded });
  calls.notMine = await recordedCall();
  // The payment flow paused this one before the agent's canvas opened.
  await invoke(stack.fx, '/recording/set-status', { CallSid: calls.flowFirst, Status: 'pause', ...FLOW });
  const fx = `${origin}/fx`;
  const task = (sid: string, label: string, extra: object = {}) => ({
    sid,
    label,
    callSid: calls[sid],
    functionsUrl: fx,
    alertSeconds: 600,
    ...extra,
  });
  await open({
    view: 'agent',
    token: alice.token,
    alertSeconds: 600,
    statusEveryMs: 500,
    workers: [],
    tasks: [
      task('notRecorded', 'Not recorded'),
      task('recording', 'Recording'),
      task('mine', 'Paused by the agent'),
      task('forgotten', 'A forgotten pause', { alertSeconds: ALERT_SECONDS }),
      task('flowFirst', 'Paused by a flow before the canvas opened'),
      task('flow', 'Paused by a flow after the agent'),
      task('notMine', 'A refusal (not their task)'),
      task('unknown', 'Functions unreachable', { functionsUrl: `${origin}/unreachable` }),
    ],
  });

  // Each button reads its call's state as it appears: a flow's pause is locked before any click, named.
  await waitForState('notRecorded', 'not-recording');
  await waitForState('recording', 'recording');
  await waitForState('flowFirst', 'locked');
  await expect(stateOf('flowFirst').getByRole('status').textContent()).resolves.toContain(
    `Paused by the payment flow: only a supervisor can resumePaused by flow ${FLOW.FlowSid}`,
  );
  await expect(card('flowFirst').getByRole('button').textContent()).resolves.toBe('Try to resume');
  await clickTo('flowFirst', 'locked');
  expect(await twilioStatus(calls.flowFirst)).toBe('paused');

  // The click that matters: Twilio's recording (the emulator's) is paused through /agent/set-status.
  expect(await twilioStatus(calls.mine)).toBe('in-progress');
  await waitForState('mine', 'recording');
  await clickTo('mine', 'paused-by-me');
  expect(await twilioStatus(calls.mine)).toBe('paused');
  await expect(card('mine').getByRole('button').textContent()).resolves.toBe('Resume recording');

  await clickTo('recording', 'paused-by-me');
  await clickTo('recording', 'recording');
  expect(await twilioStatus(calls.recording)).toBe('in-progress');

  await waitForState('forgotten', 'recording');
  await clickTo('forgotten', 'paused-by-me');
  await card('forgotten')
    .getByTestId('recording-reminder')
    .waitFor({ timeout: (ALERT_SECONDS + 5) * 1000 });

  // The agent paused, then the payment flow paused for its card capture (the latest pause is the flow's):
  // the next read locks the button, naming the holder, with nothing pressed; a resume is refused.
  await waitForState('flow', 'recording');
  await clickTo('flow', 'paused-by-me');
  await invoke(stack.fx, '/recording/set-status', { CallSid: calls.flow, Status: 'pause', ...FLOW });
  await waitForState('flow', 'locked');
  await clickTo('flow', 'locked');
  await expect(stateOf('flow').getByRole('status').textContent()).resolves.toContain(
    'Paused by the payment flow: only a supervisor can resume',
  );
  expect(await twilioStatus(calls.flow)).toBe('paused');

  await clickTo('notMine', 'error');
  await expect(stateOf('notMine').getByRole('status').textContent()).resolves.toMatch(/NOT_YOUR_TASK/);
  expect(await twilioStatus(calls.notMine)).toBe('in-progress');

  await clickTo('unknown', 'unknown');
  await expect(stateOf('unknown').getByRole('status').textContent()).resolves.toContain('Recording state unknown');

  await page.screenshot({ path: picture('flex-plugin-agent.png'), fullPage: true });
  expect(await axeFindings()).toEqual([]);
});

test("the supervisors' Recordings view: signed in with the Flex token, a flow's pause lifted only with a reason; the Teams column", async () => {
  const sam = await flexUser(stack.em, 'sam@example.com', { roles: ['agent', 'supervisor'] });
  await open({
    view: 'supervisor',
    token: sam.token,
    alertSeconds: ALERT_SECONDS,
    workers: [agentName, 'Bob Idle'],
    tasks: [{ sid: 'none', label: '', callSid: '', functionsUrl: `${origin}/fx` }],
  });
  const row = (sid: string) => page.getByTestId(`call-${sid}`);
  await row(calls.flow).waitFor({ timeout: 10_000 });
  // The forgotten pause is past ALERT_SECONDS (the flow's may be too, on a slow machine: not checked).
  await expect(row(calls.forgotten).textContent()).resolves.toMatch(/Paused too long/);
  await expect(row(calls.flow).textContent()).resolves.toMatch(/Paused.*flow FW/);
  await expect(row(calls.recording).textContent()).resolves.toMatch(/Recording/);
  await expect(page.locator(`[data-worker="${agentName}"]`).textContent()).resolves.toMatch(/Paused/);
  await expect(page.locator('[data-worker="Bob Idle"]').textContent()).resolves.toMatch(/No call/);

  await row(calls.flow).getByRole('button', { name: 'Resume recording' }).click();
  await row(calls.flow).getByRole('alert').waitFor();
  await expect(row(calls.flow).getByRole('alert').textContent()).resolves.toMatch(/^REASON_/);
  expect(await twilioStatus(calls.flow)).toBe('paused');
  await row(calls.flow)
    .getByLabel(/Reason to lift the pause/)
    .fill('Customer asked to record the complaint');
  await page.screenshot({ path: picture('flex-plugin-supervisor.png'), fullPage: true });
  expect(await axeFindings()).toEqual([]);

  await row(calls.flow).getByRole('button', { name: 'Resume with this reason' }).click();
  await row(calls.flow)
    .getByLabel(/Reason to lift the pause/)
    .waitFor({ state: 'detached', timeout: 10_000 });
  expect(await twilioStatus(calls.flow)).toBe('in-progress');
});
