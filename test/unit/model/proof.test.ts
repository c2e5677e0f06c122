// The rule of proof (lib/model/proof), case by case, with expected answers written by hand.
import type { EvidenceEntry } from '../../../lib/model/evidence';
import { intersect, proven, provenPauses, union, type ListedRecording } from '../../../lib/model/proof';
import { toSegments } from '../../../lib/model/segments';
import { CLOCK_SKEW_MARGIN_MS, LATEST_EFFECT_MS } from '../../../lib/model/statuses';

const RE = 'RE' + 'a'.repeat(32);
const RE2 = 'RE' + 'b'.repeat(32);
const T0 = Date.UTC(2026, 10, 25, 21, 0, 0);
const t = (s: number) => new Date(T0 + s * 1000).toISOString();
let n = 0;
const id = () => String(n++);

/** A control's answer: sent at `sent`, answered at `at` (seconds). */
const answer = (sent: number, at: number, status: string, extra: Partial<EvidenceEntry> = {}): EvidenceEntry => ({
  id: id(),
  sentAt: t(sent),
  at: t(at),
  recordingSid: RE,
  status,
  by: 'studio:FW1/FN1',
  source: 'control',
  ...extra,
});
/** Logged before a resume or a start was sent. */
const intent = (sent: number, control: string, action = 'in-progress', recordingSid = RE): EvidenceEntry => ({
  id: id(),
  sentAt: t(sent),
  at: t(sent),
  recordingSid,
  status: action,
  action,
  by: 'agent:bob',
  source: 'intent',
  control,
});
const readBack = (sent: number, at: number, status: string): EvidenceEntry => ({
  ...answer(sent, at, status),
  by: 'twilio',
  source: 'read-back',
});

/** The clock margin, in seconds: every edge an instance's clock timed is moved inwards by it. */
const M = CLOCK_SKEW_MARGIN_MS / 1000;

const started = [intent(0, 's', 'start', '*'), answer(0, 1, 'in-progress', { control: 's', action: 'start' })];
const inside = (entries: EvidenceEntry[], from: number, to: number, listed?: ListedRecording[]) =>
  provenPauses(entries, listed).some(([a, b]) => a <= T0 + from * 1000 && T0 + to * 1000 <= b);

test('a pause counts from its answer until the earliest send of anything that may lift it', () => {
  const log = [...started, answer(10, 11, 'paused'), intent(20, 'r'), answer(20, 21, 'in-progress', { control: 'r' })];
  expect(inside(log, 11 + M, 20 - M)).toBe(true);
  expect(inside(log, 11, 12)).toBe(false); // the pause's answer, on an instance's clock: within the margin
  expect(inside(log, 10.5, 12)).toBe(false); // before the pause's answer
  expect(inside(log, 19, 20.5)).toBe(false); // the resume may have taken effect at its send
  expect(inside(log, 0.5, 0.9)).toBe(false); // recording, not paused
});

test('before its start was sent a recording did not exist, but that alone is no pause', () => {
  const log = [...started, answer(10, 11, 'paused')];
  expect(inside(log, -5, -1)).toBe(false);
  expect(inside(log, 12, 100)).toBe(true);
});

test('mixed behaviours: a resume in flight cuts the earlier pause at its send, and the racing pause proves nothing', () => {
  const log = [
    ...started,
    answer(10, 11, 'paused', { pauseBehavior: 'skip' }),
    intent(15, 'r'),
    answer(16, 18, 'paused', { pauseBehavior: 'silence' }),
    answer(15, 19, 'in-progress', { control: 'r' }),
  ];
  expect(inside(log, 11 + M, 15 - M)).toBe(true);
  expect(inside(log, 14, 16)).toBe(false);
  expect(inside(log, 18, 19)).toBe(false);
});

test('answers out of order: a resume that did its work but answered 500 ends the pause at its own send', () => {
  const log = [
    ...started,
    answer(5, 6, 'paused'),
    intent(20, 'r1'),
    answer(20, 21, 'error', { control: 'r1' }),
    intent(22, 'r2'),
    answer(22, 23, 'in-progress', { control: 'r2' }),
  ];
  expect(inside(log, 6 + M, 20 - M)).toBe(true);
  expect(inside(log, 19, 20.5)).toBe(false);
});

