// The quick bench in CI fails on a wrong figure: each promise of its printed figures, broken on purpose.
import { expectedSections, wrongFigures } from '../../bench/checks';

const good = {
  burst: { controls: 100, succeeded: 100, failures: {}, pausedOnTwilio: 100, worst: 6457 },
  callbackThroughput: { 'one call, 50 in flight': { lostUpdates: 0 } },
  documentGrowth: [{ tracked: 100, documentBytes: 12_000 }],
  console: { pageLoadMs: { p50: 525 } },
  consoleAtScale: { goalP95Ms: 2000, rows: [{ liveCalls: 5000, p95Ms: 1400, syncRefusals: 0, failedAnswers: 0 }] },
  roundTrips: {
    rows: [
      { control: '/recording/set-status (no RecordingSid), pause', requestsInSequence: 2 },
      { control: '/recording/set-status (no RecordingSid), resume', requestsInSequence: 3 },
      { control: '/recording/start', requestsInSequence: 3, raw: 'create', ratio: 2.5 },
      { control: '/recording/status', requestsInSequence: 1, ratio: 1.08, raw: 'list recordings' },
      { control: '/callbacks/recording-status', requestsInSequence: 2 },
    ],
  },
  twilioRequestsPerControl: {},
};
const rows = good.roundTrips.rows;
const withTrips = (control: string, requestsInSequence: number) => ({
  roundTrips: { rows: rows.map((r) => (r.control === control ? { control, requestsInSequence } : r)) },
});

test('right figures: nothing wrong', () => {
  expect(wrongFigures(good)).toEqual([]);
  expect(wrongFigures(good, expectedSections({ sustained: false, latency: false }))).toEqual([]);
  expect(wrongFigures(good, expectedSections({ sustained: false, latency: true }))).toEqual([]);
});

test('a section the run should have printed and did not is wrong, each one named', () => {
  const { burst: _burst, ...noBurst } = good;
  expect(wrongFigures(noBurst, expectedSections({ sustained: false, latency: true }))).toEqual([
    'burst: no figures in this run',
  ]);
  expect(wrongFigures({}, expectedSections({ sustained: true, latency: false }))).toEqual([
    'sustained: no figures in this run',
  ]);
  expect(wrongFigures({ quick: true }, expectedSections({ sustained: false, latency: false }))).toEqual([
    'twilioRequestsPerControl: no figures in this run',
    'callbackThroughput: no figures in this run',
    'documentGrowth: no figures in this run',
    'burst: no figures in this run',
    'console: no figures in this run',
    'consoleAtScale: no figures in this run',
  ]);
  expect(wrongFigures({}, expectedSections({ sustained: false, latency: false, console: true }))).toEqual([
    'consoleAtScale: no figures in this run',
  ]);
});

test.each([
  ['a failed control', { burst: { ...good.burst, succeeded: 99, failures: { TWILIO_TIMEOUT: 1 } } }, 'succeeded'],
  ['a pause not on Twilio', { burst: { ...good.burst, pausedOnTwilio: 98 } }, 'paused on Twilio'],
  ['an answer past 10 s', { burst: { ...good.burst, worst: 10_400 } }, 'not under 10 s'],
  ['a lost update', { callbackThroughput: { x: { lostUpdates: 1 } } }, 'lost updates'],
  ['a document over 16 KiB', { documentGrowth: [{ tracked: 100, documentBytes: 16_385 }] }, "Sync's 16 KiB"],
  ['a browser failure', { console: { pageLoadMs: 'not measured: no Chromium' } }, 'Chromium'],
  [
    'a console list over its goal',
    {
      consoleAtScale: { goalP95Ms: 2000, rows: [{ liveCalls: 5000, p95Ms: 2100, syncRefusals: 0, failedAnswers: 0 }] },
    },
    'over 2000 ms',
  ],
  [
    'a console list Sync refused',
    { consoleAtScale: { goalP95Ms: 2000, rows: [{ liveCalls: 1000, p95Ms: 900, syncRefusals: 3, failedAnswers: 0 }] } },
    '54009',
  ],
  ['a round trip added', withTrips('/recording/start', 4), '/recording/start made 4 requests in sequence, not 3'],
  [
    'a round trip missing (a resume sent before its intent is logged)',
    withTrips('/recording/set-status (no RecordingSid), resume', 2),
    'resume made 2 requests in sequence, not 3',
  ],
  [
    'a status slower than one list of the recordings',
    {
      roundTrips: {
        rows: rows.map((r) => (r.control === '/recording/status' ? { ...r, ratio: 1.2 } : r)),
      },
    },
    '/recording/status took 1.2x one list recordings, over its goal of 1.15x',
  ],
  [
    'a documented control not measured',
    { roundTrips: { rows: rows.filter((r) => r.control !== '/recording/status') } },
    'round trips: /recording/status was not measured',
  ],
  [
    'a control not documented',
    { roundTrips: { rows: [...rows, { control: '/new', requestsInSequence: 1 }] } },
    '/new has no documented count',
  ],
  [
    'a start over 2.6 creates',
    {
      roundTrips: {
        rows: rows.map((r) => (r.control === '/recording/start' ? { ...r, ratio: 2.61 } : r)),
      },
    },
    'over its goal of 2.6x',
  ],
])('%s is a wrong figure', (_name, change, says) => {
  expect(wrongFigures({ ...good, ...change })).toEqual([expect.stringContaining(says)]);
});

test("the quick run (CI's) holds the start and status to their ratios as the full run does", () => {
  const slow = {
    roundTrips: { rows: rows.map((r) => (r.control === '/recording/start' ? { ...r, ratio: 2.61 } : r)) },
  };
  expect(wrongFigures({ ...good, ...slow, quick: true })).toEqual([expect.stringContaining('over its goal of 2.6x')]);
  expect(wrongFigures({ ...good, ...slow, quick: false })).toEqual([expect.stringContaining('over its goal of 2.6x')]);
  const slowStatus = {
    roundTrips: { rows: rows.map((r) => (r.control === '/recording/status' ? { ...r, ratio: 1.2 } : r)) },
  };
  expect(wrongFigures({ ...good, ...slowStatus, quick: true })).toEqual([expect.stringContaining('1.15x')]);
});
