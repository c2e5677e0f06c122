import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import type { EmulatorContext } from './app';
import { errors } from './errors';
import { newSid } from './format';

interface FlexToken {
  accountSid: string;
  identity: string;
  workerSid: string | null;
  roles: string[];
  expires: number;
}

/**
 * Flex user tokens: the control surface issues them (as Flex does at sign-in) and Twilio's token
 * validation endpoint, which twilio-flex-token-validator calls, answers for them. A token issued for
 * another account never validates here.
 */
export function flexModule(ctx: EmulatorContext): Router {
  const tokens = new Map<string, FlexToken>();
  ctx.onReset(() => tokens.clear());

  ctx.control.post('/flex/tokens', (req, res) => {
    const body = (req.body ?? {}) as {
      identity?: string;
      roles?: string[];
      accountSid?: string;
      ttlSeconds?: number;
      workerSid?: string | null;
    };
    if (!body.identity) {
      res.status(400).json({ message: 'identity is required' });
      return;
    }
    const expires = ctx.now() + Number(body.ttlSeconds ?? 3600) * 1000;
    // Shaped as Flex's own tokens are, a JWT; only this emulator can tell whether it is valid.
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = [
      part({ alg: 'HS256', typ: 'JWT' }),
      part({ iss: 'emulator', sub: body.accountSid ?? ctx.accountSid, exp: Math.floor(expires / 1000) }),
      randomBytes(32).toString('base64url'),
    ].join('.');
    const issued: FlexToken = {
      accountSid: body.accountSid ?? ctx.accountSid,
      identity: body.identity,
      // workerSid null: a Flex user who is no TaskRouter worker.
      workerSid: body.workerSid === null ? null : (body.workerSid ?? newSid('WK')),
      roles: body.roles ?? ['agent'],
      expires,
    };
    tokens.set(token, issued);
    res.status(201).json({
      token,
      identity: issued.identity,
      worker_sid: issued.workerSid,
      expiration: new Date(issued.expires).toISOString(),
    });
  });

  const router = Router();
  router.post('/v1/Accounts/:AccountSid/Tokens/validate', (req, res) => {
    if (req.params.AccountSid !== ctx.accountSid) throw errors.authenticate();
    // twilio-flex-token-validator, the validator Twilio publishes, posts JSON `{"token"}`; a form is not read.
    const token = req.is('application/json') ? (req.body as { token?: unknown } | undefined)?.token : undefined;
    if (typeof token !== 'string' || !token)
      throw errors.invalidParameter('token', 'is required, in a JSON body {"token"}');
    const found = tokens.get(token);
    const refusal = !found
      ? 'Invalid token'
      : found.accountSid !== ctx.accountSid
        ? 'Token is for another account'
        : found.expires <= ctx.now()
          ? 'Token expired'
          : undefined;
    if (!found || refusal) {
      res.json({
        valid: false,
        code: 20003,
        message: refusal,
        expiration: null,
        realm_user_id: null,
        identity: null,
        roles: null,
        worker_sid: null,
      });
      return;
    }
    res.json({
      valid: true,
      code: 0,
      message: null,
      expiration: new Date(found.expires).toISOString(),
      realm_user_id: found.identity,
      identity: found.identity,
      roles: found.roles,
      worker_sid: found.workerSid,
    });
  });
  return router;
}
