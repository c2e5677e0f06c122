import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { adminPasswordProblem, type FunctionContext } from '../env';
import { ControlError, unauthorized } from '../errors';
import { personOf, type Person } from '../model/people';
import { sleep } from '../twilio/deadline';

/**
 * Who may use the console's Functions, and who they are for the evidence log: a console user holding a
 * token signed here after the ADMIN_PASSWORD login (Flex users: twilio/flex). Neither a password nor a
 * token is ever logged or echoed.
 */

/** A console sign-in lasts a working shift. */
export const CONSOLE_TOKEN_TTL_MS = 8 * 60 * 60 * 1000;
/** Slows password guessing: every wrong password waits this long before its answer. */
export const WRONG_PASSWORD_DELAY_MS = 1000;

/** Password sign-in exists only where ADMIN_PASSWORD is set, and long enough. */
export function requireConsole(context: FunctionContext): string {
  if (!context.ADMIN_PASSWORD)
    throw new ControlError(
      403,
      'CONSOLE_OFF',
      'The console is off: set ADMIN_PASSWORD in the environment to turn it on',
    );
  const problem = adminPasswordProblem(context.ADMIN_PASSWORD);
  if (problem) {
    console.error(`recording-controls: the console is off: ${problem}`);
    throw new ControlError(403, 'CONSOLE_OFF', `The console is off: ${problem}`);
  }
  return context.ADMIN_PASSWORD;
}

/**
 * The console tokens' key: derived from the auth token (as function-templates' admin pages do), the
 * account and the password, so that changing either the password or the auth token signs everyone out.
 */
function consoleKey(context: FunctionContext): Buffer {
  if (!context.AUTH_TOKEN || !context.ACCOUNT_SID)
    throw new ControlError(500, 'NOT_CONFIGURED', 'ACCOUNT_SID and AUTH_TOKEN must be set');
  return createHmac('sha256', context.AUTH_TOKEN)
    .update(`recording-controls console\n${context.ACCOUNT_SID}\n${requireConsole(context)}`)
    .digest();
}

const sign = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');
/** Equal-length digests, so the comparison takes the same time whatever the input. */
const sameText = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

export function issueConsoleToken(context: FunctionContext, now = Date.now()): { token: string; expiresAt: string } {
  const exp = now + CONSOLE_TOKEN_TTL_MS;
  const payload = Buffer.from(JSON.stringify({ sub: 'admin', acc: context.ACCOUNT_SID, exp })).toString('base64url');
  return { token: `${payload}.${sign(consoleKey(context), payload)}`, expiresAt: new Date(exp).toISOString() };
}

/** Exchanges the password for a token; a wrong one is answered only after a delay. */
export async function consoleLogin(context: FunctionContext, password: string | undefined) {
  const expected = requireConsole(context);
  if (!password || !sameText(password, expected)) {
    await sleep(WRONG_PASSWORD_DELAY_MS);
    throw unauthorized('Wrong password');
  }
  return issueConsoleToken(context);
}

/** The console user a token names, when this deployment signed it and it has not expired. */
export function verifyConsoleToken(context: FunctionContext, token: string | undefined, now = Date.now()): Person {
  const key = consoleKey(context);
  if (!token) throw unauthorized('Token is required: sign in at /console/login');
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined || !sameText(signature, sign(key, payload)))
    throw unauthorized('Token is not valid here: sign in again');
  let claims: { sub: string; acc: string; exp: number };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub: string; acc: string; exp: number };
  } catch {
    throw unauthorized('Token is not valid here: sign in again');
  }
  if (claims.acc !== context.ACCOUNT_SID) throw unauthorized('Token is not valid here: sign in again');
  if (!(claims.exp > now)) throw unauthorized('Token has expired: sign in again');
  return { ...personOf('admin', claims.sub), caller: `console:${claims.sub}` };
}
