// The quick bench in CI fails on a wrong figure: each promise of its printed figures, broken on purpose.
import { wrongFigures } from '../../bench/checks';

const good = {
  burst: { controls: 100, succeeded: 100, failures: {}, pausedOnTwilio: 100, worst: 6457 },
  callbackThroughput: { 'one call, 50 in flight': { lostUpdates: 0 } },
  documentGrowth: [{ tracked: 100, documentBytes: 12_000 }],
  console: { pageLoadTo200RowsMs: { p50: 525 } },
  roundTrips: {
    rows: [
      { control: '/recording/start', requestsInSequence: 4 },
      { control: '/recording/status', requestsInSequence: 1, ratio: 1.08, raw: 'list recordings' },
    ],
  },
};

test('right figures: nothing wrong', () => {
  expect(wrongFigures(good)).toEqual([]);
});

test.each([
  ['a failed control', { burst: { ...good.burst, succeeded: 99, failures: { TWILIO_TIMEOUT: 1 } } }, 'succeeded'],
  ['a pause not on Twilio', { burst: { ...good.burst, pausedOnTwilio: 98 } }, 'paused on Twilio'],
  ['an answer past 10 s', { burst: { ...good.burst, worst: 10_400 } }, 'not under 10 s'],
  ['a lost update', { callbackThroughput: { x: { lostUpdates: 1 } } }, 'lost updates'],
  ['a document over 16 KiB', { documentGrowth: [{ tracked: 100, documentBytes: 16_385 }] }, "Sync's 16 KiB"],
  ['a browser failure', { console: { pageLoadTo200RowsMs: 'not measured: no Chromium' } }, 'Chromium'],
  [
    'a round trip added',
    { roundTrips: { rows: [{ control: '/recording/start', requestsInSequence: 5 }] } },
    'requests in sequence',
  ],
  [
    'a status slower than one list',
    {
      roundTrips: {
        rows: [{ control: '/recording/status', requestsInSequence: 1, ratio: 1.2, raw: 'list recordings' }],
      },
    },
    'over 1.15x',
  ],
  ['a control not documented', { roundTrips: { rows: [{ control: '/new', requestsInSequence: 1 }] } }, 'documented'],
])('%s is a wrong figure', (_name, change, says) => {
  expect(wrongFigures({ ...good, ...change })).toEqual([expect.stringContaining(says)]);
});
