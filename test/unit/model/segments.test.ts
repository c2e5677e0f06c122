// How the evidence is drawn for people (lib/model/segments), rule by rule, each expected answer worked out
// by hand: which statuses are which state, where a request's wait is uncertain, what an answer that never
// came draws, overlapping requests, and the edges the proof leaves within the clock margin.
import type { EvidenceEntry, Segment } from '../../../lib/model/evidence';
import type { ListedRecording } from '../../../lib/model/proof';
import { entriesAt } from './entries';
import { toSegments, whyNotProven, windowInsidePause } from '../../../lib/model/segments';
import { recordingProofs } from '../../../lib/model/proof';
import { CLOCK_SKEW_MARGIN_MS, LATEST_EFFECT_MS } from '../../../lib/model/statuses';

const RE = 'RE' + 'a'.repeat(32);
const RE2 = 'RE' + 'b'.repeat(32);
const T0 = Date.UTC(2026, 10, 25, 21, 0, 0);
const t = (s: number) => new Date(T0 + s * 1000).toISOString();
/** `s` seconds moved by the clock margin: `+1` later, `-1` earlier. */
const edge = (s: number, sign: 1 | -1) => new Date(T0 + s * 1000 + sign * CLOCK_SKEW_MARGIN_MS).toISOString();
const NOT_COVERED = `a pause counts from its answer, ${CLOCK_SKEW_MARGIN_MS} ms of clock margin later, to the send of anything that may lift it, less the margin`;
const MARGIN_WHY = `within ${CLOCK_SKEW_MARGIN_MS} ms of a time read on a Function instance's clock, which may be that far from Twilio's`;
const spans = (segments: Segment[]) => segments.map((s) => [s.recordingSid === RE ? '' : 'RE2', s.state, s.from, s.to]);
const entry = entriesAt(t, RE, 'console:admin');
const sent = (s: number) => ({ sentAt: t(s) });
const callback = (s: number, status: string) => entry(s, status, { by: 'twilio', source: 'callback' });
const intent = (s: number, control: string, action = 'in-progress', recordingSid = RE): EvidenceEntry =>
  entry(s, action, { ...sent(s), action, source: 'intent', control, recordingSid, by: 'agent:bob' });

describe('which status is which state', () => {
  test.each(['stopped', 'completed', 'absent', 'failed'])('%s ends the recording: stopped, for good', (status) => {
    const log = [entry(0, 'in-progress'), callback(10, status), entry(20, 'in-progress'), entry(30, 'paused')];
    expect(spans(toSegments(log))).toEqual([
      ['', 'recorded', t(0), t(10)],
      ['', 'stopped', t(10), t(10)],
    ]);
  });

  test('a refusal, an override and a status the model does not know draw nothing', () => {
    const log = [entry(0, 'in-progress'), entry(5, 'refused'), entry(6, 'override'), entry(7, 'queued')];
    expect(spans(toSegments(log))).toEqual([['', 'recorded', t(0), null]]);
  });

  test('a capture stage is of no recording', () => {
    const log = [entry(0, 'in-progress'), entry(5, 'stage', { recordingSid: 'capture', source: 'capture' })];
    expect(spans(toSegments(log))).toEqual([['', 'recorded', t(0), null]]);
  });
});

describe('the first change of a recording', () => {
  test('recorded from its request on (Twilio may have started at once)', () => {
    expect(toSegments([entry(12, 'in-progress', sent(10))])).toStrictEqual([
      { recordingSid: RE, state: 'recorded', from: t(10), to: null, by: 'console:admin', source: 'control' },
    ]);
  });

  test("paused from its answer: the proof holds it from the answer's margin on", () => {
    expect(toSegments([entry(12, 'paused', { ...sent(10), pauseBehavior: 'skip' })])).toStrictEqual([
      {
        recordingSid: RE,
        state: 'uncertain',
        from: t(12),
        to: edge(12, 1),
        pauseBehavior: 'skip',
        by: 'console:admin',
        source: 'control',
        why: MARGIN_WHY,
      },
      {
        recordingSid: RE,
        state: 'paused',
        from: edge(12, 1),
        to: null,
        pauseBehavior: 'skip',
        by: 'console:admin',
        source: 'control',
      },
    ]);
  });
});

