import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type twilio from 'twilio';
import { ControlError, fromTwilioError } from './errors';
import type { FunctionContext } from './twilio';

/**
 * Who may use the public Functions for people, and who they are for the evidence log: a console user
 * holding a token signed here after the ADMIN_PASSWORD login, or a Flex user whose token Twilio
 * validates. Neither a password nor a token is ever logged or echoed.
 */

/** A console sign-in lasts a working shift. */
export const CONSOLE_TOKEN_TTL_MS = 8 * 60 * 60 * 1000;
/** Slows password guessing: every wrong password waits this long before its answer. */
export const WRONG_PASSWORD_DELAY_MS = 1000;

const unauthorized = (message: string) => new ControlError(401, 'UNAUTHORIZED', message);

/** The console exists only where ADMIN_PASSWORD is set. */
export function requireConsole(context: FunctionContext): string {
  if (!context.ADMIN_PASSWORD) throw new ControlError(403, 'CONSOLE_OFF', 'The console is off: set ADMIN_PASSWORD in the environment to turn it on');
  return context.ADMIN_PASSWORD;
}

/**
 * The console tokens' key: derived from the auth token (as function-templates' admin pages do), the
 * account and the password, so that changing either the password or the auth token signs everyone out.
 */
function consoleKey(context: FunctionContext): Buffer {
  if (!context.AUTH_TOKEN || !context.ACCOUNT_SID) throw new ControlError(500, 'NOT_CONFIGURED', 'ACCOUNT_SID and AUTH_TOKEN must be set');
  return createHmac('sha256', context.AUTH_TOKEN).update(`recording-controls console\n${context.ACCOUNT_SID}\n${requireConsole(context)}`).digest();
}

const sign = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');
/** Equal-length digests, so the comparison takes the same time whatever the input. */
const sameText = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

export function issueConsoleToken(context: FunctionContext, now = Date.now()): { token: string; expiresAt: string } {
  const exp = now + CONSOLE_TOKEN_TTL_MS;
  const payload = Buffer.from(JSON.stringify({ sub: 'admin', acc: context.ACCOUNT_SID, exp })).toString('base64url');
  return { token: `${payload}.${sign(consoleKey(context), payload)}`, expiresAt: new Date(exp).toISOString() };
}

/** Exchanges the password for a token; a wrong one is answered only after a delay. */
export async function consoleLogin(context: FunctionContext, password: string | undefined) {
  const expected = requireConsole(context);
  if (!password || !sameText(password, expected)) {
    await new Promise((resolve) => setTimeout(resolve, WRONG_PASSWORD_DELAY_MS));
    throw unauthorized('Wrong password');
  }
  return issueConsoleToken(context);
}

/** The console user a token names, when this deployment signed it and it has not expired. */
export function verifyConsoleToken(context: FunctionContext, token: string | undefined, now = Date.now()): string {
  const key = consoleKey(context);
  if (!token) throw unauthorized('Token is required: sign in at /console/login');
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined || !sameText(signature, sign(key, payload))) throw unauthorized('Token is not valid here: sign in again');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub: string; acc: string; exp: number };
  if (claims.acc !== context.ACCOUNT_SID) throw unauthorized('Token is not valid here: sign in again');
  if (!(claims.exp > now)) throw unauthorized('Token has expired: sign in again');
  return `console:${claims.sub}`;
}

interface FlexValidation {
  valid?: boolean;
  identity?: string;
  worker_sid?: string;
  roles?: string[];
  message?: string;
}

/**
 * Asks Twilio whether a Flex user token is valid for this account: the request twilio-flex-token-validator
 * sends, through the project's own client so that it gets the retries and, locally, the emulator.
 * Answers `agent:<identity>` for the evidence log.
 */
export async function verifyFlexToken(client: twilio.Twilio, token: string | undefined): Promise<string> {
  if (!token) throw unauthorized("Token is required: the Flex user's token (manager.store.getState().flex.session.ssoTokenPayload.token)");
  let answer: { statusCode: number; body: unknown };
  try {
    answer = await client.request({
      method: 'post',
      uri: `https://iam.twilio.com/v1/Accounts/${client.accountSid}/Tokens/validate`,
      data: { token },
      headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' },
    });
  } catch (err) {
    throw fromTwilioError(err, 'the Flex token validation');
  }
  const result = (typeof answer.body === 'string' ? JSON.parse(answer.body) : answer.body) as FlexValidation;
  if (answer.statusCode >= 500) throw fromTwilioError({ status: answer.statusCode }, 'the Flex token validation');
  if (answer.statusCode !== 200 || result?.valid !== true || !result.identity) throw unauthorized('Token is not a valid Flex token of this account');
  return `agent:${result.identity}`;
}
