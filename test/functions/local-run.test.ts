// What a local run may use and nothing else may: the emulator's address (loopback, local runs only), its
// placeholder credentials (never sent to Twilio), PUBLIC_BASE_URL for a real account's callbacks; and
// answers that say what happened without internal addresses.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newCall } from '../../harness/calls';
import { callbacksIdle, counters, invoke, syncDocument } from '../../harness/functions';
import { Deadline } from '../../lib/twilio/deadline';
import { ownUrl, type FunctionContext } from '../../lib/env';
import { twilioClient } from '../../lib/twilio/client';
import { startEmulator, startFunctions, useStack, type RunningFunctions } from '../../harness/stack';

const stack = useStack();

const listen = async (server: Server) => {
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const close = (server: Server) => new Promise((ok) => server.close(ok));

/**
 * A proxy that lets nothing through: given to the Functions as HTTP_PROXY (which the twilio library
 * honours), it records every request meant for Twilio's own hosts, so none leaves this machine.
 */
async function proxyTrap() {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(403).end();
  });
  server.on('connect', (req, socket) => {
    seen.push(req.url ?? '');
    // The Functions may hang up first (ECONNRESET): no listener would crash the suite.
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  return { url: await listen(server), seen, close: () => close(server) };
}

async function withFunctions(
  env: Record<string, string>,
  body: (fx: RunningFunctions) => Promise<void>,
  emulatorUrl = stack.em.url,
) {
  const fx = await startFunctions(emulatorUrl, env);
  try {
    await body(fx);
  } finally {
    await fx.stop();
  }
}

test("the emulator's placeholder credentials without the emulator: a clear error saying to use npm start, and Twilio is not called", async () => {
  const trap = await proxyTrap();
  try {
    await withFunctions({ TWILIO_API_BASE_URL: '', HTTP_PROXY: trap.url }, async (fx) => {
      for (const [path, params] of [
        ['/recording/start', { CallSid: 'CA' + '1'.repeat(32) }],
        ['/recording/set-status', { CallSid: 'CA' + '1'.repeat(32), Status: 'pause' }],
        ['/recording/status', { CallSid: 'CA' + '1'.repeat(32) }],
        ['/conference/recording/set-status', { ConferenceSid: 'CF' + '1'.repeat(32), Status: 'pause' }],
      ] as const) {
        const res = await invoke(fx, path, params);
        expect(res).toMatchObject({ status: 500, body: { error: { code: 'INVALID_CONFIGURATION' } } });
        expect((res.body as { error: { message: string } }).error.message).toMatch(
          /emulator's placeholder, but no emulator runs for these Functions: start the toolkit with `npm start`/,
        );
      }
      const twiml = await invoke(fx, '/recording/start', { CallSid: 'CA' + '1'.repeat(32), Next: '/next' });
      expect(twiml.body).toContain('<Redirect method="POST">/next?error=INVALID_CONFIGURATION</Redirect>');
    });
    expect(trap.seen).toEqual([]);

    // The trap does see a Function that calls Twilio (real-looking credentials): the check above can fail.
    await withFunctions(
      { TWILIO_API_BASE_URL: '', HTTP_PROXY: trap.url, ACCOUNT_SID: 'AC' + 'a'.repeat(32), AUTH_TOKEN: 'b'.repeat(32) },
      async (fx) => {
        const res = await invoke(fx, '/recording/status', { CallSid: 'CA' + '1'.repeat(32) });
        expect(res.status).toBeGreaterThanOrEqual(500);
      },
    );
    expect(trap.seen.join(' ')).toMatch(/twilio\.com/);
  } finally {
    await trap.close();
  }
});

test("the emulator's address is honoured on loopback only: another address is refused before any request", async () => {
  const before = (await counters(stack.em)).total;
  // 0.0.0.0 reaches this machine too, so a Function that wrongly honoured it would reach the emulator.
  const elsewhere = stack.em.url.replace('127.0.0.1', '0.0.0.0');
  await withFunctions(
    {},
    async (fx) => {
      const res = await invoke(fx, '/recording/status', { CallSid: 'CA' + '1'.repeat(32) });
      expect(res).toMatchObject({ status: 500, body: { error: { code: 'INVALID_CONFIGURATION' } } });
      expect((res.body as { error: { message: string } }).error.message).toContain(
        'TWILIO_API_BASE_URL is set, but it is honoured only in a local run and only with a loopback address',
      );
    },
    elsewhere,
  );
  expect((await counters(stack.em)).total).toBe(before);
});

test("deployed (a twil.io domain), the emulator's address is refused even on loopback, and PUBLIC_BASE_URL is ignored", () => {
  // No twilio-run serves another domain, so the library is asked directly, as the Functions ask it.
  const deployed = {
    DOMAIN_NAME: 'recording-controls-1234-dev.twil.io',
    ACCOUNT_SID: 'AC' + 'a'.repeat(32),
    AUTH_TOKEN: 'b'.repeat(32),
    TWILIO_API_BASE_URL: 'http://127.0.0.1:3010',
    PUBLIC_BASE_URL: 'https://rc-test.example.com',
    getTwilioClient: () => {
      throw new Error('no client may be made');
    },
  } as unknown as FunctionContext;
  expect(() => twilioClient(deployed, Deadline.fromArrival(Date.now()))).toThrow(
    expect.objectContaining({ status: 500, code: 'INVALID_CONFIGURATION' }),
  );
  expect(ownUrl(deployed, '/callbacks/recording-status')).toBe(
    'https://recording-controls-1234-dev.twil.io/callbacks/recording-status',
  );
});

test('Twilio unreachable: the answer names no internal address; the log keeps the cause', async () => {
  await withFunctions(
    {},
    async (fx) => {
      const res = await invoke(fx, '/recording/start', { CallSid: 'CA' + '1'.repeat(32) });
      expect(res).toMatchObject({ status: 502, body: { error: { code: 'TWILIO_UNREACHABLE' } } });
      const message = (res.body as { error: { message: string } }).error.message;
      expect(message).toMatch(new RegExp(`^Twilio could not be reached for .*call CA${'1'.repeat(32)}; try again$`));
      expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|:9\b/);
      expect(await fx.settledOutput()).toContain('ECONNREFUSED');
    },
    'http://127.0.0.1:9',
  ); // nothing listens on port 9
});

