/**
 * The scripted caller: what the person on an emulated call does when asked, in order. Given on the
 * control surface with an incoming call, or added later; an empty script is a caller who stays silent.
 */
export type PayOutcome = 'success' | 'declined' | 'silent' | 'hangup' | 'interrupt' | 'connector-error';
export const PAY_OUTCOMES: readonly PayOutcome[] = [
  'success',
  'declined',
  'silent',
  'hangup',
  'interrupt',
  'connector-error',
];

export type CallerInput =
  | { digits: string }
  | { speech: string }
  /** Says nothing until the prompt times out. */
  | { silent: true }
  | { hangup: true }
  /** One attempt at a <Pay> prompt: card accepted, declined, nothing entered, hung up, `*` pressed, or the connector failed. */
  | { pay: PayOutcome };

/** The input as given, or a sentence saying why it is not one. */
export function parseInput(raw: unknown): CallerInput | string {
  const x = (raw ?? {}) as Record<string, unknown>;
  if (typeof x.digits === 'string' && /^[0-9*#w]+$/.test(x.digits)) return { digits: x.digits };
  if (typeof x.speech === 'string' && x.speech.trim()) return { speech: x.speech };
  if (x.silent === true) return { silent: true };
  if (x.hangup === true) return { hangup: true };
  if (PAY_OUTCOMES.includes(x.pay as PayOutcome)) return { pay: x.pay as PayOutcome };
  return `each input is {"digits": "0-9*#"}, {"speech": "text"}, {"silent": true}, {"hangup": true} or {"pay": "${PAY_OUTCOMES.join('" | "')}"}; got ${JSON.stringify(raw)}`;
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
export function answerPay(inputs: CallerInput[]): PayOutcome {
  const next = inputs[0];
  if (!next) return 'silent';
  if ('pay' in next) {
    inputs.shift();
    return next.pay;
  }
  if ('hangup' in next || 'silent' in next) {
    inputs.shift();
    return 'hangup' in next ? 'hangup' : 'silent';
  }
  // Keypad digits or speech at a card prompt are not a card: the attempt times out.
  return 'silent';
}