test('a resume whose instance died: no pause is proven until a pause sent after it can no longer be lifted by it', () => {
  const late = LATEST_EFFECT_MS / 1000;
  const log = [...started, answer(5, 6, 'paused'), intent(20, 'r'), answer(25, 26, 'paused')];
  expect(inside(log, 6 + M, 20 - M)).toBe(true);
  expect(inside(log, 26, 27)).toBe(false); // the resume may still take effect after this pause
  const after = [...log, answer(20 + late + 1, 20 + late + 2, 'paused')];
  expect(inside(after, 20 + late + 2 + M, 20 + late + 10)).toBe(true);
});

test('a read-back of Twilio as paused proves the pause from its answer, when nothing could lift it since', () => {
  const log = [
    ...started,
    answer(10, 12, 'paused'),
    intent(11, 'r'),
    answer(11, 13, 'in-progress', { control: 'r' }),
    readBack(19, 20, 'paused'),
  ];
  expect(inside(log, 12, 12.5)).toBe(false);
  expect(inside(log, 21, 30)).toBe(true);
  const segments = toSegments(log);
  // A read-back says nothing of how Twilio pauses.
  expect(segments.find((s) => s.state === 'paused' && s.from > t(20))).toEqual(
    expect.not.objectContaining({ pauseBehavior: expect.anything() }),
  );
});

test('every recording counts: one Twilio lists that the evidence never heard of breaks the proof while it may have lived', () => {
  const log = [...started, answer(10, 11, 'paused')];
  const listed: ListedRecording[] = [
    { recordingSid: RE, status: 'paused', startTime: t(0), listedAt: t(60) },
    { recordingSid: RE2, status: 'completed', startTime: t(30), listedAt: t(60) },
  ];
  expect(inside(log, 12, 29, listed)).toBe(true);
  expect(inside(log, 29, 31, listed)).toBe(false);
  expect(inside(log, 35, 36, listed)).toBe(false);
  // Twilio said it had ended when the list was answered, and not before (within the clock margin).
  expect(inside(log, 59, 61, listed)).toBe(false);
  expect(inside(log, 60 + M, 70, listed)).toBe(true);
});

test("a finished recording ends where Twilio said it ended, never at its start + duration (a skip pause leaves time out of Twilio's duration)", () => {
  // RE2, made through the API, recorded 30–32, was paused with skip 32–40 and recorded again 40–45: Twilio's
  // duration says 7 s. Only the list read at 60 says it had ended.
  const log = [...started, answer(10, 11, 'paused')];
  const skipped = { recordingSid: RE2, status: 'completed', startTime: t(30), duration: 7, listedAt: t(60) };
  const listed: ListedRecording[] = [{ recordingSid: RE, status: 'paused', startTime: t(0), listedAt: t(60) }, skipped];
  expect(inside(log, 41, 44, listed)).toBe(false);
  // The stop's answer is Twilio's word on the end.
  const stopped = [...log, answer(44, 45, 'stopped', { recordingSid: RE2 })];
  expect(inside(stopped, 44, 45, listed)).toBe(false);
  expect(inside(stopped, 45 + M, 50, listed)).toBe(true);
});

test('clocks apart: a pause answered on one instance and a resume sent on another within the margin prove nothing between them', () => {
  // The resume was sent 40 ms after the pause's answer, read on two clocks up to CLOCK_SKEW_MARGIN_MS apart.
  const log = [
    ...started,
    answer(10, 11, 'paused'),
    intent(11.04, 'r'),
    answer(11.04, 12, 'in-progress', { control: 'r' }),
  ];
  expect(inside(log, 11, 11.04)).toBe(false);
  expect(inside(log, 11.01, 11.03)).toBe(false);
  const later = [...started, answer(10, 11, 'paused'), intent(11.5, 'r')];
  expect(inside(later, 11 + M, 11.5 - M)).toBe(true);
  expect(inside(later, 11 + M, 11.5 - M / 2)).toBe(false);
});