describe('how a pause pauses', () => {
  test('a control that named no behaviour got silence; a read-back keeps the behaviour it confirms', () => {
    const log = [
      entry(0, 'in-progress'),
      entry(10, 'paused', { pauseBehavior: 'skip' }),
      entry(20, 'paused', { ...sent(19), source: 'read-back', by: 'twilio' }),
      entry(30, 'paused', { ...sent(29), action: 'checked', by: 'twilio' }),
    ];
    const paused = toSegments(log).filter((s) => s.state === 'paused');
    expect(paused.map((s) => [s.from, s.to, s.pauseBehavior])).toEqual([[edge(10, 1), null, 'skip']]);
    const silent = toSegments([entry(0, 'in-progress'), entry(10, 'paused')]);
    expect(silent.filter((s) => s.state === 'paused').map((s) => s.pauseBehavior)).toEqual(['silence']);
  });

  test('a change of behaviour while paused is a new segment, with who made it and their reason', () => {
    const log = [
      entry(0, 'in-progress'),
      entry(10, 'paused', { pauseBehavior: 'skip' }),
      entry(20, 'paused', { pauseBehavior: 'silence', by: 'supervisor:sam', reason: 'caller is back' }),
    ];
    const segments = toSegments(log);
    expect(segments.map((s) => [s.state, s.from, s.to, s.pauseBehavior, s.by, s.reason])).toEqual([
      ['recorded', t(0), t(10), undefined, 'console:admin', undefined],
      ['uncertain', t(10), edge(10, 1), 'skip', 'console:admin', undefined],
      ['paused', edge(10, 1), t(20), 'skip', 'console:admin', undefined],
      // Proven on both sides of 20: no edge drawn there.
      ['paused', t(20), null, 'silence', 'supervisor:sam', 'caller is back'],
    ]);
  });
});

describe('a request and its answer', () => {
  test('between its send and its answer the change may or may not have been made: uncertain, saying so', () => {
    const segments = toSegments([entry(0, 'in-progress'), entry(5, 'stopped', sent(4))]);
    expect(spans(segments)).toEqual([
      ['', 'recorded', t(0), t(4)],
      ['', 'uncertain', t(4), t(5)],
      ['', 'stopped', t(5), t(5)],
    ]);
    expect(segments[1].why).toBe(
      `between the request at ${t(4)} and Twilio's answer at ${t(5)}, the change may or may not have been applied`,
    );
  });

  test('a change sent when the last answered: no wait to draw', () => {
    expect(spans(toSegments([entry(0, 'in-progress'), entry(5, 'stopped', sent(5))]))).toEqual([
      ['', 'recorded', t(0), t(5)],
      ['', 'stopped', t(5), t(5)],
    ]);
  });

  test('a change logged with the send time of its intent is uncertain from that send', () => {
    const log = [entry(0, 'in-progress'), intent(3, 'x', 'stopped'), entry(5, 'stopped', { ...sent(4), control: 'x' })];
    expect(spans(toSegments(log))).toEqual([
      ['', 'recorded', t(0), t(3)],
      ['', 'uncertain', t(3), t(5)],
      ['', 'stopped', t(5), t(5)],
    ]);
  });
});

