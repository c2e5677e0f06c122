// The auth token stays secret: never in an answer, an error or a log; .env is never committed.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { ownUrl, type FunctionContext } from '../../lib/env';
import { newCall } from '../../harness/calls';
import { invoke } from '../../harness/functions';
import { ROOT, startEmulator, startFunctions } from '../../harness/stack';

test('.env is git-ignored and .env.example holds only the emulator placeholders', () => {
  expect(() => execFileSync('git', ['check-ignore', '-q', '.env'], { cwd: ROOT })).not.toThrow();
  const example = parseEnv(readFileSync(join(ROOT, '.env.example'), 'utf8'));
  expect(example.ACCOUNT_SID).toBe('AC' + '0'.repeat(32));
  expect(example.AUTH_TOKEN).toBe('emulator-auth-token-placeholder0');
  expect(Object.keys(example).sort()).toEqual([
    'ACCOUNT_SID',
    'ADMIN_PASSWORD',
    'AUTH_TOKEN',
    'PAUSE_ALERT_SECONDS',
    'PUBLIC_BASE_URL',
    'SYNC_DOCUMENT_TTL',
    'SYNC_SERVICE_SID',
    'TASKROUTER_WORKSPACE_SID',
  ]);
  expect(example.PUBLIC_BASE_URL).toBe('');
  // No password ships: password sign-in stays off until one is set.
  expect(example.ADMIN_PASSWORD).toBe('');
});

test('a deployment builds its callback URL from its own domain, over https', () => {
  const context = (domain: string) => ({ DOMAIN_NAME: domain }) as FunctionContext;
  expect(ownUrl(context('recording-controls-1234-dev.twil.io'), '/callbacks/recording-status')).toBe(
    'https://recording-controls-1234-dev.twil.io/callbacks/recording-status',
  );
  expect(ownUrl(context('localhost:3000'), '/x')).toBe('http://localhost:3000/x');
});

test('credentials Twilio refuses: a clear error, and the token appears in no answer and no log', async () => {
  const em = await startEmulator();
  const secret = 'f'.repeat(16) + 'secret-token-xyz';
  const fx = await startFunctions(em.url, { AUTH_TOKEN: secret });
  try {
    const call = await newCall(em.client);
    for (const [path, params] of [
      ['/recording/start', { CallSid: call.sid }],
      ['/recording/set-status', { CallSid: call.sid, Status: 'paused' }],
      ['/recording/status', { CallSid: call.sid }],
      ['/recording/set-status', { CallSid: call.sid, Status: 'paused', Next: '/next' }],
    ] as const) {
      const res = await invoke(fx, path, params);
      expect(JSON.stringify(res.body)).not.toContain(secret);
      if (!params.Next)
        expect(res).toMatchObject({ status: 500, body: { error: { code: 'TWILIO_AUTH_FAILED', twilioCode: 20003 } } });
    }
    expect(await fx.settledOutput()).not.toContain(secret);
  } finally {
    await fx.stop();
    await em.close();
  }
});
