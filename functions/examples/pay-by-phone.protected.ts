// A TwiML call script using the controls as action URLs: answer, record the call, pause the recording
// around <Pay> (card data goes only to Twilio's payment connector, PCI Mode on), resume after.
// Point a phone number's voice webhook at /examples/pay-by-phone. studio/pci-payment-flow.json is the
// same script as a Studio flow; both ask the caller the same things and end the same way for every outcome.
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import type { FunctionContext } from '../../lib/env';
import { splitEvent } from '../../lib/runtime/runtime-event';

const SELF = '/examples/pay-by-phone';

/** A control as an action URL: Twilio adds CallSid; the control sends the call on to `next`, on failure with ?error=CODE. */
const control = (path: string, params: Record<string, string>, next: string) =>
  `${path}?${new URLSearchParams({ ...params, Next: next })}`;

interface Event {
  step?: string;
  error?: string;
  /** <Pay>'s outcome, posted to its action. */
  Result?: string;
  outcome?: string;
}

export const handler = (_context: FunctionContext, event: Event, callback: ServerlessCallback) => {
  const twiml = new Twilio.twiml.VoiceResponse();
  try {
    splitEvent(event as Record<string, unknown>);
  } catch {
    // Twilio never names a parameter `request`: whoever did is not a call this script serves.
    twiml.say('Sorry, this request cannot be served.');
    twiml.hangup();
    return callback(null, twiml);
  }
  switch (event.step) {
    case undefined:
      // <Say> answers the call: a recording can start only once the call is in progress.
      twiml.say('Thank you for calling. This call is recorded, except while you enter your card details.');
      // Recording is a record of the call, not a condition of it: either way, the pause decides.
      twiml.redirect(control('/recording/start', {}, `${SELF}?step=pause`));
      break;
    case 'pause':
      twiml.redirect(
        control('/recording/set-status', { Status: 'pause', All: 'true', PauseBehavior: 'skip' }, `${SELF}?step=pay`),
      );
      break;
    case 'pay':
      // Paused, or nothing recording (NO_ACTIVE_RECORDING): no recording can capture the card. Any
      // other failure may leave a recording running, so no card is taken.
      if (event.error && event.error !== 'NO_ACTIVE_RECORDING') {
        twiml.say('Sorry, we cannot take your card securely right now. Nothing was charged. Please call back later.');
        twiml.hangup();
        break;
      }
      // As the flow's Capture Payments widget: the same cards, no postal code (<Pay> asks for one unless told not to).
      twiml.pay({
        // Each stage and the result go into the call's evidence, so the capture gets a verdict against the pause.
        statusCallback: '/callbacks/payment',
        action: control('/callbacks/payment', {}, `${SELF}?step=paid`),
        paymentConnector: 'Default',
        chargeAmount: '0',
        currency: 'usd',
        maxAttempts: 2,
        timeout: 5,
        paymentMethod: 'credit-card',
        tokenType: 'reusable',
        securityCode: true,
        postalCode: 'false',
        validCardTypes: ['visa', 'mastercard', 'amex', 'discover'],
        language: 'en-US',
        description: 'Card on file for your bill',
      });
      break;
    case 'paid': {
      // Twilio posts the action even when the caller hangs up; nothing can run on the ended call.
      if (event.Result === 'caller-hung-up') break;
      const outcome = event.Result === 'success' ? 'paid' : 'not-paid';
      // A failed resume leaves the recording paused, which is safe: the caller hears the outcome anyway.
      twiml.redirect(
        control('/recording/set-status', { Status: 'resume', All: 'true' }, `${SELF}?step=done&outcome=${outcome}`),
      );
      break;
    }
    default:
      twiml.say(
        event.outcome === 'paid'
          ? 'Thank you. Your card was accepted.'
          : 'Sorry, we could not take your card. Nothing was charged. Please call back later.',
      );
      twiml.hangup();
  }
  callback(null, twiml);
};
