import {
  FunctionError,
  UnreachableError,
  type AgentStatus,
  type RecordingAnswer,
  type RecordingService,
} from '../helpers/RecordingService';

/**
 * The service as the components see it, answering what the Functions answered in the root tests
 * (test/plugin/service.test.ts runs the real ones): a status, a refusal with its code, or no answer.
 */
export type Reply = { status: string } | { refuse: [number, string, string] } | 'unreachable';

/** `statuses`: what each read of /agent/status answers, in turn (a promise answers when the test says); none: unreachable. */
export function scriptedService(replies: Reply[], statuses: Array<AgentStatus | Promise<AgentStatus>> = []) {
  const calls: Array<{ target: unknown; status: string }> = [];
  const answer = async (target: unknown, status: string): Promise<RecordingAnswer> => {
    calls.push({ target, status });
    const reply = replies.shift();
    if (!reply) throw new Error('no reply scripted');
    if (reply === 'unreachable') throw new UnreachableError('connect ECONNREFUSED');
    if ('refuse' in reply) throw new FunctionError(...reply.refuse);
    return { callSid: 'CA1', recordingSid: 'RE1', status: reply.status, recordings: [] };
  };
  const service = {
    agentSetStatus: answer,
    agentStatus: async () => {
      const status = statuses.shift();
      if (!status) throw new UnreachableError('no status scripted');
      return status;
    },
    consoleLogin: async () => ({ token: 'console-token', expiresAt: '' }),
    consoleCalls: async () => ({ alertSeconds: 180, calls: [] }),
    consoleControl: async () => {
      throw new Error('not scripted');
    },
  } as unknown as RecordingService;
  return { service, calls };
}