describe('an answer that never came', () => {
  test('no answer: uncertain from its send for good, saying how long Twilio may still act', () => {
    const segments = toSegments([entry(0, 'in-progress'), entry(20, 'unknown', { ...sent(15), action: 'paused' })]);
    expect(spans(segments)).toEqual([
      ['', 'recorded', t(0), t(15)],
      ['', 'uncertain', t(15), null],
    ]);
    expect(segments[1].why).toBe(
      `a paused sent at ${t(15)} had no answer: Twilio may have applied it, up to ${LATEST_EFFECT_MS / 1000} s later`,
    );
  });

  test("a Twilio error: uncertain from its intent's send; a resume is called one, a change without action a change", () => {
    const resume = toSegments([
      entry(0, 'paused'),
      intent(14, 'r'),
      entry(20, 'error', { ...sent(15), action: 'in-progress', control: 'r' }),
    ]);
    expect(resume.at(-1)).toMatchObject({
      state: 'uncertain',
      to: null,
      // The proven pause's edge within the margin and the error's stretch touch: one stretch, both causes.
      why: `${MARGIN_WHY}; a resume sent at ${t(15)} was answered with a Twilio error: Twilio may have applied it, up to ${LATEST_EFFECT_MS / 1000} s later`,
    });
    expect(spans(resume).at(-1)).toEqual(['', 'uncertain', edge(14, -1), null]);
    const change = toSegments([entry(0, 'in-progress'), entry(20, 'error', sent(15))]);
    expect(change.at(-1)?.why).toMatch(new RegExp(`^a change sent at ${t(15)} was answered with a Twilio error`));
  });

  test('an error from a callback or a read-back is no control: it draws nothing', () => {
    const log = [entry(0, 'in-progress'), callback(5, 'error'), entry(6, 'unknown', { source: 'read-back' })];
    expect(spans(toSegments(log))).toEqual([['', 'recorded', t(0), null]]);
  });

  test('an intent whose instance died: uncertain from its send, for its recording or, named as all, for each', () => {
    const one = toSegments([
      entry(0, 'in-progress'),
      entry(5, 'in-progress', { recordingSid: RE2 }),
      intent(10, 'p', 'paused'),
    ]);
    expect(spans(one)).toEqual([
      ['', 'recorded', t(0), t(10)],
      ['RE2', 'recorded', t(5), null],
      ['', 'uncertain', t(10), null],
    ]);
    expect(one[2].why).toBe(`a paused sent at ${t(10)} had no answer: Twilio may have applied it`);
    const all = toSegments([
      entry(0, 'in-progress'),
      entry(5, 'in-progress', { recordingSid: RE2 }),
      intent(10, 'r', 'in-progress', 'Twilio.CURRENT'),
    ]);
    expect(spans(all)).toEqual([
      ['', 'recorded', t(0), t(10)],
      ['RE2', 'recorded', t(5), t(10)],
      ['', 'uncertain', t(10), null],
      ['RE2', 'uncertain', t(10), null],
    ]);
    expect(all[2].why).toBe(`a resume sent at ${t(10)} had no answer: Twilio may have applied it`);
  });

  test('an answered intent, or a start with no answer, draws nothing of its own', () => {
    const log = [
      entry(0, 'in-progress'),
      intent(10, 'a', 'stopped'),
      entry(10, 'stopped', { control: 'a' }),
      intent(20, 's', 'start', '*'),
    ];
    expect(spans(toSegments(log))).toEqual([
      ['', 'recorded', t(0), t(10)],
      ['', 'stopped', t(10), t(10)],
    ]);
    expect(spans(toSegments([entry(0, 'in-progress'), intent(20, 's', 'start', '*')]))).toEqual([
      ['', 'recorded', t(0), null],
    ]);
  });

  test('while uncertain, more unanswered requests add nothing; an answer ends it', () => {
    const log = [
      entry(0, 'in-progress'),
      entry(20, 'unknown', { ...sent(10), action: 'paused' }),
      entry(21, 'unknown', { ...sent(12), action: 'in-progress' }),
      entry(40, 'stopped', sent(39)),
    ];
    expect(spans(toSegments(log))).toEqual([
      ['', 'recorded', t(0), t(10)],
      ['', 'uncertain', t(10), t(40)],
      ['', 'stopped', t(40), t(40)],
    ]);
    // Said once, by the first: the later one adds nothing to it.
    expect(toSegments(log)[1].why).toBe(
      `a paused sent at ${t(10)} had no answer: Twilio may have applied it, up to ${LATEST_EFFECT_MS / 1000} s later`,
    );
  });

  test("an unanswered control as a recording's first word: uncertain from its send", () => {
    expect(spans(toSegments([entry(5, 'unknown', { ...sent(4), action: 'paused' })]))).toEqual([
      ['', 'uncertain', t(4), null],
    ]);
  });

  test('a control with no recording (a start that got no answer) draws no recording of its own', () => {
    const log = [entry(0, 'in-progress'), entry(5, 'unknown', { recordingSid: '*', action: 'start' })];
    expect(spans(toSegments(log))).toEqual([['', 'recorded', t(0), null]]);
  });

  test("a read-back as a recording's first word: paused from its answer, no behaviour invented", () => {
    const segments = toSegments([entry(12, 'paused', { ...sent(10), source: 'read-back', by: 'twilio' })]);
    expect(segments.map((s) => [s.state, s.from, s.to, s.pauseBehavior])).toEqual([
      ['uncertain', t(12), edge(12, 1), undefined],
      ['paused', edge(12, 1), null, undefined],
    ]);
  });
});