test('a start whose recording is unknown ends the proof, unless Twilio lists every recording', () => {
  const log = [...started, answer(10, 11, 'paused'), intent(20, 's2', 'start', '*')];
  expect(inside(log, 12, 19)).toBe(true);
  expect(inside(log, 21, 22)).toBe(false);
  expect(inside(log, 21, 22, [{ recordingSid: RE, status: 'paused', startTime: t(0), listedAt: t(30) }])).toBe(true);
});

test('a stopped recording no longer records, but only a paused one makes a pause', () => {
  const log = [
    ...started,
    intent(1, 's2', 'start', '*'),
    answer(1, 2, 'in-progress', { recordingSid: RE2, control: 's2', action: 'start' }),
    answer(10, 11, 'paused'),
    answer(12, 13, 'stopped', { recordingSid: RE2 }),
  ];
  expect(inside(log, 11, 12.5)).toBe(false); // RE2 was still recording
  expect(inside(log, 13 + M, 20)).toBe(true);
});

describe('what may lift a pause', () => {
  const paused = [...started, answer(10, 11, 'paused')];

  test('a resume logged before intents existed (a control with no intent) lifts from its send to its answer', () => {
    const log = [...paused, answer(20, 21, 'in-progress')];
    expect(inside(log, 11 + M, 20 - M)).toBe(true);
    expect(inside(log, 11 + M, 20)).toBe(false);
    // Sent while the pause was in flight: the pause proves nothing.
    const racing = [...started, answer(10, 12, 'paused'), answer(11, 13, 'in-progress')];
    expect(provenPauses(racing)).toEqual([]);
  });

  test("a read-back or Twilio's check that saw it recording, sent while the pause was in flight, is no lift of its own", () => {
    const log = [
      ...started,
      answer(10, 11, 'paused'),
      answer(10.5, 11.5, 'in-progress', { by: 'twilio', action: 'checked' }),
    ];
    expect(inside(log, 11 + M, 30)).toBe(true);
  });

  test('Twilio read back recording after the pause, with nothing logged that could lift it: resumed unseen, the pause proves nothing', () => {
    for (const seen of [
      readBack(30, 31, 'in-progress'),
      answer(30, 31, 'in-progress', { by: 'twilio', action: 'checked' }),
    ]) {
      expect(provenPauses([...paused, seen])).toEqual([]);
      // A read-back that the pause, in flight, may still have followed says nothing of it: sent before the
      // pause's answer counts (its margin on both clocks), not at it.
      expect(inside([...paused, { ...seen, sentAt: t(11 + 2 * M - 0.001) }], 12, 40)).toBe(true);
      expect(provenPauses([...paused, { ...seen, sentAt: t(11 + 2 * M) }])).toEqual([]);
      // A resume logged before it explains it: the pause holds until the resume's send.
      const resumed = [...paused, intent(20, 'r'), answer(20, 21, 'in-progress', { control: 'r' }), seen];
      expect(inside(resumed, 11 + M, 20 - M)).toBe(true);
      // Explained only by a resume sent before Twilio answered it (on clocks apart: by the margin).
      expect(inside([...paused, intent(31 + 2 * M, 'r'), seen], 12, 13)).toBe(false);
      expect(inside([...paused, intent(31 + 2 * M - 0.001, 'r'), seen], 12, 13)).toBe(true);
    }
  });

  test('a lift of another recording leaves this one paused; one of all recordings, or of the current one, lifts it', () => {
    // RE2 started and stopped before: a resume sent to it cannot make it record again.
    const other = [
      intent(1, 's2', 'start', '*'),
      answer(1, 2, 'in-progress', { recordingSid: RE2, control: 's2', action: 'start' }),
      answer(4, 5, 'stopped', { recordingSid: RE2 }),
    ];
    expect(inside([...paused, ...other, intent(20, 'r', 'in-progress', RE2)], 12, 30)).toBe(true);
    expect(inside([...paused, ...other, intent(20, 'r', 'in-progress', '*')], 12, 30)).toBe(false);
    expect(inside([...paused, intent(20, 'r', 'in-progress', '*')], 12, 30)).toBe(false);
    expect(inside([...paused, intent(20, 'r', 'in-progress', 'Twilio.CURRENT')], 12, 30)).toBe(false);
  });

  test('a start lifts no pause', () => {
    expect(
      inside([...paused, intent(20, 's2', 'start', RE)], 12, 30, [
        { recordingSid: RE, status: 'paused', startTime: t(0), listedAt: t(40) },
      ]),
    ).toBe(true);
  });

  test('a lift answered `unknown` may act until LATEST_EFFECT_MS after its send; an answered one until its answer', () => {
    const late = LATEST_EFFECT_MS / 1000;
    const unknown = [...paused, intent(20, 'r'), answer(20, 22, 'unknown', { control: 'r' })];
    const pausedAgain = (s: number) => answer(s, s + 0.5, 'paused');
    // A pause sent while the lift may still act proves nothing; one sent after, from its answer.
    expect(inside([...unknown, pausedAgain(20 + late - 1)], 20 + late + 1, 20 + late + 5)).toBe(false);
    expect(inside([...unknown, pausedAgain(20 + late + 1)], 20 + late + 2, 20 + late + 5)).toBe(true);
    // Whatever the log's order: the outcome read after its intent.
    expect(inside([...unknown].reverse().concat(pausedAgain(20 + late - 1)), 20 + late + 1, 20 + late + 5)).toBe(false);
    const answered = [...paused, intent(20, 'r'), answer(20, 22, 'in-progress', { control: 'r' })];
    expect(inside([...answered, pausedAgain(23)], 24, 30)).toBe(true);
  });

  test('at its edges: a lift answered exactly when the pause was sent, or sent exactly at its answer, is apart from it', () => {
    // Answered at 10 - 2M, so it ended (late) at 10 - M, where the pause was sent (early).
    const before = [...started, intent(5, 'r'), answer(5, 10 - 2 * M, 'in-progress', { control: 'r' })];
    expect(inside([...before, answer(10, 11, 'paused')], 11 + M, 30)).toBe(true);
    expect(
      inside(
        [
          ...before.slice(0, -1),
          answer(5, 10 - 2 * M + 0.001, 'in-progress', { control: 'r' }),
          answer(10, 11, 'paused'),
        ],
        11 + M,
        30,
      ),
    ).toBe(false);
    // Sent at 11 + 2M: early, at 11 + M, where the pause's answer counts from (late).
    const after = [...paused, intent(11 + 2 * M, 'r')];
    expect(provenPauses(after)).toEqual([]);
    expect(inside([...paused, intent(11 + 2 * M + 0.001, 'r')], 11 + M, 11 + M + 0.001)).toBe(true);
  });
});

