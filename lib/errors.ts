/**
 * Every error a caller can get, in one place: the stable codes to branch on, and how each of Twilio's
 * failures becomes one of them.
 */
export type ErrorCode =
  // The request
  | 'MISSING_PARAMETER'
  | 'INVALID_PARAMETER'
  | 'NOT_SUPPORTED_FOR_CONFERENCES'
  | 'UNAUTHORIZED'
  | 'INVALID_SIGNATURE'
  | 'CONSOLE_OFF'
  | 'CREDENTIALS_IN_URL'
  | 'RESERVED_PARAMETER'
  | 'BODY_TOO_LARGE'
  | 'LOGIN_THROTTLED'
  // Who may do what (lib/model/people)
  | 'FORBIDDEN_ROLE'
  | 'NOT_YOUR_TASK'
  | 'PAUSE_HELD'
  | 'REASON_REQUIRED'
  // The call, conference or recording on Twilio
  | 'NOT_FOUND'
  | 'NOT_IN_PROGRESS'
  | 'NO_ACTIVE_RECORDING'
  | 'SEVERAL_ACTIVE_RECORDINGS'
  | 'RECORDING_ENDED'
  | 'RECORDING_BUSY'
  | 'START_IN_PROGRESS'
  | 'TOO_MANY_RECORDINGS'
  // Twilio itself
  | 'TWILIO_TIMEOUT'
  | 'TWILIO_UNREACHABLE'
  | 'TWILIO_UNAVAILABLE'
  | 'TWILIO_REJECTED'
  | 'TWILIO_RATE_LIMITED'
  | 'TWILIO_AUTH_FAILED'
  // Sync
  | 'SYNC_RATE_LIMITED'
  | 'SYNC_DOCUMENT_TOO_LARGE'
  | 'SYNC_TIMEOUT'
  | 'SYNC_BUSY'
  | 'SYNC_UNSETTLED'
  | 'EVIDENCE_UNAVAILABLE'
  // This deployment
  | 'INVALID_CONFIGURATION'
  | 'NOT_CONFIGURED'
  | 'INTERNAL_ERROR';

/** What a caller gets when a control fails: an HTTP status, a stable code to branch on, and words for people. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly twilioCode?: number,
  ) {
    super(message);
  }

  toJSON() {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.twilioCode === undefined
          ? {}
          : { twilioCode: this.twilioCode, moreInfo: `https://www.twilio.com/docs/errors/${this.twilioCode}` }),
      },
    };
  }
}

/** A request still unanswered at its caller's deadline: Twilio may or may not have carried it out. */
export class DeadlineExceeded extends Error {
  constructor(readonly method: string) {
    super(`Twilio did not answer before the deadline`);
  }
}

export const invalidParameter = (name: string, detail: string) =>
  new ControlError(400, 'INVALID_PARAMETER', `${name} ${detail}`);
export const invalidRequest = (message: string) => new ControlError(400, 'INVALID_PARAMETER', message);
export const missingParameter = (name: string) => new ControlError(400, 'MISSING_PARAMETER', `${name} is required`);
export const unauthorized = (message: string) => new ControlError(401, 'UNAUTHORIZED', message);
export const forbiddenRole = (message: string) => new ControlError(403, 'FORBIDDEN_ROLE', message);
export const notYourTask = (what: string) =>
  new ControlError(
    403,
    'NOT_YOUR_TASK',
    `An agent controls only a call or conference of a task they have accepted in Flex; ${what} is not one of yours`,
  );
export const credentialsInUrl = (name: string) =>
  new ControlError(
    400,
    'CREDENTIALS_IN_URL',
    `${name} goes in the POST body (JSON or a form, with its length declared), with every other parameter, never in the URL: URLs are logged. Sign in again if it was sent in one`,
  );
/** The runtime builds a Function's event as `{request, ...query, ...body}` (lib/runtime/runtime-event). */
export const reservedParameter = () =>
  new ControlError(
    400,
    'RESERVED_PARAMETER',
    "request is the runtime's own key in a Function's event (its headers): no parameter may be named so",
  );
export const notSupportedForConferences = () =>
  new ControlError(
    400,
    'NOT_SUPPORTED_FOR_CONFERENCES',
    'Twilio\'s API cannot start or stop a conference recording: it starts with <Conference record="record-from-start"> and ends with the conference. Use paused or in-progress.',
  );
