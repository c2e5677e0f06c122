import { createHash } from 'node:crypto';
import type twilio from 'twilio';
import { forbiddenRole, fromTwilioError, unauthorized } from '../errors';
import { personOf, strongestRole, type Person, type Role } from '../model/people';

/**
 * Who a Flex user is: Twilio validates the token Flex gave them at sign-in. Tokens are never logged or
 * echoed. Answers are kept briefly in this process, keyed by a hash of the token, so that a burst of
 * requests with one token (valid or junk) costs Twilio one validation.
 */

interface FlexValidation {
  valid?: boolean;
  identity?: string;
  worker_sid?: string;
  roles?: string[];
  expiration?: string | null;
  message?: string;
}

/** What Twilio said about a token: a Flex user, or why not. */
type Validated =
  { user: { identity: string; workerSid?: string; roles: string[]; expiresAt: number } } | { invalid: true };

/** How long a validation is kept: a token Twilio stops accepting (a sign-out) is still taken this long. */
export const FLEX_CACHE_MS = 60_000;
const CACHE_LIMIT = 1000;
const cache = new Map<string, { answer: Validated; until: number }>();
/** Validations under way: concurrent requests with one token share one. */
const pending = new Map<string, Promise<Validated>>();

const keyOf = (token: string) => createHash('sha256').update(token).digest('base64url');

function remember(key: string, answer: Validated, now: number) {
  const until = 'user' in answer ? Math.min(now + FLEX_CACHE_MS, answer.user.expiresAt) : now + FLEX_CACHE_MS;
  if (until <= now) return;
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, { answer, until });
}

/** Flex tokens are JWTs: one that is not, or says it has expired, is refused without asking Twilio. */
function expiredOrMalformed(token: string, now: number): boolean {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[\w-]+$/.test(p))) return true;
  try {
    const { exp } = JSON.parse(Buffer.from(parts[1], 'base64url').toString()) as { exp?: unknown };
    return typeof exp === 'number' && exp * 1000 <= now;
  } catch {
    return true;
  }
}

async function ask(client: twilio.Twilio, token: string, now: number): Promise<Validated> {
  if (expiredOrMalformed(token, now)) return { invalid: true };
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
  if (answer.statusCode >= 500) throw fromTwilioError({ status: answer.statusCode }, 'the Flex token validation');
  let result: FlexValidation | undefined;
  try {
    result = (typeof answer.body === 'string' ? JSON.parse(answer.body) : answer.body) as FlexValidation;
  } catch {
    result = undefined;
  }
  if (answer.statusCode !== 200 || result?.valid !== true || typeof result.identity !== 'string' || !result.identity)
    return { invalid: true };
  const expiresAt = result.expiration ? Date.parse(result.expiration) : NaN;
  return {
    user: {
      identity: result.identity,
      workerSid: typeof result.worker_sid === 'string' && result.worker_sid ? result.worker_sid : undefined,
      roles: Array.isArray(result.roles) ? result.roles : [],
      // Without an expiration, the token is kept no longer than the cache's own time.
      expiresAt: Number.isNaN(expiresAt) ? now + FLEX_CACHE_MS : expiresAt,
    },
  };
}

/**
 * The person a Flex token names, when Twilio validates it for this account, it belongs to a TaskRouter
 * worker, and its strongest role is one of `allowed`: else 401 (not a valid token) or 403 FORBIDDEN_ROLE.
 */
export async function verifyFlexToken(
  client: twilio.Twilio,
  token: string | undefined,
  allowed: readonly Role[] = ['agent', 'supervisor', 'admin'],
  now = Date.now(),
): Promise<Person & { expiresAt: number }> {
  if (!token)
    throw unauthorized(
      "Token is required: the Flex user's token (manager.store.getState().flex.session.ssoTokenPayload.token)",
    );
  const key = keyOf(token);
  const kept = cache.get(key);
  let answer: Validated;
  if (kept && kept.until > now) answer = kept.answer;
  else {
    cache.delete(key);
    let asking = pending.get(key);
    if (!asking) {
      asking = ask(client, token, now)
        .then((validated) => {
          remember(key, validated, now);
          return validated;
        })
        .finally(() => pending.delete(key));
      pending.set(key, asking);
    }
    answer = await asking;
  }
  if ('invalid' in answer || answer.user.expiresAt <= now)
    throw unauthorized('Token is not a valid Flex token of this account');
  const { user } = answer;
  const role = strongestRole(user.roles);
  if (!user.workerSid || !role)
    throw forbiddenRole(
      `Only Flex users who are TaskRouter workers with the role ${allowed.join(', ')} may do this; this token's roles: ${user.roles.join(', ') || 'none'}${user.workerSid ? '' : ', and no worker'}`,
    );
  if (!allowed.includes(role))
    throw forbiddenRole(
      `Only Flex users with the role ${allowed.join(' or ')} may do this; this token's role: ${role}`,
    );
  return { ...personOf(role, user.identity, user.workerSid), expiresAt: user.expiresAt };
}
