// Card captures from <Pay>'s reports, and each one's verdict by the one rule of proof.
import {
  CAPTURE,
  capturesOf,
  judgedCaptures,
  studioCaptures,
  verdictOf,
  type StudioStep,
} from '../../../lib/model/captures';
import type { EvidenceEntry } from '../../../lib/model/evidence';
import type { ListedRecording } from '../../../lib/model/proof';
import { entriesAt } from './entries';
import { CLOCK_SKEW_MARGIN_MS } from '../../../lib/model/statuses';

const RE = 'RE' + 'a'.repeat(32);
const RE2 = 'RE' + 'b'.repeat(32);
const t = (s: number) => new Date(Date.UTC(2026, 10, 25, 21, 0, s)).toISOString();
const entry = entriesAt(t, RE, 'twiml');
const stage = (s: number, For: string, attempt = 1) =>
  entry(s, 'stage', { recordingSid: CAPTURE, source: 'capture', action: For, attempt, by: 'twilio' });
const result = (s: number, r: string) =>
  entry(s, r, { recordingSid: CAPTURE, source: 'capture', action: 'result', by: 'twilio' });
const listed: ListedRecording[] = [{ recordingSid: RE, status: 'completed', startTime: t(0), listedAt: t(100) }];

test('stages open a capture and its result closes it; a second capture starts after', () => {
  const log = [
    stage(20, 'payment-card-number'),
    stage(22, 'expiration-date'),
    result(25, 'success'),
    stage(40, 'payment-card-number'),
  ];
  const captures = capturesOf([...log].reverse());
  expect(captures.map((c) => [c.from, c.to, c.result, c.stages.map((s) => s.for)])).toEqual([
    [t(20), t(25), 'success', ['payment-card-number', 'expiration-date']],
    [t(40), t(40), undefined, ['payment-card-number']],
  ]);
});

const recorded = [
  entry(0, 'in-progress'),
  entry(10, 'paused', { sentAt: t(9) }),
  entry(30, 'in-progress', { sentAt: t(29) }),
  entry(50, 'stopped'),
];

test('inside a proven pause; a capture that outlasts the pause is an exception naming the recording', () => {
  const [inside] = capturesOf([stage(12, 'payment-card-number'), result(28, 'success')]);
  expect(verdictOf(inside, recorded, listed)).toMatchObject({ verdict: 'inside-proven-pause' });
  const [over] = capturesOf([stage(12, 'payment-card-number'), result(31, 'success')]);
  expect(verdictOf(over, recorded, listed)).toMatchObject({ verdict: 'exception', why: expect.stringContaining(RE) });
});

test('a capture while recording (a flow that forgot to pause) is always an exception', () => {
  const [c] = capturesOf([stage(3, 'payment-card-number'), result(5, 'success')]);
  expect(verdictOf(c, recorded, listed).verdict).toBe('exception');
});

test('a recording Twilio lists that the evidence never heard of breaks the verdict', () => {
  const [c] = capturesOf([stage(12, 'payment-card-number'), result(28, 'success')]);
  const more: ListedRecording[] = [
    ...listed,
    { recordingSid: RE2, status: 'in-progress', startTime: t(11), listedAt: t(100) },
  ];
  expect(verdictOf(c, recorded, more)).toMatchObject({ verdict: 'exception', why: expect.stringContaining(RE2) });
});

test('a call not recorded at all: "not recorded"; no list of Twilio: "unknown", never attested', () => {
  const [c] = capturesOf([stage(12, 'payment-card-number'), result(28, 'success')]);
  expect(verdictOf(c, [], []).verdict).toBe('not-recorded');
  expect(verdictOf(c, recorded, undefined).verdict).toBe('unknown');
  // After the recording stopped: not recorded either.
  const [late] = capturesOf([stage(60, 'payment-card-number'), result(61, 'success')]);
  expect(verdictOf(late, recorded, listed).verdict).toBe('not-recorded');
});

