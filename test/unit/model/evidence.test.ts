// The pure rules of the evidence: segments from entries in any order, the pause-window check, the CSV.
import { toCsv } from '../../../lib/model/csv';
import type { Segment } from '../../../lib/model/evidence';
import type { ListedRecording } from '../../../lib/model/proof';
import { entriesAt } from './entries';
import { toSegments, windowInsidePause } from '../../../lib/model/segments';
import { CLOCK_SKEW_MARGIN_MS } from '../../../lib/model/statuses';

const RE = 'RE' + 'a'.repeat(32);
const t = (s: number) => new Date(Date.UTC(2026, 10, 25, 21, 0, s)).toISOString();
/** `s` seconds moved by the clock margin (model/proof): `+1` later, `-1` earlier. */
const edge = (s: number, sign: 1 | -1) => new Date(Date.parse(t(s)) + sign * CLOCK_SKEW_MARGIN_MS).toISOString();
/** The state, from and to of each segment: what these tests compare. */
const spans = (segments: Segment[]) => segments.map((s) => [s.state, s.from, s.to]);
const entry = entriesAt(t, RE, 'console:admin');

const call = [
  entry(0, 'in-progress', { by: 'studio:FW1/FN1' }),
  entry(1, 'in-progress', { by: 'twilio', source: 'callback' }),
  entry(10, 'paused', { pauseBehavior: 'skip', by: 'agent:alice' }),
  entry(11, 'in-progress', { by: 'twilio', source: 'callback' }),
  entry(20, 'in-progress'),
  entry(30, 'stopped'),
  entry(31, 'completed', { by: 'twilio', source: 'callback' }),
];

test("segments: a callback's in-progress neither opens a second stretch nor ends a pause; stopped stays stopped; order of arrival does not matter", () => {
  const pause = { recordingSid: RE, pauseBehavior: 'skip', by: 'agent:alice', source: 'control' };
  // The pause's edges within the clock margin are uncertain: read on an instance's clock.
  const margin = expect.stringContaining(`within ${CLOCK_SKEW_MARGIN_MS} ms`);
  const expected = [
    { recordingSid: RE, state: 'recorded', from: t(0), to: t(10), by: 'studio:FW1/FN1', source: 'control' },
    { ...pause, state: 'uncertain', from: t(10), to: edge(10, 1), why: margin },
    { ...pause, state: 'paused', from: edge(10, 1), to: edge(20, -1) },
    { ...pause, state: 'uncertain', from: edge(20, -1), to: t(20), why: margin },
    { recordingSid: RE, state: 'recorded', from: t(20), to: t(30), by: 'console:admin', source: 'control' },
    { recordingSid: RE, state: 'stopped', from: t(30), to: t(30), by: 'console:admin', source: 'control' },
  ];
  expect(toSegments(call)).toEqual(expected);
  expect(toSegments([...call].reverse())).toEqual(expected);
});

/** Twilio's list of the call's one recording, read at 100 s. */
const listed = (status: string): ListedRecording[] => [{ recordingSid: RE, status, startTime: t(0), listedAt: t(100) }];

test('the window check: inside a pause only when no moment of it was recorded and a pause covers all of it', () => {
  const inside = (from: number, to: number) =>
    windowInsidePause(call, new Date(t(from)), new Date(t(to)), listed('completed')).insidePause;
  expect(inside(12, 18)).toBe(true);
  expect(inside(11, 19)).toBe(true);
  expect(inside(10, 20)).toBe(false); // its edges, on the instances' clocks, are within the clock margin
  expect(inside(9, 15)).toBe(false);
  expect(inside(15, 21)).toBe(false);
  expect(inside(40, 50)).toBe(false);
  // A pause still under way covers everything after it.
  expect(windowInsidePause(call.slice(0, 3), new Date(t(100)), new Date(t(200)), listed('paused')).insidePause).toBe(
    true,
  );
});