export const notInProgress = (what: string, state: string) =>
  new ControlError(409, 'NOT_IN_PROGRESS', `The ${what} is ${state}, not in progress`, 21220);
export const noActiveRecording = (label: string) =>
  new ControlError(409, 'NO_ACTIVE_RECORDING', `${label} has no active recording`);
export const evidenceUnavailable = (message: string) => new ControlError(503, 'EVIDENCE_UNAVAILABLE', message);
export const invalidConfiguration = (message: string) => new ControlError(500, 'INVALID_CONFIGURATION', message);

/** The fields of the twilio library's RestException that matter here. */
interface TwilioFailure {
  status?: number;
  code?: number;
  message?: string;
}

/** The HTTP status and Twilio error code of a failed Twilio request, when it has them. */
export const statusOf = (err: unknown) => (err as TwilioFailure | undefined)?.status;
export const codeOf = (err: unknown) => (err as TwilioFailure | undefined)?.code;

const isTwilioFailure = (err: unknown): err is TwilioFailure => typeof statusOf(err) === 'number';

/**
 * Turns a failed Twilio request into the caller's answer. `subject` names what was asked for, e.g.
 * "call CA…" or "recording RE… of call CA…", so a 404 says what was not found; `action` says whether a
 * recording was being started or changed, so a refusal says what to do next.
 */
export function fromTwilioError(err: unknown, subject: string, action: 'start' | 'change' = 'change'): ControlError {
  if (err instanceof ControlError) return err;
  if (err instanceof DeadlineExceeded) {
    return err.method.toUpperCase() === 'GET'
      ? new ControlError(504, 'TWILIO_TIMEOUT', `Twilio did not answer in time about ${subject}`)
      : new ControlError(
          504,
          'TWILIO_TIMEOUT',
          `Twilio did not answer in time about ${subject}: the change may or may not have been made`,
        );
  }
  if (!isTwilioFailure(err)) {
    // The cause names internal addresses: it goes to the Function's log, not to the caller.
    console.error(`recording-controls: Twilio could not be reached for ${subject}:`, (err as Error)?.message ?? err);
    return new ControlError(502, 'TWILIO_UNREACHABLE', `Twilio could not be reached for ${subject}; try again`);
  }
  const { status = 500, code, message = '' } = err;
  switch (true) {
    case code === 20404 || status === 404:
      return new ControlError(404, 'NOT_FOUND', `Twilio does not know ${subject}`, code);
    case code === 21220 && action === 'start':
      return new ControlError(
        409,
        'NOT_IN_PROGRESS',
        `Twilio cannot record ${subject}: a call is recorded only while it is in progress, answered and not ended (${message})`,
        code,
      );
    case code === 21220:
      return new ControlError(
        409,
        'NOT_IN_PROGRESS',
        `Twilio cannot change ${subject}: the call is not in progress or the recording has ended (${message}). An ended recording never restarts; while the call is in progress, /recording/start starts a new one.`,
        code,
      );
    case code === 16108:
      return new ControlError(
        409,
        'SEVERAL_ACTIVE_RECORDINGS',
        `${subject} has several active recordings: name one with RecordingSid, or pass All=true`,
        code,
      );
    case code === 16114:
      return new ControlError(
        503,
        'RECORDING_BUSY',
        `Twilio kept answering that the recording could not take the action now; try again`,
        code,
      );
    case code === 54009:
      return new ControlError(
        503,
        'SYNC_RATE_LIMITED',
        `Sync kept refusing writes to ${subject} as too frequent`,
        code,
      );
    case code === 54006:
      return new ControlError(500, 'SYNC_DOCUMENT_TOO_LARGE', `Sync refused ${subject} as larger than 16 KiB`, code);
    case status === 429:
      return new ControlError(
        503,
        'TWILIO_RATE_LIMITED',
        'Twilio kept answering 429 Too Many Requests; try again later',
        code,
      );
    case code === 20003 || status === 401 || status === 403:
      return new ControlError(
        500,
        'TWILIO_AUTH_FAILED',
        'Twilio refused the account credentials of this deployment',
        code,
      );
    case status >= 500:
      // Requests that are safe to repeat were retried before this; a create was not (see twilio/http-client).
      return new ControlError(
        502,
        'TWILIO_UNAVAILABLE',
        `Twilio failed (HTTP ${status}) for ${subject}; try again`,
        code,
      );
    default:
      return new ControlError(502, 'TWILIO_REJECTED', `Twilio refused the request for ${subject}: ${message}`, code);
  }
}
