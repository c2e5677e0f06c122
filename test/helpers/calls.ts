import type twilio from 'twilio';

/** A call that is in progress on the emulator, as if answered. */
export async function newCall(client: twilio.Twilio, twiml = '<Response><Pause length="60"/></Response>') {
  return client.calls.create({ to: '+15005550006', from: '+15005550001', twiml });
}

/** A call that joins `room`, whose conference records from the start and reports to `callbackUrl`. */
export function conferenceTwiml(room: string, callbackUrl?: string): string {
  const callback = callbackUrl
    ? ` recordingStatusCallback="${callbackUrl}" recordingStatusCallbackEvent="in-progress completed absent"`
    : '';
  return `<Response><Dial><Conference record="record-from-start"${callback}>${room}</Conference></Dial></Response>`;
}