describe('when a recording did not record', () => {
  test("before its start's intent was sent, or Twilio's start time, whichever is earlier, and never after its first word", () => {
    // RE2 started by a control at 20 (its intent), RE paused from 11: quiet before 20 - M.
    const log = [
      ...started,
      answer(10, 11, 'paused'),
      intent(20, 's2', 'start', '*'),
      // Sent half a second after its intent was logged: the intent's send bounds it.
      answer(20.5, 21, 'in-progress', { recordingSid: RE2, control: 's2', action: 'start' }),
    ];
    expect(inside(log, 12, 20 - M)).toBe(true);
    expect(inside(log, 12, 20 - M + 0.001)).toBe(false);
    // A callback's start time, earlier than the intent's send, bounds it instead.
    const withStart = [
      ...log,
      { ...answer(21, 22, 'in-progress', { recordingSid: RE2 }), source: 'callback' as const, startTime: t(15) },
    ];
    expect(inside(withStart, 12, 15)).toBe(true);
    expect(inside(withStart, 12, 15.001)).toBe(false);
  });

  test('a recording whose first word is all the evidence has (no start, no start time) may have existed before it', () => {
    const log = [...started, answer(10, 11, 'paused'), answer(30, 31, 'in-progress', { recordingSid: RE2 })];
    expect(inside(log, 12, 20)).toBe(false);
    // Its first words a pause (no intent) and a resume (an intent, but no start's): the same.
    const controlled = [
      ...started,
      answer(10, 11, 'paused'),
      answer(25, 26, 'paused', { recordingSid: RE2, control: 'p2' }),
      intent(30, 'r2', 'in-progress', RE2),
      answer(30, 31, 'in-progress', { recordingSid: RE2, control: 'r2' }),
    ];
    expect(inside(controlled, 12, 20)).toBe(false);
  });

  test("after its earliest end: a stop's answer, a final callback, or Twilio's list saying it ended", () => {
    const two = [
      ...started,
      answer(10, 11, 'paused'),
      intent(1, 's2', 'start', '*'),
      answer(1, 2, 'in-progress', { recordingSid: RE2, control: 's2', action: 'start' }),
    ];
    const ended = (e: EvidenceEntry) => inside([...two, e], 30 + M, 40);
    expect(ended(answer(29, 30, 'stopped', { recordingSid: RE2 }))).toBe(true);
    for (const status of ['completed', 'absent', 'failed'])
      expect(ended({ ...answer(30, 30, status, { recordingSid: RE2 }), source: 'callback', by: 'twilio' })).toBe(true);
    expect(ended(answer(29, 30, 'paused', { recordingSid: RE2 }))).toBe(true);
    expect(ended(answer(29, 30, 'refused', { recordingSid: RE2 }))).toBe(false);
    // The earliest of two ends counts.
    expect(
      inside(
        [...two, answer(29, 30, 'stopped', { recordingSid: RE2 }), answer(49, 50, 'stopped', { recordingSid: RE2 })],
        30 + M,
        40,
      ),
    ).toBe(true);
    const listed = (status: string): ListedRecording[] => [
      { recordingSid: RE, status: 'paused', startTime: t(0), listedAt: t(60) },
      { recordingSid: RE2, status, startTime: t(1), listedAt: t(30) },
    ];
    expect(inside(two, 30 + M, 40, listed('completed'))).toBe(true);
    expect(inside(two, 30 + M, 40, listed('stopped'))).toBe(true);
    expect(inside(two, 30 + M, 40, listed('in-progress'))).toBe(false);
  });
});

