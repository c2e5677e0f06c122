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
  notFound: (what: string) =>
    new TwilioApiError(404, 20404, `The requested resource ${what} was not found`),
  tooManyRequests: (retryAfterSeconds: number) =>
    new TwilioApiError(429, 20429, 'Too Many Requests', { 'Retry-After': String(retryAfterSeconds) }),
  internal: () => new TwilioApiError(500, 20500, 'Internal Server Error'),
};
