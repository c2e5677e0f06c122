// A call at a glance (lib/model/call-summary), as the console lists it: its state, its recordings, the last
// change and who acted; and the check that a summary Sync holds is one summarize wrote.
import { isSummary, pausedSince, summarize, type StateDocument } from '../../../lib/model/call-summary';

const T = (s: number) => new Date(Date.UTC(2026, 10, 25, 21, 0, s)).toISOString();
const change = (s: number, action: string, recordingSid: string, by: string) => ({
  at: T(s),
  action,
  recordingSid,
  by,
});

test('recording when any recording is in progress, paused when only pauses are live, else not recording', () => {
  const state = (...statuses: string[]) =>
    summarize({ recordings: Object.fromEntries(statuses.map((status, i) => [`RE${i}`, { status }])) });
  expect(
    [
      state('paused', 'in-progress'),
      state('in-progress'),
      state('paused', 'stopped'),
      state('stopped', 'completed'),
      state(),
    ].map((s) => [s.state, s.live]),
  ).toEqual([
    ['recording', true],
    ['recording', true],
    ['paused', true],
    ['not-recording', false],
    ['not-recording', false],
  ]);
});

test('each recording with its status, and its pause behaviour only while paused; the last change; each actor once, in order', () => {
  const doc: StateDocument = {
    recordings: {
      RE1: { status: 'paused', pauseBehavior: 'skip', at: { paused: T(20) } },
      RE2: { status: 'stopped', pauseBehavior: 'silence' },
    },
    history: [
      change(10, 'start', 'RE1', 'twiml'),
      change(15, 'paused (silence)', 'RE2', 'agent:bob'),
      change(20, 'paused (skip)', 'RE1', 'twiml'),
    ],
  };
  expect(summarize(doc)).toEqual({
    state: 'paused',
    live: true,
    recordings: [
      { recordingSid: 'RE1', status: 'paused', pauseBehavior: 'skip' },
      { recordingSid: 'RE2', status: 'stopped' },
    ],
    lastChange: change(20, 'paused (skip)', 'RE1', 'twiml'),
    actors: ['twiml', 'agent:bob'],
    pausedSince: T(20),
  });
  expect(summarize({ recordings: {} })).toEqual({ state: 'not-recording', live: false, recordings: [], actors: [] });
  // Recording: no pause time, even with one recording paused.
  expect(summarize({ recordings: { ...doc.recordings, RE3: { status: 'in-progress' } } })).not.toHaveProperty(
    'pausedSince',
  );
});

test("paused since the latest pause of the paused recordings: its time, else the history's last pause of it", () => {
  expect(
    pausedSince({
      recordings: {
        RE1: { status: 'paused', at: { paused: T(5) } },
        RE2: { status: 'paused' },
        RE3: { status: 'stopped', at: { paused: T(50) } },
      },
      history: [
        change(8, 'paused (skip)', 'RE2', 'twiml'),
        change(9, 'in-progress', 'RE2', 'twiml'),
        change(30, 'start', 'RE2', 'twiml'),
        change(40, 'paused', 'RE9', 'twiml'),
      ],
    }),
  ).toBe(T(8));
  // The history's latest pause of it, not its first.
  expect(
    pausedSince({
      recordings: { RE2: { status: 'paused' } },
      history: [change(8, 'paused', 'RE2', 'twiml'), change(12, 'paused (silence)', 'RE2', 'twiml')],
    }),
  ).toBe(T(12));
  expect(pausedSince({ recordings: { RE1: { status: 'paused', at: { paused: 'not a time' } } } })).toBeUndefined();
  expect(pausedSince({ recordings: { RE1: { status: 'paused' } } })).toBeUndefined();
});

test('a summary is one summarize wrote: anything else (by hand, another tool) is not', () => {
  const good = summarize({
    recordings: { RE1: { status: 'paused' } },
    history: [change(1, 'paused', 'RE1', 'twiml')],
  });
  expect(isSummary(good)).toBe(true);
  expect(isSummary(summarize({ recordings: {} }))).toBe(true);
  expect(isSummary(summarize({ recordings: { RE1: { status: 'in-progress' } } }))).toBe(true);
  for (const bad of [
    null,
    [],
    'paused',
    { ...good, state: 'stopped' },
    { ...good, live: 'true' },
    { ...good, actors: 'twiml' },
    { ...good, actors: [1] },
    { ...good, recordings: {} },
    { ...good, recordings: [null] },
    { ...good, recordings: [['RE1']] },
    { ...good, recordings: [{ recordingSid: 1, status: 'paused' }] },
    { ...good, recordings: [{ recordingSid: 'RE1' }] },
    { ...good, lastChange: null },
    { ...good, lastChange: [] },
    { ...good, lastChange: { ...good.lastChange, by: 3 } },
    { ...good, lastChange: { at: T(1), action: 'paused', recordingSid: 'RE1' } },
  ])
    expect([bad, isSummary(bad)]).toEqual([bad, false]);
});