describe('overlapping requests', () => {
  test('a change sent before the last was answered: the state it drew is uncertain, behaviour and reason gone', () => {
    const log = [
      entry(0, 'in-progress'),
      entry(10, 'paused', { pauseBehavior: 'skip', reason: 'card' }),
      entry(12, 'in-progress', sent(9)),
    ];
    const segments = toSegments(log);
    expect(segments).toStrictEqual([
      { recordingSid: RE, state: 'recorded', from: t(0), to: t(10), by: 'console:admin', source: 'control' },
      {
        recordingSid: RE,
        state: 'uncertain',
        from: t(10),
        to: null,
        by: 'console:admin',
        source: 'control',
        why: `changes sent at ${t(9)} and before overlapped: Twilio may have applied them in either order`,
      },
    ]);
  });

  test('a change sent exactly when the last was answered did not overlap it', () => {
    // The pause answered at 10, the resume sent at 10: no pause held between them, but no overlap either.
    const log = [entry(0, 'in-progress'), entry(10, 'paused'), entry(12, 'in-progress', sent(10))];
    expect(spans(toSegments(log))).toEqual([
      ['', 'recorded', t(0), t(10)],
      ['', 'uncertain', t(10), t(12)],
      ['', 'recorded', t(12), null],
    ]);
  });

  test("a resume sent before the pause was answered: uncertain from the pause's send until an answer settles it", () => {
    const log = [entry(0, 'in-progress'), entry(20, 'paused', sent(14)), entry(25, 'in-progress', sent(18))];
    expect(spans(toSegments(log))).toEqual([
      ['', 'recorded', t(0), t(14)],
      ['', 'uncertain', t(14), null],
    ]);
    const readBack = entry(30, 'paused', { ...sent(29), source: 'read-back', by: 'twilio' });
    expect(spans(toSegments([...log, readBack]))).toEqual([
      ['', 'recorded', t(0), t(14)],
      ['', 'uncertain', t(14), edge(30, 1)],
      ['', 'paused', edge(30, 1), null],
    ]);
  });
});

describe('overlaps, further', () => {
  const OVERLAP = (at: number) =>
    `changes sent at ${t(at)} and before overlapped: Twilio may have applied them in either order`;

  test("two requests that overlapped, the first a recording's first word: uncertain from the first send", () => {
    const segments = toSegments([entry(1, 'in-progress', sent(0)), entry(2, 'in-progress', sent(0.5))]);
    expect(segments.map((s) => [s.state, s.from, s.to, s.why])).toEqual([['uncertain', t(0), null, OVERLAP(0.5)]]);
  });

  test("the overlap joins the pause's own wait before it, saying only that they overlapped; a later answer ends it", () => {
    const log = [
      entry(0, 'in-progress'),
      entry(5, 'paused', sent(4)),
      entry(9, 'in-progress', sent(8)),
      entry(22, 'paused', sent(20)),
      entry(23, 'in-progress', sent(21)),
      entry(31, 'paused', { ...sent(30), source: 'read-back', by: 'twilio' }),
    ];
    const segments = toSegments(log);
    expect(spans(segments)).toEqual([
      ['', 'recorded', t(0), t(4)],
      ['', 'uncertain', t(4), edge(5, 1)],
      ['', 'paused', edge(5, 1), edge(8, -1)],
      ['', 'uncertain', edge(8, -1), t(9)],
      ['', 'recorded', t(9), t(20)],
      ['', 'uncertain', t(20), edge(31, 1)],
      ['', 'paused', edge(31, 1), null],
    ]);
    expect(segments[5].why).toBe(`${OVERLAP(21)}; ${MARGIN_WHY}`);
  });

  test('a change that overlapped while the state was already uncertain leaves its cause as it was', () => {
    const log = [
      entry(1, 'in-progress', sent(0)),
      entry(20, 'unknown', { ...sent(10), action: 'paused' }),
      entry(12, 'paused', sent(0.5)),
    ];
    const segments = toSegments(log);
    expect(segments.map((s) => [s.state, s.from, s.to])).toEqual([
      ['recorded', t(0), t(10)],
      ['uncertain', t(10), null],
    ]);
    expect(segments[1].why).toMatch(/^a paused sent at .* had no answer/);
  });
});

