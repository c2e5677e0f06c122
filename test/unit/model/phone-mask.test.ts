// Numbers masked in the middle for the console; the number filter matches digits.
import { maskNumber, numberMatches } from '../../../lib/model/phone-mask';

test.each([
  ['+15005550006', '+1500•••0006'],
  ['+442071838750', '+4420•••8750'],
  ['12345', '1•••5'],
  // From ten characters, five shown before and four after; below, a third and a quarter.
  ['0123456789', '01234•••6789'],
  ['012345678', '012•••78'],
  ['client:alice', 'client:alice'],
  ['', ''],
])('%j is shown as %j', (number, shown) => {
  expect(maskNumber(number)).toBe(shown);
  // The middle digits of a phone number never reach the page.
  if (/^\+?\d{10,}$/.test(number)) expect(maskNumber(number)).not.toContain(number.slice(5, -4));
});

test('the filter matches digits whatever the formatting, and nothing when no digit is asked', () => {
  expect(numberMatches('+1 (500) 555-0006', '5550006')).toBe(true);
  expect(numberMatches('+15005550006', '999')).toBe(false);
  expect(numberMatches(undefined, '1')).toBe(false);
  expect(numberMatches('+15005550006', '')).toBe(false);
});
