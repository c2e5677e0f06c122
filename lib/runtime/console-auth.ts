import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type twilio from 'twilio';
import { adminPasswordProblem, syncOptions, type FunctionContext } from '../env';
import { ControlError, missingParameter, unauthorized } from '../errors';
import { personOf, type Person, type Role } from '../model/people';
import { ConsoleState, type GateRule } from '../sync/console-state';
import { sleep } from '../twilio/deadline';
import { verifyFlexToken } from '../twilio/flex';

/**
 * Who may use the console's Functions, and who they are for the evidence log. A supervisor or admin
 * signs in with their Flex token (Twilio validates it; the evidence names them); accounts without Flex
 * sign in with ADMIN_PASSWORD and a name (the evidence says `console:admin (name)`: the password is
 * shared, so the name is what the person says, not what anyone checked). Either way the console gets a
 * token signed here, with an id, that /console/logout ends on every instance. Neither a password nor a
 * token is ever logged or echoed.
 */

/** A console sign-in lasts a working shift (a Flex one no longer than the Flex token). */
export const CONSOLE_TOKEN_TTL_MS = 8 * 60 * 60 * 1000;
/** Every wrong password waits this long before its answer. */
export const WRONG_PASSWORD_DELAY_MS = 1000;
/**
 * Password guesses from everywhere at once: a handful, then waits doubling up to a minute. There is no
 * gate per client: deployed, Twilio withholds X-Forwarded-* and X-Real-IP from Functions, so no client
 * address is known, and what a client writes about itself proves nothing.
 */
export const OVERALL_GATE: GateRule = { free: 5, capMs: 60 * 1000 };

type Method = 'password' | 'flex';
interface Claims {
  /** The token's id: what a sign-out names. */
  id: string;
  sub: string;
  role: Role;
  m: Method;
  acc: string;
  exp: number;
  /** A password sign-in's: the name the person gave. */
  n?: string;
}

/** Password sign-in exists only where ADMIN_PASSWORD is set, and long enough. */
export function requireConsole(context: FunctionContext): string {
  if (!context.ADMIN_PASSWORD)
    throw new ControlError(
      403,
      'CONSOLE_OFF',
      'Password sign-in is off: sign in with a Flex token of a supervisor or admin, or set ADMIN_PASSWORD (12 characters or more) to turn it on',
    );
  const problem = adminPasswordProblem(context.ADMIN_PASSWORD);
  if (problem) {
    console.error(`recording-controls: password sign-in is off: ${problem}`);
    throw new ControlError(403, 'CONSOLE_OFF', `Password sign-in is off: ${problem}`);
  }
  return context.ADMIN_PASSWORD;
}

/**
 * The console tokens' key: derived from the auth token (as function-templates' admin pages do) and the
 * account, and for password sign-ins the password, so that changing the auth token signs everyone
 * out, and changing the password everyone who signed in with it.
 */
function consoleKey(context: FunctionContext, method: Method): Buffer {
  if (!context.AUTH_TOKEN || !context.ACCOUNT_SID)
    throw new ControlError(500, 'NOT_CONFIGURED', 'ACCOUNT_SID and AUTH_TOKEN must be set');
  const password = method === 'password' ? `\n${requireConsole(context)}` : '';
  return createHmac('sha256', context.AUTH_TOKEN)
    .update(`recording-controls console ${method}\n${context.ACCOUNT_SID}${password}`)
    .digest();
}

const sign = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');
/** Equal-length digests, so the comparison takes the same time whatever the input. */
const sameText = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

