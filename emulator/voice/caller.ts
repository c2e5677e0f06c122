/**
 * The scripted caller: what the person on an emulated call does when asked, in order. Given on the
 * control surface with an incoming call, or added later; an empty script is a caller who stays silent.
 */
/** The card types <Pay> knows (its `validCardTypes`, twilio.com/docs/voice/twiml/pay). */
export const CARD_TYPES = [
  'visa',
  'mastercard',
  'amex',
  'maestro',
  'discover',
  'optima',
  'jcb',
  'diners-club',
  'enroute',
] as const;

export type PayOutcome =
  'success' | 'declined' | 'silent' | 'hangup' | 'interrupt' | 'connector-error' | 'internal-error';
export const PAY_OUTCOMES: readonly PayOutcome[] = [
  'success',
  'declined',
  'silent',
  'hangup',
  'interrupt',
  'connector-error',
  'internal-error',
];

/**
 * One attempt at a <Pay> prompt: card accepted, declined, nothing entered, hung up, `*` pressed, the
 * connector failed, or Twilio did; the card's type (default visa) and the postal code keyed (default 94105).
 */
export interface PayAttempt {
  pay: PayOutcome;
  cardType?: string;
  postalCode?: string;
}

export type CallerInput =
  | { digits: string }
  | { speech: string }
  /** Says nothing until the prompt times out. */
  | { silent: true }
  | { hangup: true }
  | PayAttempt;

/** The input as given, or a sentence saying why it is not one. */
export function parseInput(raw: unknown): CallerInput | string {
  const x = (raw ?? {}) as Record<string, unknown>;
  if (typeof x.digits === 'string' && /^[0-9*#w]+$/.test(x.digits)) return { digits: x.digits };
  if (typeof x.speech === 'string' && x.speech.trim()) return { speech: x.speech };
  if (x.silent === true) return { silent: true };
  if (x.hangup === true) return { hangup: true };
  if (PAY_OUTCOMES.includes(x.pay as PayOutcome)) return payAttempt(x);
  return `each input is {"digits": "0-9*#"}, {"speech": "text"}, {"silent": true}, {"hangup": true} or {"pay": "${PAY_OUTCOMES.join('" | "')}", "cardType"?, "postalCode"?}; got ${JSON.stringify(raw)}`;
}

function payAttempt(x: Record<string, unknown>): PayAttempt | string {
  const { cardType, postalCode } = x;
  if (cardType !== undefined && !(CARD_TYPES as readonly unknown[]).includes(cardType))
    return `cardType must be one of ${CARD_TYPES.join(', ')}; got ${JSON.stringify(cardType)}`;
  if (postalCode !== undefined && typeof postalCode !== 'string') return 'postalCode must be a string';
  return {
    pay: x.pay as PayOutcome,
    ...(cardType === undefined ? {} : { cardType: cardType as string }),
    ...(postalCode === undefined ? {} : { postalCode }),
  };
}

/** What the caller does at a keypad or speech prompt: the next input, or silence when the script is out. */
export function answerPrompt(
  inputs: CallerInput[],
): { digits: string } | { speech: string } | { silent: true } | { hangup: true } {
  const next = inputs[0];
  if (next && !('pay' in next)) {
    inputs.shift();
    return next;
  }
  return { silent: true };
}

/** The digits a gather reports: up to the finish key (not included), or the first `numDigits`. */
export function keyed(digits: string, finishOnKey: string, numDigits?: number): string {
  const end = finishOnKey ? digits.indexOf(finishOnKey) : -1;
  const typed = end >= 0 ? digits.slice(0, end) : digits;
  return numDigits ? typed.slice(0, numDigits) : typed;
}

/** What the caller does at one <Pay> attempt: the next pay input (or hang-up/silence), else silence. */
export function answerPay(inputs: CallerInput[]): PayAttempt {
  const next = inputs[0];
  if (!next) return { pay: 'silent' };
  if ('pay' in next) {
    inputs.shift();
    return next;
  }
  if ('hangup' in next || 'silent' in next) {
    inputs.shift();
    return { pay: 'hangup' in next ? 'hangup' : 'silent' };
  }
  // Keypad digits or speech at a card prompt are not a card: the attempt times out.
  return { pay: 'silent' };
}