test('a failed create that was not retried does not say it was', async () => {
  const call = await newCall(stack.em.client);
  // The start claim's create (the first item of the call's Map): a POST that creates is never sent twice blindly.
  await stack.em.control('POST', '/faults', { kind: '500', count: 1, match: '/Items', method: 'POST', field: 'claim' });
  try {
    const res = await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
    expect(res).toMatchObject({ status: 502, body: { error: { code: 'TWILIO_UNAVAILABLE' } } });
    const message = (res.body as { error: { message: string } }).error.message;
    expect(message).toContain('Twilio failed (HTTP 500)');
    expect(message).not.toMatch(/retried|retries/);
  } finally {
    await stack.em.control('DELETE', '/faults');
  }
});

test('starting on an ended call says the call is not in progress, and does not suggest /recording/start', async () => {
  const call = await newCall(stack.em.client);
  await stack.em.client.calls(call.sid).update({ status: 'completed' });
  const res = await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  expect(res).toMatchObject({ status: 409, body: { error: { code: 'NOT_IN_PROGRESS', twilioCode: 21220 } } });
  const message = (res.body as { error: { message: string } }).error.message;
  expect(message).toContain(`Twilio cannot record call ${call.sid}: a call is recorded only while it is in progress`);
  expect(message).not.toContain('/recording/start');
});

test('status of a call Sync never heard of: not-recording, known false; once controlled, known true', async () => {
  const call = await newCall(stack.em.client);
  expect((await invoke(stack.fx, '/recording/status', { CallSid: call.sid })).body).toMatchObject({
    status: 'not-recording',
    known: false,
  });
  await invoke(stack.fx, '/recording/start', { CallSid: call.sid });
  expect((await invoke(stack.fx, '/recording/status', { CallSid: call.sid })).body).toMatchObject({
    status: 'recording',
    known: true,
  });
});

test("PUBLIC_BASE_URL: a local run's default callbacks go there, and their signatures are checked against it", async () => {
  // A tunnel, as ngrok's would be: Twilio (the emulator) calls it, it forwards to twilio-run.
  let target = '';
  const tunnel = createServer((req, res) => {
    const upstream = request(target + req.url, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    // twilio-run stopped under a callback in flight: the tunnel answers nothing, as a dead tunnel would.
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  const publicUrl = await listen(tunnel);
  const em = await startEmulator();
  try {
    await withFunctions(
      { PUBLIC_BASE_URL: `${publicUrl}/` },
      async (fx) => {
        target = fx.url;
        const call = await newCall(em.client);
        const start = await invoke(fx, '/recording/start', { CallSid: call.sid });
        expect(start.status).toBe(200);
        await em.client.calls(call.sid).update({ status: 'completed' });
        await callbacksIdle(em);
        const { callbacks } = await em.control<{
          callbacks: Array<{ url: string; status: number; params: Record<string, string> }>;
        }>('GET', '/callbacks');
        expect(callbacks.map((c) => [c.url, c.params.RecordingStatus, c.status])).toEqual([
          [`${publicUrl}/callbacks/recording-status`, 'in-progress', 204],
          [`${publicUrl}/callbacks/recording-status`, 'completed', 204],
        ]);
        expect((await syncDocument(em, call.sid))?.recordings[start.body.recordingSid as string]).toMatchObject({
          status: 'completed',
        });
      },
      em.url,
    );
  } finally {
    await em.close();
    await close(tunnel);
  }
});
