// A TwiML call script using the controls as action URLs: record the call, pause around the card
// capture, resume after. Point a phone number's voice webhook at /examples/pay-by-phone.
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import type { FunctionContext } from '../../lib/twilio';

const SELF = '/examples/pay-by-phone';

/** A control as an action URL: Twilio adds CallSid; the control sends the call on to `next`, on failure with ?error=CODE. */
const control = (path: string, params: Record<string, string>, next: string) =>
  `${path}?${new URLSearchParams({ ...params, Next: next })}`;

export const handler = (_context: FunctionContext, event: { step?: string; error?: string }, callback: ServerlessCallback) => {
  const twiml = new Twilio.twiml.VoiceResponse();
  switch (event.step) {
    case undefined:
      // Recording is a record of the call, not a condition of it: the script goes on if it fails.
      twiml.redirect(control('/recording/start', {}, `${SELF}?step=pay`));
      break;
    case 'pay':
      twiml.say('To pay your bill, please have your card ready.');
      twiml.redirect(control('/recording/set-status', { Status: 'pause', All: 'true', PauseBehavior: 'skip' }, `${SELF}?step=card`));
      break;
    case 'card':
      // Card details are asked for only once nothing is recording: paused, or no recording at all.
      if (event.error && event.error !== 'NO_ACTIVE_RECORDING') {
        twiml.say('Sorry, we cannot take your payment securely right now. Please call back later.');
        twiml.hangup();
        break;
      }
      twiml
        .gather({ action: `${SELF}?step=resume`, finishOnKey: '#', numDigits: 19, timeout: 10 })
        .say('Please enter your card number, followed by the pound key.');
      twiml.redirect(`${SELF}?step=resume`);
      break;
    case 'resume':
      twiml.redirect(control('/recording/set-status', { Status: 'resume', All: 'true' }, `${SELF}?step=done`));
      break;
    default:
      twiml.say('Thank you. Your payment details have been received.');
      twiml.hangup();
  }
  callback(null, twiml);
};
