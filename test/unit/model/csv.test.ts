// The CSV exports (lib/model/csv): RFC 4180 quoting, no cell a spreadsheet would run as a formula, and the
// captures' table with its stages written out. (The segments' table: test/unit/model/evidence.)
import type { JudgedCapture } from '../../../lib/model/captures';
import { capturesCsv, toCsv } from '../../../lib/model/csv';
import type { Segment } from '../../../lib/model/evidence';

const RE = 'RE' + 'a'.repeat(32);
const CA = 'CA' + 'b'.repeat(32);
const segment = (by: string, extra: Partial<Segment> = {}): Segment => ({
  recordingSid: RE,
  state: 'paused',
  from: '2026-11-25T21:00:00.000Z',
  to: null,
  by,
  source: 'control',
  ...extra,
});
/** The `by` cell of a segment whose caller is `by`. */
const byCell = (by: string) =>
  toCsv([segment(by)])
    .split('\r\n')[1]
    .split(',')
    .slice(5, -4)
    .join(',');

test.each([
  ['=1+1', "'=1+1"],
  ['+1', "'+1"],
  ['-1', "'-1"],
  ['@SUM(A1)', "'@SUM(A1)"],
  ['\tx', "'\tx"],
  ['\rx', `"'\rx"`],
  ['a=1', 'a=1'],
  ['x-1', 'x-1'],
])('a cell %j is written %j', (by, cell) => {
  expect(byCell(by)).toBe(cell);
});

test('quotes, commas and line breaks are quoted, quotes doubled; every line ends with CRLF', () => {
  expect(byCell('say "hi"')).toBe('"say ""hi"""');
  expect(byCell('a,b')).toBe('"a,b"');
  expect(byCell('a\nb')).toBe('"a\nb"');
  expect(byCell('plain')).toBe('plain');
  const csv = toCsv([
    segment('x', { unproven: true, why: 'w', reason: 'r', pauseBehavior: 'skip', to: '2026-11-25T21:00:05.000Z' }),
  ]);
  expect(csv).toBe(
    'recording_sid,state,from,to,pause_behavior,by,source,unproven,reason,why\r\n' +
      `${RE},paused,2026-11-25T21:00:00.000Z,2026-11-25T21:00:05.000Z,skip,x,control,true,r,w\r\n`,
  );
  expect(toCsv([])).toBe('recording_sid,state,from,to,pause_behavior,by,source,unproven,reason,why\r\n');
});

test("the captures' table: one row per capture, its stages with attempts and errors, never card data", () => {
  const capture: JudgedCapture & { callSid: string } = {
    callSid: CA,
    id: '1',
    by: 'twilio',
    from: '2026-11-25T21:00:10.000Z',
    to: '2026-11-25T21:00:30.000Z',
    result: 'success',
    stages: [
      { for: 'payment-card-number', at: '2026-11-25T21:00:10.000Z', attempt: 1 },
      { for: 'payment-card-number', at: '2026-11-25T21:00:15.000Z', attempt: 2, errorType: 'invalid-card-number' },
      { for: 'expiration-date', at: '2026-11-25T21:00:20.000Z', attempt: 0 },
    ],
    verdict: 'exception',
    why: 'recording RE1 may have been recording; and more',
  };
  const { result: _result, ...noResult } = capture;
  expect(capturesCsv([capture, { ...noResult, stages: [], verdict: 'unknown', why: 'w' }])).toBe(
    'call_sid,from,to,result,stages,reported_by,verdict,why\r\n' +
      `${CA},2026-11-25T21:00:10.000Z,2026-11-25T21:00:30.000Z,success,payment-card-number#1 payment-card-number#2 (invalid-card-number) expiration-date,twilio,exception,recording RE1 may have been recording; and more\r\n` +
      `${CA},2026-11-25T21:00:10.000Z,2026-11-25T21:00:30.000Z,,,twilio,unknown,w\r\n`,
  );
});
