// POST /callbacks/payment: <Pay>'s statusCallback (a stage: For, Attempt, ErrorType) and its action (Result),
// logged in the call's evidence so that each card capture gets a verdict against the proof. With Next (the
// action), TwiML that sends the call on with Result, on failure too. Card data is never read or kept.
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import { recordPayment } from '../../lib/controls/captures';
import type { FunctionContext } from '../../lib/env';
import { count, NEXT, optional, parseParams, required, shortText, sid } from '../../lib/model/params';
import { asControlError, errorResponse, jsonResponse, redirect, withQuery } from '../../lib/runtime/responses';
import { callbackParams } from '../../lib/runtime/signature';
import { evidenceLog } from '../../lib/runtime/wiring';
import { twilioClient } from '../../lib/twilio/client';
import { Deadline } from '../../lib/twilio/deadline';

export const parameters = {
  CallSid: required('the call', sid('CA')),
  For: optional("the stage <Pay>'s statusCallback reports (payment-card-number, expiration-date, …)", shortText),
  Attempt: optional('which attempt of the capture', count),
  ErrorType: optional("the stage's error, if any", shortText),
  Result: optional("<Pay>'s result, posted to its action (success, caller-hung-up, …)", shortText),
  ...NEXT,
};

export const handler = async (
  context: FunctionContext,
  event: Record<string, unknown>,
  callback: ServerlessCallback,
) => {
  const deadline = Deadline.fromArrival(Date.now());
  const { request: _request, ...raw } = event;
  let next: string | undefined;
  let result: string | undefined;
  try {
    next = parseParams(NEXT, raw).Next;
  } catch (err) {
    return callback(null, errorResponse(err));
  }
  try {
    const params = callbackParams(context, event);
    const p = parseParams(parameters, params);
    result = p.Result;
    await recordPayment(evidenceLog(context, twilioClient(context, deadline)), {
      callSid: p.CallSid,
      ...(p.For ? { stage: { for: p.For, attempt: p.Attempt, errorType: p.ErrorType } } : {}),
      result: p.Result,
    });
    callback(null, next ? redirect(withResult(next, result)) : jsonResponse(204, ''));
  } catch (err) {
    callback(null, next ? redirect(withResult(next, result), asControlError(err)) : errorResponse(err));
  }
};

/** The action's Result goes on with the call, as <Pay>'s action would have carried it. */
const withResult = (next: string, result: string | undefined) =>
  result ? withQuery(next, `Result=${encodeURIComponent(result)}`) : next;
