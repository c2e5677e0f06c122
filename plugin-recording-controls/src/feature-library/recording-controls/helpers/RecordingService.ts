/**
 * The plugin's only way to Twilio: the toolkit's Functions for people (docs/people.md), with the Flex
 * session's own token. No Flex import here, so the root tests run it against twilio-run and the emulator.
 */

export type Target = { CallSid: string } | { ConferenceSid: string };

/** What /agent/set-status and /console/control answer for a pause or a resume. */
export interface RecordingAnswer {
  callSid?: string;
  conferenceSid?: string;
  recordingSid: string;
  status: string;
  recordings: Array<{ recordingSid: string; status: string }>;
  synced?: boolean;
}

/** A Function's 4xx or 5xx: its HTTP status and the `{error: {code, message}}` it answered. */
export class FunctionError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'FunctionError';
  }
}

/** The Function could not be reached, or answered something that is not its JSON: nothing is known. */
export class UnreachableError extends Error {
  constructor(cause: string) {
    super(cause);
    this.name = 'UnreachableError';
  }
}

/** A pause held on the agent's call, as /agent/status sees it for the signed-in person. */
export interface HeldPause {
  recordingSid: string;
  /** As the evidence names the pauser: `studio:FW…`, `agent:alice`, `unknown`. */
  pausedBy: string;
  holder: 'flow' | 'you' | 'someone-else';
  mayResume: boolean;
  reasonRequired: boolean;
  since?: string;
}

/** What /agent/status answers: Twilio's list, and each pause held with whose it is. */
export interface AgentStatus {
  callSid?: string;
  conferenceSid?: string;
  state: 'recording' | 'paused' | 'not-recording';
  recordings: Array<{ recordingSid: string; status: string }>;
  pauses: HeldPause[];
}

export interface ConsoleCall {
  sid: string;
  kind: 'call' | 'conference';
  live: boolean;
  state: 'recording' | 'paused' | 'not-recording';
  recordings: Array<{ recordingSid: string; status: string }>;
  lastChange?: { at: string; action: string; recordingSid: string; by: string };
  /** Each agent by their one name, the Flex identity the history keeps (`agent:<identity>`). */
  agents: string[];
  /** Those TaskRouter names, by identity: their worker's friendly name, to show. */
  agentNames?: Record<string, string>;
  flows: Record<string, string>;
  from?: string;
  to?: string;
  friendlyName?: string;
  pausedSince?: string;
  pausedForSeconds?: number;
  pauseAlert?: boolean;
}

export interface ConsoleCalls {
  alertSeconds: number;
  calls: ConsoleCall[];
}

export interface ServiceOptions {
  /** The Functions' domain, e.g. https://recording-controls-1234-dev.twil.io (no trailing slash). */
  baseUrl: string;
  /** The signed-in Flex user's token, read at each request (Flex refreshes it). */
  flexToken: () => string;
  fetch?: typeof fetch;
}

export function createRecordingService(options: ServiceOptions) {
  const send = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));

  async function post<T>(path: string, body: Record<string, unknown>): Promise<T> {
    let res: Response;
    try {
      res = await send(`${options.baseUrl}${path}`, {
        method: 'POST',
        // Credentials travel in the body only (the Functions refuse them in a URL).
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (err) {
      throw new UnreachableError(`${path}: ${(err as Error).message}`);
    }
    const text = await res.text();
    let answer: { error?: { code?: string; message?: string } } | undefined;
    try {
      answer = JSON.parse(text);
    } catch {
      // A proxy's page or a cut answer is not the Function's: its state is unknown.
      throw new UnreachableError(`${path}: HTTP ${res.status}, not the Function's JSON`);
    }
    if (!res.ok) {
      throw new FunctionError(
        res.status,
        answer?.error?.code ?? `HTTP_${res.status}`,
        answer?.error?.message ?? `HTTP ${res.status}`,
      );
    }
    return answer as T;
  }

  return {
    /** An agent pauses or resumes the recording of their task's call or conference. */
    agentSetStatus: (target: Target, status: 'pause' | 'resume', extra: { PauseBehavior?: 'skip' | 'silence' } = {}) =>
      post<RecordingAnswer>('/agent/set-status', { Token: options.flexToken(), ...target, Status: status, ...extra }),

    /** The recording state of the agent's task, and whose pause holds it, before anything is pressed. */
    agentStatus: (target: Target) => post<AgentStatus>('/agent/status', { Token: options.flexToken(), ...target }),

    /** A supervisor's console token, from their Flex token: nothing typed or pasted. */
    consoleLogin: () => post<{ token: string; expiresAt: string }>('/console/login', { Token: options.flexToken() }),

    consoleCalls: (consoleToken: string) => post<ConsoleCalls>('/console/calls', { Token: consoleToken }),

    consoleControl: (consoleToken: string, target: Target, action: 'pause' | 'resume', reason?: string) =>
      post<RecordingAnswer>('/console/control', {
        Token: consoleToken,
        ...target,
        Action: action,
        ...(reason ? { Reason: reason } : {}),
      }),
  };
}

export type RecordingService = ReturnType<typeof createRecordingService>;
