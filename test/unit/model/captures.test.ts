// Card captures from <Pay>'s reports, and each one's verdict by the one rule of proof.
import { CAPTURE, capturesOf, verdictOf } from '../../../lib/model/captures';
import type { EvidenceEntry } from '../../../lib/model/evidence';
import type { ListedRecording } from '../../../lib/model/proof';

const RE = 'RE' + 'a'.repeat(32);
const RE2 = 'RE' + 'b'.repeat(32);
const t = (s: number) => new Date(Date.UTC(2026, 10, 25, 21, 0, s)).toISOString();
let n = 0;
const entry = (s: number, status: string, extra: Partial<EvidenceEntry> = {}): EvidenceEntry => ({
  id: String(n++),
  at: t(s),
  recordingSid: RE,
  status,
  by: 'twiml',
  source: 'control',
  ...extra,
});
const stage = (s: number, For: string, attempt = 1) =>
  entry(s, 'stage', { recordingSid: CAPTURE, source: 'capture', action: For, attempt, by: 'twilio' });
const result = (s: number, r: string) =>
  entry(s, r, { recordingSid: CAPTURE, source: 'capture', action: 'result', by: 'twilio' });
const listed: ListedRecording[] = [{ recordingSid: RE, status: 'completed', startTime: t(0) }];

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
  const more: ListedRecording[] = [...listed, { recordingSid: RE2, status: 'in-progress', startTime: t(11) }];
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
