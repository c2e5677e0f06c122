import { newSid } from '../format';
import { answerPay, CARD_TYPES, type CallerInput, type PayAttempt } from './caller';

/** <Pay>'s Result values (twilio.com/docs/voice/twiml/pay; Studio's Capture Payments widget maps them to its events). */
export type PayResult =
  | 'success'
  | 'too-many-failed-attempts'
  | 'caller-interrupted-with-star'
  | 'caller-hung-up'
  | 'payment-connector-error'
  | 'validation-error'
  | 'internal-error';

/** What <Pay> is asked to do; every field but `maxAttempts` has Twilio's default when left out. */
export interface PayOptions {
  maxAttempts: number;
  chargeAmount?: string;
  currency?: string;
  /** Default `visa mastercard amex`. */
  validCardTypes?: string[];
  /** Ask for it (default true), do not, or the postal code already known (not asked). */
  postalCode?: boolean | string;
  /** Ask for the security code (default true). */
  securityCode?: boolean;
  /** `credit-card` (default) or `ach-debit` (not emulated: a validation error). */
  paymentMethod?: string;
}

export interface PaymentCapture {
  result: PayResult;
  /** Each attempt's outcome as the caller scripted it, in order. */
  attempts: PayAttempt['pay'][];
  /** What Twilio posts to <Pay>'s action: masked card data only, never the number itself. */
  params: Record<string, string>;
  /** What each statusCallback request adds to AccountSid and CallSid: the stage (`For`), `Attempt`, any `ErrorType`. */
  progress: Array<Record<string, string>>;
}

const DEFAULT_CARD_TYPES = ['visa', 'mastercard', 'amex'];
/** The last four digits each test card shows, and its length. */
const TEST_CARDS: Partial<Record<string, { last4: string; length: number }>> = {
  visa: { last4: '1111', length: 16 },
  mastercard: { last4: '4444', length: 16 },
  amex: { last4: '0005', length: 15 },
  discover: { last4: '1117', length: 16 },
};

/** The first attribute Twilio would refuse (Result `validation-error`, its PaymentError), if any. */
function invalidAttribute(o: PayOptions): string | undefined {
  const amount = o.chargeAmount === undefined ? 0 : Number(o.chargeAmount);
  if (!(amount >= 0 && amount <= 1_000_000) || o.chargeAmount?.trim() === '')
    return `chargeAmount='${o.chargeAmount}' (not a number between 0.00 - 1,000,000.00)`;
  if (![1, 2, 3].includes(o.maxAttempts)) return `maxAttempts='${o.maxAttempts}' (not 1, 2 or 3)`;
  const unknown = (o.validCardTypes ?? []).filter((t) => !(CARD_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) return `validCardTypes='${unknown.join(' ')}' (not one of ${CARD_TYPES.join(', ')})`;
  if ((o.paymentMethod ?? 'credit-card') !== 'credit-card')
    return `paymentMethod='${o.paymentMethod}' (the emulator takes credit-card only)`;
  return undefined;
}

/**
 * Simulates <Pay> with PCI Mode on (twilio.com/docs/voice/twiml/pay): the caller keys card data straight
 * into Twilio's payment connector, stage by stage (card number, expiration date, security code, postal
 * code, processing), and nothing of the card reaches the flow, the app or a recording but the masked
 * number. A timeout, a card type not in `validCardTypes`, a bad postal code or a declined card costs one
 * attempt, up to `maxAttempts`.
 */
export function capturePayment(inputs: CallerInput[], options: PayOptions): PaymentCapture {
  const attempts: PayAttempt['pay'][] = [];
  const progress: Array<Record<string, string>> = [];
  const done = (result: PayResult, extra: Record<string, string> = {}): PaymentCapture => ({
    result,
    attempts,
    progress,
    params: {
      Result: result,
      ...(options.chargeAmount
        ? { PaymentAmount: options.chargeAmount, PaymentCurrency: options.currency ?? 'usd' }
        : {}),
      ...extra,
    },
  });
  const invalid = invalidAttribute(options);
  if (invalid) return done('validation-error', { PaymentError: invalid });
  const validTypes = options.validCardTypes?.length ? options.validCardTypes : DEFAULT_CARD_TYPES;
  const askPostalCode = options.postalCode ?? true;
  const askSecurityCode = options.securityCode ?? true;
  let lastError = 'No input received before the timeout';
  while (attempts.length < options.maxAttempts) {
    const input = answerPay(inputs);
    attempts.push(input.pay);
    const attempt = { Attempt: String(attempts.length) };
    const stage = (For: string, more: Record<string, string> = {}) => progress.push({ For, ...attempt, ...more });
    if (input.pay === 'hangup') return done('caller-hung-up');
    if (input.pay === 'interrupt') return done('caller-interrupted-with-star');
    if (input.pay === 'internal-error') {
      stage('payment-card-number', { ErrorType: 'internal-error' });
      return done('internal-error', { PaymentError: 'Twilio encountered an internal error' });
    }
    if (input.pay === 'silent') {
      stage('payment-card-number', { ErrorType: 'input-timeout' });
      lastError = 'No input received before the timeout';
      continue;
    }
    const cardType = input.cardType ?? 'visa';
    if (!validTypes.includes(cardType)) {
      stage('payment-card-number', { ErrorType: 'invalid-card-type' });
      lastError = `invalid-card-type: ${cardType} is not one of ${validTypes.join(' ')}`;
      continue;
    }
    const card = TEST_CARDS[cardType] ?? { last4: '0000', length: 16 };
    const captured: Record<string, string> = {
      PaymentCardNumber: 'x'.repeat(card.length - 4) + card.last4,
      PaymentCardType: cardType,
    };
    stage('payment-card-number');
    stage('expiration-date', captured);
    captured.ExpirationDate = '1230';
    if (askSecurityCode) {
      stage('security-code', captured);
      captured.SecurityCode = 'x'.repeat(cardType === 'amex' ? 4 : 3);
    }
    if (askPostalCode === true) {
      stage('postal-code', captured);
      const postal = input.postalCode ?? '94105';
      if (!/^[A-Za-z0-9]{3,10}$/.test(postal)) {
        progress[progress.length - 1].ErrorType = 'invalid-postal-code';
        lastError = 'invalid-postal-code';
        continue;
      }
      captured.PaymentCardPostalCode = postal;
    } else if (typeof askPostalCode === 'string') captured.PaymentCardPostalCode = askPostalCode;
    stage('payment-processing', captured);
    if (input.pay === 'connector-error')
      return done('payment-connector-error', { PaymentError: 'The payment connector could not be reached' });
    if (input.pay === 'declined') {
      lastError = 'card is declined';
      continue;
    }
    return done('success', {
      ...captured,
      PaymentMethod: 'credit-card',
      ...(Number(options.chargeAmount) > 0
        ? { PaymentConfirmationCode: newSid('ch_').slice(0, 27) }
        : { PaymentToken: newSid('tok_').slice(0, 28) }),
    });
  }
  return done('too-many-failed-attempts', { PaymentError: lastError });
}
