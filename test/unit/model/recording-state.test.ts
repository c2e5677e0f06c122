// The pure rules of the Sync document: merging in any order, ordering answers by their windows, staying small.
import { createHash } from 'node:crypto';
import {
  addHistory,
  applyAnswer,
  applyCallback,
  compact,
  emptyDocument,
  HISTORY_LIMIT,
  MAX_ACTIVE_RECORDINGS,
  SIZE_BUDGET_BYTES,
  TOMBSTONE_LIMIT,
  type CallbackReport,
  type RecordingDocument,
  type TwilioAnswer,
  type Window,
} from '../../../lib/model/recording-state';

const RE = 'RE' + 'a'.repeat(32);
const sidOf = (i: number) => 'RE' + createHash('md5').update(String(i)).digest('hex');
const answer = (status: TwilioAnswer['status'], window: Window, more: Partial<TwilioAnswer> = {}): TwilioAnswer => ({
  recordingSid: RE,
  status,
  window,
  ...more,
});
const report = (status: CallbackReport['status'], at: number, details = {}): CallbackReport => ({
  recordingSid: RE,
  status,
  at,
  details,
});
type Step = TwilioAnswer | CallbackReport;
const merge = (...steps: Step[]) =>
  steps.reduce(
    (doc: RecordingDocument, step) => ('window' in step ? applyAnswer(doc, step, 0).doc : applyCallback(doc, step)),
    emptyDocument('CA1'),
  ).recordings[RE];

test.each([
  [
    'completed before in-progress',
    [report('completed', 2, { duration: 9 }), report('in-progress', 1, { duration: 0 })],
    'completed',
    9,
  ],
  [
    'a late in-progress callback after a pause',
    [answer('in-progress', [0, 1]), answer('paused', [2, 3]), report('in-progress', 4)],
    'paused',
    undefined,
  ],
  ['an older answer after a newer one', [answer('paused', [5, 6]), answer('in-progress', [2, 4])], 'paused', undefined],
  ['a newer answer after an older one', [answer('in-progress', [2, 4]), answer('paused', [5, 6])], 'paused', undefined],
  ['stopped, then completed', [answer('stopped', [1, 2]), report('completed', 3, { duration: 3 })], 'completed', 3],
  [
    'completed, then the stop answered',
    [report('completed', 3, { duration: 3 }), answer('stopped', [1, 4])],
    'completed',
    3,
  ],
  [
    'stopped never resumes, even with a later window',
    [answer('stopped', [1, 2]), answer('in-progress', [3, 4])],
    'stopped',
    undefined,
  ],
  [
    'a stop overlapping a resume wins',
    [answer('in-progress', [1, 5]), answer('stopped', [2, 3])],
    'stopped',
    undefined,
  ],
  ['absent is final', [report('absent', 1), report('completed', 2)], 'absent', undefined],
  [
    'the same callback twice',
    [report('completed', 1, { duration: 4 }), report('completed', 1, { duration: 4 })],
    'completed',
    4,
  ],
] as const)('%s', (_name, steps, status, duration) => {
  const r = merge(...(steps as readonly Step[]));
  expect(r.status).toBe(status);
  expect(r.duration).toBe(duration);
});

describe('two answers for one recording', () => {
  const first = (doc = emptyDocument('CA1')) => applyAnswer(doc, answer('paused', [100, 200]), 50).doc;
  test('disjoint beyond the clock margin: ordered, the later wins', () => {
    expect(applyAnswer(first(), answer('in-progress', [251, 300]), 50).outcome).toBe('taken');
    expect(applyAnswer(first(), answer('in-progress', [0, 49]), 50).outcome).toBe('older');
  });
  test('overlapping, or closer than the margin: unknown order, to be settled by asking Twilio', () => {
    const overlap = applyAnswer(first(), answer('in-progress', [150, 180]), 50);
    expect(overlap.outcome).toBe('concurrent');
    expect(overlap.doc.recordings[RE].status).toBe('paused');
    expect(applyAnswer(first(), answer('in-progress', [240, 260]), 50).outcome).toBe('concurrent');
  });
  test('read on one instance: ordered by its own clock, with no margin', () => {
    const mine = (doc = emptyDocument('CA1')) => applyAnswer(doc, answer('paused', [100, 200, 'i1']), 50).doc;
    expect(applyAnswer(mine(), answer('in-progress', [201, 300, 'i1']), 50).outcome).toBe('taken');
    expect(applyAnswer(mine(), answer('in-progress', [201, 300, 'i2']), 50).outcome).toBe('concurrent');
  });
  test('overlapping with the same state: kept, with a window covering both', () => {
    const same = applyAnswer(first(), answer('paused', [150, 260]), 50);
    expect(same.outcome).toBe('taken');
    expect(same.doc.recordings[RE].ev).toEqual([100, 260]);
  });
});

