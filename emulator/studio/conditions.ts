/** One condition of a Split Based On… branch, as in the flow JSON. */
export interface Condition {
  friendly_name?: string;
  arguments?: string[];
  type: string;
  value?: string;
}

const list = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
const number = (value: string) => (value.trim() === '' ? NaN : Number(value));

/**
 * Whether `input` (already rendered) meets the condition. Studio compares text case-insensitively with
 * the ends trimmed; `matches_any_of` takes a comma list; the number tests need numbers on both sides.
 */
export function conditionHolds(type: string, input: string, rawValue = ''): boolean {
  const a = input.trim().toLowerCase();
  const b = rawValue.trim().toLowerCase();
  switch (type) {
    case 'equal_to':
      return a === b;
    case 'not_equal_to':
      return a !== b;
    case 'matches_any_of':
      return list(b).includes(a);
    case 'does_not_match_any_of':
      return !list(b).includes(a);
    case 'is_blank':
      return a === '';
    case 'is_not_blank':
      return a !== '';
    case 'contains':
      return a.includes(b);
    case 'does_not_contain':
      return !a.includes(b);
    case 'starts_with':
      return a.startsWith(b);
    case 'does_not_start_with':
      return !a.startsWith(b);
    case 'regex':
      return new RegExp(rawValue).test(input);
    case 'less_than':
      return number(input) < number(rawValue);
    case 'greater_than':
      return number(input) > number(rawValue);
    default:
      throw new Error(`the emulator's Studio runner does not evaluate condition type ${type}`);
  }
}
