// The quick bench in CI fails on a wrong figure: each promise of its printed figures, broken on purpose.
import { wrongFigures } from '../../bench/checks';

const good = {
  burst: { controls: 100, succeeded: 100, failures: {}, pausedOnTwilio: 100, worst: 6457 },
  callbackThroughput: { 'one call, 50 in flight': { lostUpdates: 0 } },
  documentGrowth: [{ tracked: 100, documentBytes: 12_000 }],
  console: { pageLoadMs: { p50: 525 } },
  consoleAtScale: { goalP95Ms: 2000, rows: [{ liveCalls: 5000, p95Ms: 1400, syncRefusals: 0, failedAnswers: 0 }] },
  roundTrips: { rows: [{ control: '/recording/start', requestsInSequence: 4 }] },
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
  [
    'a round trip added',
    { roundTrips: { rows: [{ control: '/recording/start', requestsInSequence: 5 }] } },
    'requests in sequence',
  ],
  ['a control not documented', { roundTrips: { rows: [{ control: '/new', requestsInSequence: 1 }] } }, 'documented'],
])('%s is a wrong figure', (_name, change, says) => {
  expect(wrongFigures({ ...good, ...change })).toEqual([expect.stringContaining(says)]);
});
