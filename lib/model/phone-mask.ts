/**
 * A caller's or called number as the console shows it: the middle hidden, so that a screen seen over a
 * shoulder, or its screenshot, does not give the number away, while the start (country, area) and the
 * last digits still tell calls apart. A Twilio Client or Flex identity (`client:…`) is a person's app,
 * not a number, and stays as it is.
 */
export function maskNumber(value: string): string {
  if (value.startsWith('client:') || value.length === 0) return value;
  const [head, tail] = value.length >= 10 ? [5, 4] : [Math.floor(value.length / 3), Math.floor(value.length / 4)];
  return `${value.slice(0, head)}•••${value.slice(value.length - tail)}`;
}

/** Whether `number` holds the digits asked for (at least one digit asked): a filter, not a mask's concern. */
export function numberMatches(number: string | undefined, digits: string): boolean {
  return digits.length > 0 && (number ?? '').replace(/\D/g, '').includes(digits);
}
