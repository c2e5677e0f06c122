import type { Response } from 'express';

/** Twilio's error body, as every Twilio REST API answers a failed request. */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): TwilioErrorBody {
    return {
      code: this.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.code}`,
      status: this.status,
    };
  }
}

export function sendError(res: Response, err: TwilioApiError): void {
  res.status(err.status).set(err.headers).json(err.toBody());
}

/** The Twilio error codes the emulator answers with; each is Twilio's own. */
export const errors = {
  authenticate: () => new TwilioApiError(401, 20003, 'Authenticate'),
  notFound: (what: string) => new TwilioApiError(404, 20404, `The requested resource ${what} was not found`),
  tooManyRequests: (retryAfterSeconds?: number) =>
    new TwilioApiError(
      429,
      20429,
      'Too Many Requests',
      retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) },
    ),
  internal: () => new TwilioApiError(500, 20500, 'Internal Server Error'),
  missingParameter: (code: number, name: string) => new TwilioApiError(400, code, `No '${name}' is specified`),
  invalidParameter: (name: string, detail: string) =>
    new TwilioApiError(400, 20001, `Invalid parameter ${name}: ${detail}`),
  callNotInProgress: (callSid: string) =>
    new TwilioApiError(400, 21220, `Call ${callSid} is not in-progress. Cannot perform this operation.`),
  /** One of the two answers seen from Twilio.CURRENT when nothing is recording (see Settings). */
  noActiveRecording: () => new TwilioApiError(400, 21220, 'Twilio.CURRENT: there is no active recording to act on'),
  concurrentRecordings: () =>
    new TwilioApiError(
      400,
      16108,
      'Request failed due to concurrent recordings: Twilio.CURRENT needs exactly one active recording',
    ),
  recordingNotActionable: () =>
    new TwilioApiError(409, 16114, 'Resource not in a state to accept recording action request'),
  recordingFinished: (sid: string, status: string) =>
    new TwilioApiError(400, 21220, `Recording ${sid} is ${status}: it cannot be paused, resumed or stopped`),
  methodNotAllowed: () => new TwilioApiError(405, 20004, 'Method not allowed'),
  /** twilio.com/docs/api/errors/54011. */
  invalidTtl: () =>
    new TwilioApiError(
      400,
      54011,
      'Invalid TTL: the TTL value in seconds must either be empty or an integer between 0 and 31 536 000 (1 year)',
    ),
  /** twilio.com/docs/api/errors/54003: an If-Match that is no revision Sync could have given. */
  invalidIfMatch: () =>
    new TwilioApiError(400, 54003, 'Invalid If-Match header: it cannot be used for concurrency control'),
  /** twilio.com/docs/api/errors/54454. */
  invalidSyncPageSize: (max: number) =>
    new TwilioApiError(400, 54454, `Invalid 'PageSize' query parameter: an integer from 1 to ${max}`),
  /** twilio.com/docs/api/errors/20007. */
  pageSizeTooLarge: (max: number) =>
    new TwilioApiError(400, 20007, `Page size too large: the maximum page size is ${max}`),
  revisionMismatch: () =>
    new TwilioApiError(412, 54103, 'The revision of the Document does not match the expected revision'),
  uniqueNameExists: (name: string) => new TwilioApiError(409, 54301, `Unique name already exists: ${name}`),
  invalidUniqueName: () =>
    new TwilioApiError(
      400,
      54302,
      'The unique name must be a string of 1-320 characters that does not look like a SID',
    ),
  dataTooLarge: () => new TwilioApiError(413, 54006, 'Request entity too large: Data exceeds 16 KiB'),
  syncRateLimited: (retryAfterSeconds: number, what: string) =>
    new TwilioApiError(429, 54009, `Rate limit exceeded: too many ${what}`, {
      'Retry-After': String(Math.max(1, retryAfterSeconds)),
    }),
};
