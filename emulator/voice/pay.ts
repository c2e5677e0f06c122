import { newSid } from '../format';
import { answerPay, type CallerInput, type PayOutcome } from './caller';

/** <Pay>'s Result values (Studio's Capture Payments widget maps them to its events). */
export type PayResult =
  | 'success'
  | 'too-many-failed-attempts'
  | 'caller-interrupted-with-star'
  | 'caller-hung-up'
  | 'payment-connector-error';

export interface PaymentCapture {
  result: PayResult;
  /** Each attempt's outcome, in order. */
  attempts: PayOutcome[];
  /** What Twilio posts to <Pay>'s action: masked card data only, never the number itself. */
  params: Record<string, string>;
}

/**
 * Simulates <Pay> with PCI Mode on: the caller keys card data straight into Twilio's payment
 * connector, which tokenizes or charges; nothing of the card reaches the flow, the app or a recording
 * but the last four digits. A declined card or a timeout costs one attempt, up to `maxAttempts`.
 */
export function capturePayment(
  inputs: CallerInput[],
  options: { maxAttempts: number; chargeAmount?: string; currency?: string },
): PaymentCapture {
  const attempts: PayOutcome[] = [];
  const done = (result: PayResult, extra: Record<string, string> = {}): PaymentCapture => ({
    result,
    attempts,
    params: {
      Result: result,
      ...(options.chargeAmount
        ? { PaymentAmount: options.chargeAmount, PaymentCurrency: options.currency ?? 'usd' }
        : {}),
      ...extra,
    },
  });
  while (attempts.length < Math.max(1, options.maxAttempts)) {
    const outcome = answerPay(inputs);
    attempts.push(outcome);
    if (outcome === 'success') {
      return done('success', {
        PaymentCardNumber: 'xxxxxxxxxxxx1111',
        PaymentCardType: 'visa',
        ExpirationDate: '1230',
        PaymentCardPostalCode: '94105',
        SecurityCode: 'xxx',
        ...(Number(options.chargeAmount) > 0
          ? { PaymentConfirmationCode: newSid('ch_').slice(0, 27) }
          : { PaymentToken: newSid('tok_').slice(0, 28) }),
      });
    }
    if (outcome === 'hangup') return done('caller-hung-up');
    if (outcome === 'interrupt') return done('caller-interrupted-with-star');
    if (outcome === 'connector-error')
      return done('payment-connector-error', { PaymentError: 'The payment connector could not be reached' });
  }
  return done('too-many-failed-attempts', {
    PaymentError: attempts.at(-1) === 'declined' ? 'Card declined' : 'No input received before the timeout',
  });
}