describe('a capture from its reports', () => {
  test("its id and reporter are its first report's; a stage without a name, attempts (0 too) and error types kept; other sources ignored", () => {
    const first = entry(20, 'stage', { recordingSid: CAPTURE, source: 'capture', by: 'twilio', attempt: 0 });
    const log = [
      first,
      entry(21, 'stage', {
        recordingSid: CAPTURE,
        source: 'capture',
        action: 'payment-card-number',
        attempt: 2,
        errorType: 'invalid-card-number',
      }),
      entry(22, 'stage', { recordingSid: CAPTURE, source: 'capture', action: 'expiration-date', errorType: '' }),
      entry(23, 'paused'),
      entry(24, 'stage', { recordingSid: CAPTURE, source: 'callback', action: 'security-code' }),
    ];
    expect(capturesOf(log)).toStrictEqual([
      {
        id: first.id,
        by: 'twilio',
        from: t(20),
        to: t(22),
        stages: [
          { for: 'stage', at: t(20), attempt: 0 },
          { for: 'payment-card-number', at: t(21), attempt: 2, errorType: 'invalid-card-number' },
          { for: 'expiration-date', at: t(22) },
        ],
      },
    ]);
  });

  test('a result alone is a capture of its own (a caller who hung up at once)', () => {
    const r = result(30, 'caller-hung-up');
    expect(capturesOf([r])).toEqual([
      { id: r.id, by: 'twilio', from: t(30), to: t(30), result: 'caller-hung-up', stages: [] },
    ]);
  });

  test('once payment-processing is reported the caller has keyed everything: the capture ends there, its result still counted', () => {
    const log = [
      stage(20, 'payment-card-number'),
      stage(22, 'expiration-date'),
      stage(25, 'payment-processing'),
      result(45, 'success'),
    ];
    expect(capturesOf(log).map((c) => [c.from, c.to, c.result])).toEqual([[t(20), t(25), 'success']]);
  });
});

describe('the verdict in words', () => {
  const [covered] = capturesOf([stage(12, 'payment-card-number'), result(28, 'success')]);
  const [open] = capturesOf([stage(12, 'payment-card-number'), stage(28, 'security-code')]);

  test('inside a proven pause, not recorded, unknown: each said, and a capture without result judged to its last stage', () => {
    expect(verdictOf(covered, recorded, listed)).toEqual({
      verdict: 'inside-proven-pause',
      why: 'every recording was paused or not recording throughout',
    });
    expect(verdictOf(open, recorded, listed)).toEqual({
      verdict: 'inside-proven-pause',
      why: 'every recording was paused or not recording throughout; no result was reported, so it was judged to its last stage',
    });
    expect(verdictOf(covered, [], [])).toEqual({
      verdict: 'not-recorded',
      why: 'no recording of the call was recording, and none was paused',
    });
    expect(verdictOf(open, [], []).why).toBe(
      'no recording of the call was recording, and none was paused; no result was reported, so it was judged to its last stage',
    );
    expect(verdictOf(covered, recorded, undefined)).toEqual({
      verdict: 'unknown',
      why: "Twilio's list of the call's recordings could not be read: a recording made elsewhere cannot be ruled out",
    });
  });

  test('an exception says why by the proof', () => {
    const [c] = capturesOf([stage(3, 'payment-card-number'), result(5, 'success')]);
    expect(verdictOf(c, recorded, listed)).toEqual({
      verdict: 'exception',
      why: `recording ${RE} may have been recording`,
    });
  });
});

