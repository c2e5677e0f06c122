import { errors } from '../errors';

/** An enum parameter: its value if allowed, the fallback if absent, else Twilio's 400 naming it. */
export function oneOf<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw errors.invalidParameter(name, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}