export function issueConsoleToken(
  context: FunctionContext,
  now = Date.now(),
  who: { sub: string; role: Role; m: Method; until?: number; n?: string } = {
    sub: 'admin',
    role: 'admin',
    m: 'password',
  },
): { token: string; expiresAt: string } {
  const exp = Math.min(now + CONSOLE_TOKEN_TTL_MS, who.until ?? Infinity);
  const claims: Claims = {
    id: randomUUID(),
    sub: who.sub,
    role: who.role,
    m: who.m,
    acc: context.ACCOUNT_SID!,
    exp,
    ...(who.n ? { n: who.n } : {}),
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return {
    token: `${payload}.${sign(consoleKey(context, who.m), payload)}`,
    expiresAt: new Date(exp).toISOString(),
  };
}

/**
 * Exchanges the password for a token, one check at a time across all instances, throttled overall with
 * a Sync-held gate: a throttled attempt is refused before any comparison.
 */
async function passwordLogin(context: FunctionContext, state: ConsoleState, password: string, name: string) {
  const expected = requireConsole(context);
  const was = await state.take('all');
  const right = sameText(password, expected);
  await state.release('all', right ? 'right' : 'wrong', was, OVERALL_GATE);
  if (!right) {
    await sleep(WRONG_PASSWORD_DELAY_MS);
    throw unauthorized('Wrong password');
  }
  return issueConsoleToken(context, Date.now(), { sub: 'admin', role: 'admin', m: 'password', n: name });
}

/**
 * Signs in: with `Token`, a Flex token of a supervisor or admin (named in the evidence); else with
 * `Password`, ADMIN_PASSWORD, and `Name`, the person's name for the evidence.
 */
export async function consoleLogin(
  context: FunctionContext,
  client: twilio.Twilio,
  credentials: { Password?: string; Token?: string; Name?: string },
) {
  if (credentials.Token) {
    const person = await verifyFlexToken(client, credentials.Token, ['supervisor', 'admin']);
    return issueConsoleToken(context, Date.now(), {
      sub: person.identity,
      role: person.role,
      m: 'flex',
      until: person.expiresAt,
    });
  }
  requireConsole(context);
  if (!credentials.Password)
    throw unauthorized('Password is required, or Token: the Flex token of a supervisor or admin');
  // The password is shared: the name is how the evidence tells one person's changes from another's.
  if (!credentials.Name) throw missingParameter('Name');
  const state = new ConsoleState(client, syncOptions(context));
  return passwordLogin(context, state, credentials.Password, credentials.Name);
}

/** The claims of a token this deployment signed for this account, unexpired; no Sync request. */
export function readConsoleToken(context: FunctionContext, token: string | undefined, now = Date.now()): Claims {
  if (!token) throw unauthorized('Token is required: sign in at /console/login');
  const invalid = () => unauthorized('Token is not valid here: sign in again');
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) throw invalid();
  let claims: Claims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Claims;
  } catch {
    throw invalid();
  }
  if (claims?.m !== 'password' && claims?.m !== 'flex') throw invalid();
  if (!sameText(signature, sign(consoleKey(context, claims.m), payload))) throw invalid();
  if (claims.acc !== context.ACCOUNT_SID || typeof claims.id !== 'string') throw invalid();
  if (!(claims.exp > now)) throw unauthorized('Token has expired: sign in again');
  return claims;
}

/** The console user a token names, when this deployment signed it, it has not expired, and it was not signed out. */
export async function verifyConsoleToken(
  context: FunctionContext,
  client: twilio.Twilio,
  token: string | undefined,
  now = Date.now(),
): Promise<Person> {
  const claims = readConsoleToken(context, token, now);
  if (await new ConsoleState(client, syncOptions(context)).isRevoked(claims.id))
    throw unauthorized('Token was signed out: sign in again');
  return claims.m === 'password'
    ? { ...personOf('admin', claims.sub), caller: `console:${claims.sub}${claims.n ? ` (${claims.n})` : ''}` }
    : personOf(claims.role, claims.sub);
}

/** Ends a token on every instance: it is refused from now until it would have expired. */
export async function consoleLogout(context: FunctionContext, client: twilio.Twilio, token: string | undefined) {
  const claims = readConsoleToken(context, token);
  await new ConsoleState(client, syncOptions(context)).revoke(claims.id, claims.exp);
  return { signedOut: true };
}
