const list = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
const number = (value: string) => (value.trim() === '' ? NaN : Number(value));

/** Minutes into the day of an `HH:MM` (24-hour) time, or NaN. */
function minutes(value: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(value);
  return m && Number(m[1]) < 24 && Number(m[2]) < 60 ? Number(m[1]) * 60 + Number(m[2]) : NaN;
}

/** Days since the epoch of a `YYYY-MM-DD` date, or NaN. */
function days(value: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return NaN;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value ? NaN : ms / 86_400_000;
}

/** Whether the whole of `input` matches the pattern, ignoring case; a pattern that does not compile matches nothing. */
function wholeMatch(pattern: string, input: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`, 'i').test(input);
  } catch {
    return false;
  }
}

/**
 * Whether `input` (already rendered) meets the condition. Studio compares text case-insensitively with
 * the ends trimmed; `matches_any_of` takes a comma list; the number tests need numbers on both sides;
 * a regex must match the whole input; times are `HH:MM`, dates `YYYY-MM-DD`, and an unreadable one
 * meets no condition.
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
      return wholeMatch(rawValue.trim(), input.trim());
    case 'less_than':
      return number(input) < number(rawValue);
    case 'greater_than':
      return number(input) > number(rawValue);
    case 'is_before_time':
      return minutes(a) < minutes(b);
    case 'is_after_time':
      return minutes(a) > minutes(b);
    case 'is_before_date':
      return days(a) < days(b);
    case 'is_after_date':
      return days(a) > days(b);
    default:
      // Validation refuses any other type before a flow can run.
      throw new Error(`unknown condition type ${type}`);
  }
}
