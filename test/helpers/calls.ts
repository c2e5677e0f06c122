import type twilio from 'twilio';

/**
 * A call that is in progress on the emulator: created through the API (so `queued`, then `ringing`),
 * then fetched until the callee has answered (the emulator's answer delay).
 */
export async function newCall(client: twilio.Twilio, twiml = '<Response><Pause length="60"/></Response>') {
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