describe('the proof drawn on a pause', () => {
  test("a pause the proof does not hold is unproven, saying why; an edge over the margin but under a second is uncertain, with the proof's words", () => {
    // The pause is lifted by a resume sent 0.5 s after its answer: proven 10.05 to 10.45 only.
    const log = [
      entry(0, 'in-progress'),
      entry(10, 'paused', { pauseBehavior: 'skip' }),
      intent(10.5, 'r'),
      entry(11, 'in-progress', { ...sent(10.5), control: 'r' }),
    ];
    expect(spans(toSegments(log))).toEqual([
      ['', 'recorded', t(0), t(10)],
      ['', 'uncertain', t(10), edge(10, 1)],
      ['', 'paused', edge(10, 1), edge(10.5, -1)],
      ['', 'uncertain', edge(10.5, -1), t(11)],
      ['', 'recorded', t(11), null],
    ]);
    // RE2, recording until 10.3, leaves the first 0.25 s of RE's proven pause unproven.
    const two = [...log, entry(0, 'in-progress', { recordingSid: RE2 }), entry(10.3, 'stopped', { recordingSid: RE2 })];
    const segments = toSegments(two).filter((s) => s.recordingSid === RE);
    expect(segments.map((s) => [s.state, s.from, s.to, s.unproven ?? false])).toEqual(
      [
        ['recorded', t(0), t(10)],
        ['uncertain', t(10), edge(10.3, 1)],
        ['paused', edge(10.3, 1), edge(10.5, -1)],
        ['uncertain', edge(10.5, -1), t(11)],
        ['recorded', t(11), null],
      ].map((s) => [...s, false]),
    );
    // From the pause's answer, within the margin, its own pause is not proven either.
    expect(segments[1].why).toBe(
      `the pause of ${RE} is not proven here (${NOT_COVERED}); recording ${RE2} may have been recording`,
    );
  });

  test('a long stretch the proof gives up on is unproven and keeps its state; the proven rest is paused', () => {
    const log = [
      entry(0, 'in-progress'),
      entry(10, 'paused'),
      entry(0, 'in-progress', { recordingSid: RE2 }),
      entry(30, 'stopped', { recordingSid: RE2 }),
    ];
    const mine = toSegments(log).filter((s) => s.recordingSid === RE);
    expect(mine.map((s) => [s.state, s.from, s.to, s.unproven])).toEqual([
      ['recorded', t(0), t(10), undefined],
      ['paused', t(10), edge(30, 1), true],
      ['paused', edge(30, 1), null, undefined],
    ]);
    expect(mine[1].why).toBe(
      `the pause of ${RE} is not proven here (${NOT_COVERED}); recording ${RE2} may have been recording`,
    );
  });

  test('a short pause proven nowhere is unproven, not an edge; so is a short hole in the middle of a proven one', () => {
    const rec2 = [entry(0, 'in-progress', { recordingSid: RE2 })];
    const short = [entry(0, 'in-progress'), entry(10, 'paused'), intent(10.5, 'r'), ...rec2];
    expect(toSegments(short).filter((s) => s.recordingSid === RE && s.from === t(10))).toEqual([
      expect.objectContaining({ state: 'paused', to: t(10.5), unproven: true }),
    ]);
    // RE2 recorded 20 to 20.5 in the middle of RE's pause: 600 ms unproven there, proven on both sides.
    const hole = [
      entry(0, 'in-progress'),
      entry(10, 'paused'),
      intent(20, 's2', 'start', '*'),
      entry(20.1, 'in-progress', { ...sent(20), recordingSid: RE2, control: 's2', action: 'start' }),
      entry(20.5, 'stopped', { recordingSid: RE2 }),
    ];
    const mine = toSegments(hole, [
      { recordingSid: RE, status: 'paused', startTime: t(0), listedAt: t(60) },
      { recordingSid: RE2, status: 'completed', startTime: t(20), listedAt: t(60) },
    ]).filter((s) => s.recordingSid === RE);
    expect(mine.map((s) => [s.state, s.from, s.to, s.unproven])).toEqual([
      ['recorded', t(0), t(10), undefined],
      ['uncertain', t(10), edge(10, 1), undefined],
      ['paused', edge(10, 1), edge(20, -1), undefined],
      ['paused', edge(20, -1), edge(20.5, 1), true],
      ['paused', edge(20.5, 1), null, undefined],
    ]);
  });

  test('an edge is under a second: one of exactly a second is unproven', () => {
    // RE2, recording, stopped at 10.95: RE's pause from 10 is proven from 11.0 on.
    const log = [
      entry(0, 'in-progress'),
      entry(10, 'paused'),
      entry(0, 'in-progress', { recordingSid: RE2 }),
      entry(10.95, 'stopped', { recordingSid: RE2 }),
    ];
    const mine = toSegments(log).filter((s) => s.recordingSid === RE);
    expect(mine.map((s) => [s.state, s.from, s.to, s.unproven])).toEqual([
      ['recorded', t(0), t(10), undefined],
      ['paused', t(10), t(11), true],
      ['paused', t(11), null, undefined],
    ]);
    // At 10.9 instead: 950 ms, an edge.
    const nearer = [...log.slice(0, 3), entry(10.9, 'stopped', { recordingSid: RE2 })];
    expect(toSegments(nearer).filter((s) => s.recordingSid === RE)[1]).toMatchObject({
      state: 'uncertain',
      from: t(10),
      to: edge(10.9, 1),
    });
  });

  test('segments sort by start, then by recording', () => {
    const log = [
      entry(5, 'in-progress', { recordingSid: RE2 }),
      entry(5, 'in-progress'),
      entry(1, 'in-progress', { recordingSid: 'RE' + 'c'.repeat(32) }),
    ];
    expect(toSegments(log).map((s) => s.recordingSid)).toEqual(['RE' + 'c'.repeat(32), RE, RE2]);
  });
});

