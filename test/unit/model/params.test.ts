// How a Function reads its parameters: each rule against the values Studio, TwiML and curl send.
import {
  absoluteUrl,
  bool,
  choice,
  count,
  date,
  nextUrl,
  optional,
  parseParams,
  personName,
  recordingSid,
  required,
  setStatusOptions,
  shortText,
  sid,
  STATUS_ALIASES,
  RECORDING_STATUSES,
} from '../../../lib/model/params';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    const { status, code, message } = err as { status: number; code: string; message: string };
    return { status, code, message };
  }
  throw new Error('not refused');
};

const CA = 'CA' + '0123456789abcdef'.repeat(2);

describe('parseParams', () => {
  const spec = { CallSid: required('the call', sid('CA')), All: optional('all', bool) };
  test('reads the known parameters, leaves others alone, takes JSON numbers and booleans as text', () => {
    expect(parseParams(spec, { CallSid: CA, All: true, AccountSid: 'x' })).toEqual({ CallSid: CA, All: true });
    expect(parseParams(spec, { CallSid: CA, All: '' })).toEqual({ CallSid: CA, All: undefined });
    expect(parseParams(spec, { CallSid: CA, All: null })).toEqual({ CallSid: CA, All: undefined });
    expect(parseParams({ N: required('n', count) }, { N: 7 })).toEqual({ N: 7 });
  });
  test('refuses a missing required value, a value given twice or as an object, and one too long', () => {
    expect(refusal(() => parseParams(spec, {}))).toEqual({
      status: 400,
      code: 'MISSING_PARAMETER',
      message: 'CallSid is required',
    });
    expect(refusal(() => parseParams(spec, { CallSid: [CA, CA] }))).toMatchObject({
      status: 400,
      code: 'INVALID_PARAMETER',
      message: expect.stringContaining('must be given once, as text'),
    });
    expect(refusal(() => parseParams(spec, { CallSid: { a: 1 } })).code).toBe('INVALID_PARAMETER');
    expect(parseParams({ T: required('t', shortText) }, { T: 'x'.repeat(2048) }).T).toBe('x'.repeat(64));
    expect(refusal(() => parseParams({ T: required('t', shortText) }, { T: 'x'.repeat(2049) })).message).toContain(
      'longer than 2048 characters',
    );
  });
});

test('SIDs: the prefix and 32 lowercase hex digits; a recording may be Twilio.CURRENT', () => {
  expect(sid('CA')(CA, 'CallSid')).toBe(CA);
  for (const bad of [CA.toUpperCase().replace(/^CA/, 'CA'), CA + '0', CA.slice(0, -1), 'CF' + CA.slice(2), ` ${CA}`])
    expect(refusal(() => sid('CA')(bad, 'CallSid'))).toEqual({
      status: 400,
      code: 'INVALID_PARAMETER',
      message: 'CallSid must be a Call SID: CA and 32 lowercase hexadecimal digits',
    });
  expect(recordingSid('Twilio.CURRENT', 'RecordingSid')).toBe('Twilio.CURRENT');
  expect(refusal(() => recordingSid('twilio.current', 'RecordingSid')).message).toContain('Recording SID');
});

test('choices: case-insensitive, with aliases, never an inherited member', () => {
  const status = choice(RECORDING_STATUSES, STATUS_ALIASES);
  expect(['Paused', ' in-progress ', 'STOP', 'resume', 'pause'].map((v) => status(v, 'Status'))).toEqual([
    'paused',
    'in-progress',
    'stopped',
    'in-progress',
    'paused',
  ]);
  for (const bad of ['constructor', '__proto__', 'toString', 'play'])
    expect(refusal(() => status(bad, 'Status'))).toEqual({
      status: 400,
      code: 'INVALID_PARAMETER',
      message: 'Status must be one of paused, in-progress, stopped, pause, resume, stop',
    });
});

test('booleans, counts, dates', () => {
  expect(['true', 'TRUE', '1', 'yes', 'false', '0', 'No'].map((v) => bool(v, 'All'))).toEqual([
    true,
    true,
    true,
    true,
    false,
    false,
    false,
  ]);
  expect(refusal(() => bool('on', 'All')).message).toBe('All must be true or false');
  expect(count('123456789', 'N')).toBe(123456789);
  for (const bad of ['1234567890', '-1', '1.5', ''])
    expect(refusal(() => count(bad, 'N')).message).toBe('N must be a whole number');
  expect(date('Mon, 07 Dec 2026 05:00:00 +0000', 'D')).toBe('2026-12-07T05:00:00.000Z');
  expect(refusal(() => date('yesterday', 'D')).message).toBe('D must be a date');
});

test('URLs: absolute http(s), or for Next a path on this service; never one a browser reads as another host', () => {
  expect(absoluteUrl('https://example.com/cb?x=1', 'U')).toBe('https://example.com/cb?x=1');
  for (const bad of ['ftp://example.com', 'example.com', 'https://exa mple.com', 'https://"x', 'http://'])
    expect(refusal(() => absoluteUrl(bad, 'U')).message).toBe('U must be an absolute http(s) URL');
  expect(nextUrl('/next?step=2', 'Next')).toBe('/next?step=2');
  expect(nextUrl('https://example.com/next', 'Next')).toBe('https://example.com/next');
  for (const bad of ['//evil.example', '/\\evil.example', 'next', '/a b'])
    expect(refusal(() => nextUrl(bad, 'Next')).message).toBe('Next must be an absolute http(s) URL');
});

test('setStatusOptions: PauseBehavior only with a pause; All defaults to false', () => {
  expect(setStatusOptions({ Status: 'paused', PauseBehavior: 'skip' })).toEqual({
    status: 'paused',
    recordingSid: undefined,
    pauseBehavior: 'skip',
    all: false,
  });
  expect(setStatusOptions({ Status: 'stopped', All: true }).all).toBe(true);
  expect(refusal(() => setStatusOptions({ Status: 'in-progress', PauseBehavior: 'silence' }))).toEqual({
    status: 400,
    code: 'INVALID_PARAMETER',
    message: 'PauseBehavior applies only when Status is paused',
  });
});

test('a boolean may come padded; a URL must be http(s) from its first character to its last', () => {
  expect(bool(' true ', 'All')).toBe(true);
  expect(bool('\tNo\n', 'All')).toBe(false);
  expect(absoluteUrl('http://example.com/cb', 'U')).toBe('http://example.com/cb');
  for (const bad of [
    'see https://example.com',
    'https://example.com/a b',
    'https://example.com/<x>',
    'javascript:https://x',
  ])
    expect(refusal(() => absoluteUrl(bad, 'U')).message).toBe('U must be an absolute http(s) URL');
});

test("a person's name: 2 to 64 characters once trimmed, two letters or digits, no control or format character", () => {
  expect(personName('  Ada Lovelace ', 'Name')).toBe('Ada Lovelace');
  expect(personName('QA', 'Name')).toBe('QA');
  expect(personName('x'.repeat(64), 'Name')).toBe('x'.repeat(64));
  for (const bad of ['x'.repeat(65), 'A', '--', 'Ada\u0007', 'Ada\u200b', 'Ada\nLovelace'])
    expect(refusal(() => personName(bad, 'Name'))).toEqual({
      status: 400,
      code: 'INVALID_PARAMETER',
      message: 'Name must be a name: 2 to 64 letters, digits and spaces, no control characters',
    });
});