describe("Studio's captures, timed by the flow's own controls", () => {
  const FLOW = 'studio:FW1/FN1';
  const step = { by: FLOW, widget: 'pay', entered: t(10), left: t(20), event: 'success' };
  const own = (s: number, status: string, extra: Partial<EvidenceEntry> = {}) =>
    entry(s, status, { by: FLOW, ...extra });
  const ms = (s: number) => Date.parse(t(s));
  const iso = (v: number) => new Date(v).toISOString();
  const M = CLOCK_SKEW_MARGIN_MS;
  const NOW = ms(100);
  const span = (entries: EvidenceEntry[], s: StudioStep = step) => {
    const [c] = studioCaptures([s], entries, NOW);
    return [c.from, c.to];
  };

  test('its id, reporter, result and stage come from the step', () => {
    expect(studioCaptures([step], [], NOW)).toEqual([
      {
        id: `${FLOW}/pay/${t(10)}`,
        by: FLOW,
        from: t(10),
        to: t(21),
        result: 'success',
        stages: [{ for: 'pay', at: t(10) }],
      },
    ]);
    const { event: _event, left: _left, ...running } = step;
    expect(studioCaptures([running], [], NOW)[0]).toEqual(expect.not.objectContaining({ result: expect.anything() }));
  });

  test("it begins after its step in, and after the margin of each of its flow's pauses answered within that second", () => {
    expect(span([own(10.5, 'paused', { action: 'paused' })])).toEqual([iso(ms(10.5) + M), t(21)]);
    expect(span([own(10.999, 'paused')])).toEqual([iso(ms(10.999) + M), t(21)]);
    // Answered a second after the step: after the capture began.
    expect(span([own(11, 'paused')])).toEqual([t(10), t(21)]);
    // A pause answered before the step in leaves it at the step.
    expect(span([own(9, 'paused')])).toEqual([t(10), t(21)]);
    // Another flow's pause, a callback, a lift answered in that second: none.
    expect(
      span([
        entry(10.5, 'paused', { by: 'studio:FW2/FN2' }),
        own(10.5, 'paused', { source: 'callback' }),
        own(10.6, 'in-progress', { action: 'in-progress', sentAt: t(8) }),
      ]),
    ).toEqual([t(10), t(21)]);
  });

  test("it ends before its step out's second is over, and before the margin of anything its flow sent that may lift the pause", () => {
    for (const action of ['in-progress', 'stopped', 'start'])
      expect(span([own(16, action, { action, sentAt: t(15), source: 'intent' })])).toEqual([t(10), iso(ms(15) - M)]);
    // A lift sent when the step came in counts; one sent before it does not.
    expect(span([own(11, 'in-progress', { action: 'in-progress', sentAt: t(10) })])).toEqual([t(10), t(10)]);
    expect(span([own(11, 'in-progress', { action: 'in-progress', sentAt: t(9.999) })])).toEqual([t(10), t(21)]);
    // Without a step out: until such a send, or now.
    const { left: _left, ...running } = step;
    expect(span([], running)).toEqual([t(10), iso(NOW)]);
    expect(span([own(40, 'in-progress', { action: 'in-progress', sentAt: t(39) })], running)).toEqual([
      t(10),
      iso(ms(39) - M),
    ]);
    // Never before it began.
    expect(span([own(10.9, 'paused'), own(10.92, 'in-progress', { action: 'in-progress', sentAt: t(10.91) })])).toEqual(
      [iso(ms(10.9) + M), iso(ms(10.9) + M)],
    );
  });

  test("judged with the log's, in time order, each with its verdict", () => {
    const log = [stage(12, 'payment-card-number'), result(28, 'success')];
    const judged = judgedCaptures(log, [], [{ ...step, entered: t(5), left: t(6) }], NOW);
    expect(judged.map((c) => [c.by, c.from, c.verdict])).toEqual([
      [FLOW, t(5), 'not-recorded'],
      ['twilio', t(12), 'not-recorded'],
    ]);
    expect(judgedCaptures(log, undefined).map((c) => c.verdict)).toEqual(['unknown']);
  });
});

test('a capture inside a proven pause to its very edges, and not a millisecond over', () => {
  // Proven from 10.05 (the pause's answer and the margin) to 28.95 (the resume's send and the margin).
  const ms = (s: number) => new Date(Date.parse(t(0)) + s * 1000).toISOString();
  const judged = (from: number, to: number) =>
    verdictOf({ id: 'c', by: 'twilio', from: ms(from), to: ms(to), stages: [] }, recorded, listed).verdict;
  expect(judged(10.05, 28.95)).toBe('inside-proven-pause');
  expect(judged(10.049, 28.95)).toBe('exception');
  expect(judged(10.05, 28.951)).toBe('exception');
});