test('a pruned recording stays ended: a late callback or answer cannot bring it back', () => {
  let doc = emptyDocument('CA1');
  // As many as the tombstones keep (beyond them, \`forgot\` sends a late callback to Twilio: status-callback).
  for (let i = 0; i < TOMBSTONE_LIMIT; i++) {
    doc = applyAnswer(doc, {
      recordingSid: sidOf(i),
      status: 'in-progress',
      window: [i * 10, i * 10 + 1],
      details: { source: 'StartCallRecordingAPI', track: 'both', channels: 2 },
    }).doc;
    doc = applyCallback(doc, {
      recordingSid: sidOf(i),
      status: 'completed',
      at: i * 10 + 5,
      details: { url: `https://api.twilio.com/x/${sidOf(i)}`, duration: 3 },
    });
    doc = compact(doc);
  }
  expect(doc.recordings[sidOf(0)]).toBeUndefined();
  expect(doc.ended?.split(' ')).toContain(sidOf(0).slice(2, 14));
  doc = applyCallback(doc, { recordingSid: sidOf(0), status: 'in-progress', at: 99999 });
  doc = applyAnswer(doc, { recordingSid: sidOf(0), status: 'paused', window: [99999, 100000] }).doc;
  expect(doc.recordings[sidOf(0)]).toBeUndefined();
});

test('a stop answered after the callback that completed it keeps its time', () => {
  const r = merge(answer('in-progress', [0, 1]), report('completed', 3), answer('stopped', [2, 4]));
  expect(r.status).toBe('completed');
  expect(Object.keys(r.at ?? {}).sort()).toEqual(['completed', 'in-progress', 'stopped']);
});

test('history keeps the last actions only', () => {
  let doc = emptyDocument('CA1');
  for (let i = 0; i < 3 * HISTORY_LIMIT; i++)
    doc = addHistory(doc, { at: String(i), action: 'paused', recordingSid: RE, by: 'http' });
  expect(doc.history.map((h) => h.at)).toEqual(
    Array.from({ length: HISTORY_LIMIT }, (_, i) => String(2 * HISTORY_LIMIT + i)),
  );
});

test(`never over 16 KiB: ${MAX_ACTIVE_RECORDINGS} active recordings with every detail, ${TOMBSTONE_LIMIT}+ ended ones, a full history; the next active one is refused`, () => {
  let doc = emptyDocument('CA' + '1'.repeat(32));
  for (let i = 0; i < TOMBSTONE_LIMIT + 50; i++) {
    doc = compact(
      applyCallback(doc, {
        recordingSid: sidOf(1000 + i),
        status: 'completed',
        at: i,
        details: { url: `https://api.twilio.com/x/${sidOf(i)}`, duration: 3 },
      }),
    );
  }
  for (let i = 0; i < MAX_ACTIVE_RECORDINGS; i++) {
    const details = {
      source: 'StartCallRecordingAPI',
      track: 'both',
      channels: 2,
      startTime: new Date(0).toISOString(),
      url: `https://api.twilio.com/x/${sidOf(i)}`,
    };
    doc = applyAnswer(doc, {
      recordingSid: sidOf(i),
      status: 'paused',
      pauseBehavior: 'silence',
      window: [10_000 + i, 10_001 + i],
      details,
    }).doc;
    doc = compact(
      addHistory(doc, {
        at: new Date().toISOString(),
        action: 'paused (silence)',
        recordingSid: sidOf(i),
        by: 'studio:FW' + '1'.repeat(32) + '/FN' + '2'.repeat(32),
      }),
    );
    // Sync refuses Data over 16 KiB (54006), counted on the JSON text the library sends: the independent
    // limit. The budget is the toolkit's own margin below it.
    expect(Buffer.byteLength(JSON.stringify(doc))).toBeLessThanOrEqual(16 * 1024);
    expect(Buffer.byteLength(JSON.stringify(doc))).toBeLessThanOrEqual(SIZE_BUDGET_BYTES);
  }
  expect(Object.values(doc.recordings).filter((r) => r.status === 'paused')).toHaveLength(MAX_ACTIVE_RECORDINGS);
  expect(doc.ended?.split(' ')).toHaveLength(TOMBSTONE_LIMIT);
  expect(() => applyAnswer(doc, { recordingSid: sidOf(999), status: 'in-progress', window: [20_000, 20_001] })).toThrow(
    /TOO_MANY_RECORDINGS|active recordings/,
  );
  expect(() => applyCallback(doc, { recordingSid: sidOf(999), status: 'in-progress', at: 20_000 })).toThrow();
  // An ended one is still welcome: it frees nothing, but it is news.
  expect(
    applyCallback(doc, { recordingSid: sidOf(0), status: 'completed', at: 20_000 }).recordings[sidOf(0)].status,
  ).toBe('completed');
});

