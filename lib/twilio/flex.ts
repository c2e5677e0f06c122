import type twilio from 'twilio';
import { fromTwilioError, unauthorized } from '../errors';

/** Who a Flex user is: Twilio validates the token Flex gave them at sign-in. Tokens are never logged or echoed. */

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
  if (!token)
    throw unauthorized(
      "Token is required: the Flex user's token (manager.store.getState().flex.session.ssoTokenPayload.token)",
    );
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
  if (answer.statusCode !== 200 || result?.valid !== true || !result.identity)
    throw unauthorized('Token is not a valid Flex token of this account');
  return `agent:${result.identity}`;
}