describe('why a stretch is not proven', () => {
  const log = [entry(0, 'in-progress'), entry(10, 'paused'), entry(0, 'in-progress', { recordingSid: RE2 })];
  const listed: ListedRecording[] = [
    { recordingSid: RE, status: 'paused', startTime: t(0), listedAt: t(100) },
    { recordingSid: RE2, status: 'in-progress', startTime: t(0), listedAt: t(100) },
  ];
  const at = (a: number, b: number): [number, number] => [T0 + a * 1000, T0 + b * 1000];

  test('its own pause not proven, another recording that may have recorded, each said', () => {
    const proofs = recordingProofs(log, listed);
    expect(whyNotProven(proofs, log, listed, at(5, 20), RE)).toBe(
      `the pause of ${RE} is not proven here (${NOT_COVERED}); recording ${RE2} may have been recording`,
    );
    expect(whyNotProven(proofs, log, listed, at(20, 30), RE)).toBe(`recording ${RE2} may have been recording`);
    // Its own pause proven from exactly the stretch's start: not a reason.
    const from = Date.parse(edge(10, 1));
    expect(whyNotProven(proofs, log, listed, [from, from + 1000], RE)).toBe(`recording ${RE2} may have been recording`);
    expect(whyNotProven(proofs, log, listed, [from - 1, from + 1000], RE)).toMatch(/^the pause of /);
    // Its own pause proven up to exactly the stretch's end: not a reason either.
    const lifted = [...log, intent(20, 'r')];
    const until = Date.parse(edge(20, -1));
    expect(whyNotProven(recordingProofs(lifted, listed), lifted, listed, [until - 1000, until], RE)).toBe(
      `recording ${RE2} may have been recording`,
    );
    // Proven in two stretches: inside the second is proven.
    const twice = [
      ...log,
      intent(20, 'r'),
      entry(21, 'in-progress', { ...sent(20), control: 'r' }),
      entry(30, 'paused'),
    ];
    expect(whyNotProven(recordingProofs(twice, listed), twice, listed, at(31, 40), RE)).toBe(
      `recording ${RE2} may have been recording`,
    );
    expect(whyNotProven(proofs, log, listed, at(5, 8))).toBe(
      `recording ${RE} may have been recording; recording ${RE2} may have been recording`,
    );
  });

  test('a pause the proof does not count says why: a lift in flight when it was sent, or a resume no one logged', () => {
    const inFlight = [...log, intent(9.5, 'r'), entry(10.5, 'in-progress', { ...sent(9.5), control: 'r' })];
    expect(whyNotProven(recordingProofs(inFlight, listed), inFlight, listed, at(11, 20), RE)).toMatch(
      new RegExp(`^the pause of ${RE} is not proven here \\(a resume or start was in flight when it was sent\\)`),
    );
    // A stretch before that pause is not proven for the plain reason: the uncounted pause is not in it.
    const plain = new RegExp(`^the pause of ${RE} is not proven here \\(a pause counts from its answer`);
    expect(whyNotProven(recordingProofs(inFlight, listed), inFlight, listed, at(5, 8), RE)).toMatch(plain);
    // A stretch that only touches the uncounted pause, or comes after it was lifted: the plain reason too.
    const lifted = [...inFlight, intent(25, 'r2'), entry(25.5, 'in-progress', { ...sent(25), control: 'r2' })];
    const liftedProofs = recordingProofs(lifted, listed);
    const [{ span }] = liftedProofs.find((p) => p.recordingSid === RE)!.uncounted;
    for (const stretch of [[span[0] - 1000, span[0]], [span[1], span[1] + 1000], at(26, 28)] as Array<[number, number]>)
      expect(whyNotProven(liftedProofs, lifted, listed, stretch, RE)).toMatch(plain);
    expect(whyNotProven(liftedProofs, lifted, listed, [span[0] - 1000, span[0] + 1], RE)).toMatch(/in flight/);
    const unseen = [...log, entry(30, 'in-progress', { source: 'read-back', ...sent(29.9) })];
    expect(whyNotProven(recordingProofs(unseen, listed), unseen, listed, at(11, 20), RE)).toMatch(
      new RegExp(
        `^the pause of ${RE} is not proven here \\(Twilio was later read back recording with no resume logged`,
      ),
    );
  });

  test("without Twilio's list: an unnamed start, or the list alone, is said", () => {
    const paused = [entry(0, 'in-progress'), entry(10, 'paused')];
    const proofs = recordingProofs(paused);
    expect(whyNotProven(proofs, paused, undefined, at(20, 30), RE)).toBe(
      "Twilio's list of the call's recordings could not be read",
    );
    const started = [...paused, intent(15, 's', 'start', '*')];
    expect(whyNotProven(recordingProofs(started), started, undefined, at(20, 30), RE)).toBe(
      "a start's recording is not named, and Twilio's list of the call's recordings could not be read",
    );
    expect(whyNotProven([], [], [], at(20, 30))).toBe('no recording was proven paused throughout');
  });
});