describe('the margin at its edges', () => {
  const first = (doc = emptyDocument('CA1')) => applyAnswer(doc, answer('paused', [100, 200]), 50).doc;
  test('exactly the margin apart is still too close to order, either way', () => {
    expect(applyAnswer(first(), answer('in-progress', [250, 300]), 50).outcome).toBe('concurrent');
    expect(applyAnswer(first(), answer('in-progress', [0, 50]), 50).outcome).toBe('concurrent');
  });
  test('on one clock, a window that starts where the other ended is not after it', () => {
    const mine = applyAnswer(emptyDocument('CA1'), answer('paused', [100, 200, 'i1']), 50).doc;
    expect(applyAnswer(mine, answer('in-progress', [200, 300, 'i1']), 50).outcome).toBe('concurrent');
  });
  test('the default margin is the documented 50 ms between instances (docs/guarantees.md)', () => {
    const doc = applyAnswer(emptyDocument('CA1'), answer('paused', [100, 200])).doc;
    expect(applyAnswer(doc, answer('in-progress', [249, 300])).outcome).toBe('concurrent');
    expect(applyAnswer(doc, answer('in-progress', [251, 300])).outcome).toBe('taken');
  });
});

test('the pause behaviour: set by a pause that names it, kept by one that does not and by a resume', () => {
  const doc = (...steps: TwilioAnswer[]) =>
    steps.reduce((d, s) => applyAnswer(d, s, 0).doc, emptyDocument('CA1')).recordings[RE];
  expect(doc(answer('paused', [1, 2], { pauseBehavior: 'skip' })).pauseBehavior).toBe('skip');
  expect(doc(answer('paused', [1, 2], { pauseBehavior: 'skip' }), answer('paused', [3, 4])).pauseBehavior).toBe('skip');
  expect(
    doc(
      answer('paused', [1, 2], { pauseBehavior: 'skip' }),
      answer('in-progress', [3, 4], { pauseBehavior: 'silence' }),
    ).pauseBehavior,
  ).toBe('skip');
  expect(
    doc(answer('paused', [1, 2], { pauseBehavior: 'skip' }), answer('paused', [3, 4], { pauseBehavior: 'silence' }))
      .pauseBehavior,
  ).toBe('silence');
  expect(doc(answer('in-progress', [1, 2], { pauseBehavior: 'skip' }))).not.toHaveProperty('pauseBehavior');
});

test('the cap counts active recordings being added: an update, an ended one, or room left by an ended one pass', () => {
  const full = Array.from({ length: MAX_ACTIVE_RECORDINGS }, (_, i) => i).reduce(
    (d, i) => applyAnswer(d, answer('in-progress', [i, i + 1], { recordingSid: sidOf(i) }), 0).doc,
    emptyDocument('CA1'),
  );
  // A tracked one changes; a new one that has ended is not active.
  expect(applyAnswer(full, answer('paused', [100, 101], { recordingSid: sidOf(0) }), 0).outcome).toBe('taken');
  expect(applyAnswer(full, answer('stopped', [100, 101], { recordingSid: sidOf(1000) }), 0).outcome).toBe('taken');
  expect(() => applyAnswer(full, answer('in-progress', [100, 101], { recordingSid: sidOf(1000) }), 0)).toThrow(
    expect.objectContaining({ status: 409, code: 'TOO_MANY_RECORDINGS' }),
  );
  const oneEnded = applyAnswer(full, answer('stopped', [100, 101], { recordingSid: sidOf(0) }), 0).doc;
  expect(applyAnswer(oneEnded, answer('in-progress', [102, 103], { recordingSid: sidOf(1000) }), 0).outcome).toBe(
    'taken',
  );
});