describe("without Twilio's list", () => {
  test('a start named by its answer ends nothing; one answered `unknown` is as unnamed', () => {
    const named = [
      ...started,
      answer(10, 11, 'paused'),
      intent(20, 's2', 'start', '*'),
      answer(20, 21, 'paused', { recordingSid: RE2, control: 's2', action: 'start' }),
    ];
    expect(inside(named, 22, 30)).toBe(true);
    const unknown = [
      ...started,
      answer(10, 11, 'paused'),
      intent(20, 's2', 'start', '*'),
      answer(20, 21, 'unknown', { recordingSid: '*', control: 's2', action: 'start' }),
    ];
    expect(inside(unknown, 12, 20 - M)).toBe(true);
    expect(inside(unknown, 12, 20 - M + 0.001)).toBe(false);
  });

  test('no recording at all: nothing proven', () => {
    expect(provenPauses([])).toEqual([]);
    expect(provenPauses([], [])).toEqual([]);
  });
});

test('intervals: touching ones join, empty ones vanish; a stretch is proven only inside one of them', () => {
  expect(
    union([
      [5, 6],
      [1, 3],
      [3, 4],
      [7, 7],
      [8, 7],
    ]),
  ).toEqual([
    [1, 4],
    [5, 6],
  ]);
  expect(
    union([
      [1, 10],
      [2, 3],
    ]),
  ).toEqual([[1, 10]]);
  expect(
    intersect(
      [[0, 10]],
      [
        [2, 3],
        [5, 20],
      ],
    ),
  ).toEqual([
    [2, 3],
    [5, 10],
  ]);
  expect(
    proven(
      [
        [1, 4],
        [5, 6],
      ],
      1,
      4,
    ),
  ).toBe(true);
  expect(
    proven(
      [
        [1, 4],
        [5, 6],
      ],
      3,
      5,
    ),
  ).toBe(false);
  expect(proven([[1, 4]], 0.5, 2)).toBe(false);
  expect(proven([[1, 4]], 2, 4.5)).toBe(false);
});