describe('the window check', () => {
  const log = [entry(0, 'in-progress'), entry(10, 'paused'), entry(20, 'in-progress'), entry(30, 'stopped')];
  const listed: ListedRecording[] = [{ recordingSid: RE, status: 'completed', startTime: t(0), listedAt: t(100) }];
  const window = (a: number, b: number) => windowInsidePause(log, new Date(t(a)), new Date(t(b)), listed);

  test('the segments it returns are those that overlap it, ends excluded, never a stop', () => {
    expect(spans(window(10.5, 15).segments)).toEqual([['', 'paused', edge(10, 1), edge(20, -1)]]);
    // A segment ending where the window starts, or starting where it ends, is not in it.
    expect(spans(window(20, 25).segments)).toEqual([['', 'recorded', t(20), t(30)]]);
    expect(window(30, 40).segments).toEqual([]);
    // A stop is no stretch of time, even inside the window.
    expect(spans(window(25, 35).segments)).toEqual([['', 'recorded', t(20), t(30)]]);
    expect(spans(window(15, 20).segments)).toEqual([
      ['', 'paused', edge(10, 1), edge(20, -1)],
      ['', 'uncertain', edge(20, -1), t(20)],
    ]);
    // A segment still open reaches every later window.
    const open = windowInsidePause(log.slice(0, 3), new Date(t(40)), new Date(t(50)), listed).segments;
    expect(spans(open)).toEqual([['', 'recorded', t(20), null]]);
  });

  test('inside a pause at its proven edges exactly, not a millisecond over', () => {
    const ms = (iso: string) => new Date(iso);
    const check = (a: string, b: string) => windowInsidePause(log, ms(a), ms(b), listed).insidePause;
    expect(check(edge(10, 1), edge(20, -1))).toBe(true);
    expect(check(new Date(Date.parse(edge(10, 1)) - 1).toISOString(), edge(20, -1))).toBe(false);
    expect(check(edge(10, 1), new Date(Date.parse(edge(20, -1)) + 1).toISOString())).toBe(false);
  });
});
