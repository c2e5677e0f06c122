import type twilio from 'twilio';
import type { RunningEmulator } from './stack';

/**
 * A call that is in progress on the emulator: created through the API (so `queued`, then `ringing`),
 * then fetched until the callee has answered (the emulator's answer delay). It lasts an hour: long runs
 * (the benchmark) must not see it end under them.
 */
export async function newCall(client: twilio.Twilio, twiml = '<Response><Pause length="3600"/></Response>') {
  const created = await client.calls.create({ to: '+15005550006', from: '+15005550001', twiml });
  for (let i = 0; i < 200; i++) {
    const call = await client.calls(created.sid).fetch();
    if (call.status === 'in-progress') return call;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`call ${created.sid} was never answered`);
}

/** A call that joins `room`, whose conference records from the start and reports to `callbackUrl`. */
export function conferenceTwiml(room: string, callbackUrl?: string): string {
  const callback = callbackUrl
    ? ` recordingStatusCallback="${callbackUrl}" recordingStatusCallbackEvent="in-progress completed absent"`
    : '';
  return `<Response><Dial><Conference record="record-from-start"${callback}>${room}</Conference></Dial></Response>`;
}

/**
 * Two calls in `room`, so that its conference has started (Twilio starts one, and `record-from-start`
 * records it, only once two participants are bridged: twilio.com/docs/voice/twiml/conference).
 */
export async function conferenceCalls(client: twilio.Twilio, room: string, callbackUrl?: string) {
  const twiml = conferenceTwiml(room, callbackUrl);
  return [await newCall(client, twiml), await newCall(client, twiml)];
}

export interface CallLog {
  sid: string;
  status: string;
  log: Array<{
    step: string;
    callStatus: string;
    recordings: string[];
    widget?: string;
    event?: string;
    [detail: string]: unknown;
  }>;
}

/** A caller dialling in on the emulator, to a TwiML webhook (`Url`) or a Studio flow (`Flow`), doing `inputs` when asked. */
export async function callIn(em: RunningEmulator, body: Record<string, unknown>): Promise<string> {
  const call = await em.control<{ sid?: string; error?: unknown }>('POST', '/incoming', {
    To: '+15005550006',
    From: '+15005550001',
    ...body,
  });
  if (!call.sid) throw new Error(`incoming call refused: ${JSON.stringify(call)}`);
  return call.sid;
}

/** What the call heard and did, once its script has run to the end. */
export const finishedCall = (em: RunningEmulator, sid: string) =>
  em.control<CallLog>('GET', `/calls/${sid}/log?wait=true`);