test("the window check without Twilio's list is unknown, never true: a recording made elsewhere may have recorded", () => {
  expect(windowInsidePause(call, new Date(t(12)), new Date(t(18)), undefined).insidePause).toBe('unknown');
  const elsewhere: ListedRecording = { recordingSid: 'RE' + 'b'.repeat(32), status: 'in-progress', listedAt: t(100) };
  expect(
    windowInsidePause(call, new Date(t(12)), new Date(t(18)), [...listed('completed'), elsewhere]).insidePause,
  ).toBe(false);
});

test("a change took effect between its control's sentAt and at: uncertain there, the pause proven from its answer to its resume's request", () => {
  const timed = [
    entry(0, 'in-progress'),
    entry(12, 'paused', { sentAt: t(10), pauseBehavior: 'skip' }),
    entry(22, 'in-progress', { sentAt: t(20) }),
  ];
  const segments = toSegments(timed);
  expect(spans(segments)).toEqual([
    ['recorded', t(0), t(10)],
    ['uncertain', t(10), edge(12, 1)],
    ['paused', edge(12, 1), edge(20, -1)],
    ['uncertain', edge(20, -1), t(22)],
    ['recorded', t(22), null],
  ]);
  // A clean pause: proven throughout, nothing flagged.
  expect(segments.filter((s) => s.unproven)).toEqual([]);
  const inside = (from: number, to: number) =>
    windowInsidePause(timed, new Date(t(from)), new Date(t(to)), listed('in-progress')).insidePause;
  expect(inside(13, 19)).toBe(true);
  expect(inside(11, 15)).toBe(false); // the pause may not have begun yet
  expect(inside(15, 21)).toBe(false); // the resume may already have taken effect
});

test('a pause whose control overlapped a resume proves nothing: uncertain until Twilio is read back', () => {
  const racing = [
    entry(0, 'in-progress'),
    entry(12, 'paused', { sentAt: t(10) }),
    entry(13, 'in-progress', { sentAt: t(11), by: 'agent:bob' }),
    entry(20, 'paused', { sentAt: t(19), action: 'checked', by: 'twilio' }),
  ];
  const segments = toSegments(racing);
  expect(spans(segments)).toEqual([
    ['recorded', t(0), t(10)],
    ['uncertain', t(10), edge(20, 1)],
    ['paused', edge(20, 1), null],
  ]);
  expect(segments[1].why).toMatch(/either order/);
  expect(windowInsidePause(racing, new Date(t(12)), new Date(t(12.5)), listed('paused')).insidePause).toBe(false);
  // Once Twilio was read back as paused, the pause from that answer on is proved.
  expect(windowInsidePause(racing, new Date(t(21)), new Date(t(30)), listed('paused')).insidePause).toBe(true);
});

test('CSV: a header, one row per segment, quoting, and no formula a spreadsheet would run', () => {
  const csv = toCsv(
    toSegments([entry(0, 'in-progress', { by: '=HYPERLINK("http://x","y"), and more' }), entry(5, 'paused')]),
  );
  const lines = csv.trimEnd().split('\r\n');
  expect(lines[0]).toBe('recording_sid,state,from,to,pause_behavior,by,source,unproven,reason,why');
  expect(lines[1]).toBe(`${RE},recorded,${t(0)},${t(5)},,"'=HYPERLINK(""http://x"",""y""), and more",control,,,`);
  expect(lines[2]).toMatch(
    new RegExp(`^${RE},uncertain,${t(5)},${edge(5, 1)},silence,console:admin,control,,,"within`),
  );
  expect(lines[3]).toBe(`${RE},paused,${edge(5, 1)},,silence,console:admin,control,,,`);
  // A supervisor's reason is a cell of its own, quoted, never run as a formula.
  const lifted = toCsv(toSegments([entry(0, 'paused'), entry(5, 'in-progress', { reason: '=1+1, "card" step over' })]));
  expect(lifted.trimEnd().split('\r\n').at(-1)).toMatch(/,"'=1\+1, ""card"" step over",$/);
});
