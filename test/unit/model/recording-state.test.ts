// The pure rules of the Sync document: merging in any order, ordering answers by their windows, staying small.
import { createHash } from 'node:crypto';
import {
  addHistory,
  applyAnswer,
  applyCallback,
  compact,
  emptyDocument,
  FINISHED_KEPT,
  fromTwilioStatus,
  HISTORY_LIMIT,
  markUnsettled,
  mayBeForgotten,
  settleUnsettled,
  MAX_ACTIVE_RECORDINGS,
  SIZE_BUDGET_BYTES,
  TOMBSTONE_LIMIT,
  type CallbackReport,
  type RecordingDocument,
  type TwilioAnswer,
  type Window,
} from '../../../lib/model/recording-state';
import { LATEST_EFFECT_MS } from '../../../lib/model/statuses';

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

test("Twilio's statuses as the document keeps them: processing is stopped, deleted is completed", () => {
  expect(
    ['processing', 'deleted', 'in-progress', 'paused', 'stopped', 'completed', 'absent'].map(fromTwilioStatus),
  ).toEqual(['stopped', 'completed', 'in-progress', 'paused', 'stopped', 'completed', 'absent']);
});

describe('what an answer brings', () => {
  const iso = (ms: number) => new Date(ms).toISOString();

  test('the first answer: its status, window, details (blank ones left out), and when the status was entered', () => {
    const { doc, outcome } = applyAnswer(
      emptyDocument('CA1'),
      answer('paused', [1000, 2000, 'i1'], {
        pauseBehavior: 'skip',
        details: { channels: 2, source: '', track: undefined, url: 'https://x' },
      }),
    );
    expect(outcome).toBe('taken');
    expect(doc.recordings[RE]).toEqual({
      status: 'paused',
      ev: [1000, 2000, 'i1'],
      pauseBehavior: 'skip',
      at: { paused: iso(2000) },
      channels: 2,
      url: 'https://x',
    });
  });

  test('a status entered again keeps the time it was first entered; a new one adds its time', () => {
    const paused = applyAnswer(emptyDocument('CA1'), answer('paused', [1000, 2000]), 0).doc;
    const again = applyAnswer(paused, answer('paused', [3000, 4000]), 0).doc;
    expect(again.recordings[RE].at).toEqual({ paused: iso(2000) });
    expect(again.recordings[RE].ev).toEqual([3000, 4000]);
    const resumed = applyAnswer(again, answer('in-progress', [5000, 6000]), 0).doc;
    expect(resumed.recordings[RE].at).toEqual({ paused: iso(2000), 'in-progress': iso(6000) });
    const pausedAgain = applyAnswer(resumed, answer('paused', [7000, 8000]), 0).doc;
    expect(pausedAgain.recordings[RE].at).toEqual({ paused: iso(8000), 'in-progress': iso(6000) });
  });

  test('an older answer changes no status but fills in details the document lacks, never overwriting one', () => {
    const doc = applyAnswer(emptyDocument('CA1'), answer('paused', [5000, 6000], { details: { channels: 1 } }), 0).doc;
    const { doc: after, outcome } = applyAnswer(
      doc,
      answer('in-progress', [1000, 2000], { details: { channels: 2, track: 'both' } }),
      0,
    );
    expect(outcome).toBe('older');
    expect(after.recordings[RE]).toMatchObject({ status: 'paused', ev: [5000, 6000], channels: 1, track: 'both' });
  });

  test('concurrent: the known window is given back, the status kept, details filled', () => {
    const doc = applyAnswer(emptyDocument('CA1'), answer('paused', [1000, 2000]), 0).doc;
    const merged = applyAnswer(doc, answer('in-progress', [1500, 2500], { details: { track: 'both' } }), 0);
    expect(merged).toEqual({
      outcome: 'concurrent',
      known: [1000, 2000],
      doc: { ...doc, recordings: { [RE]: { ...doc.recordings[RE], track: 'both' } } },
    });
  });

  test('a read sent after the known answer was stored is later, whatever the clocks say', () => {
    const doc = applyAnswer(emptyDocument('CA1'), answer('paused', [1000, 2000, 'i1']), 50).doc;
    // Read on another instance whose clock is behind: its window is before the known one.
    expect(applyAnswer(doc, answer('in-progress', [800, 900, 'i2'], { after: [1000, 2000] }), 50).outcome).toBe(
      'taken',
    );
    expect(applyAnswer(doc, answer('in-progress', [800, 900, 'i2'], { after: [1000, 2001] }), 50).outcome).toBe(
      'older',
    );
    expect(applyAnswer(doc, answer('in-progress', [800, 900, 'i2'], { after: [999, 2000] }), 50).outcome).toBe('older');
  });

  test('a status a callback told (no window) is replaced by any answer', () => {
    const doc = applyCallback(emptyDocument('CA1'), report('in-progress', 5000));
    expect(applyAnswer(doc, answer('paused', [1000, 2000]), 50).outcome).toBe('taken');
  });

  test('the same state from two instances: the window covers both, its clock only when both read it', () => {
    const doc = applyAnswer(emptyDocument('CA1'), answer('paused', [1000, 2000, 'i1']), 50).doc;
    const same = (w: Window) => applyAnswer(doc, answer('paused', w), 50).doc.recordings[RE].ev;
    expect(same([1500, 2500, 'i1'])).toEqual([1000, 2500, 'i1']);
    expect(same([900, 1900, 'i2'])).toStrictEqual([900, 2000]);
    // A pause of another behaviour is another state; one that names none is the same.
    const skip = applyAnswer(emptyDocument('CA1'), answer('paused', [1000, 2000], { pauseBehavior: 'skip' }), 50).doc;
    expect(applyAnswer(skip, answer('paused', [1500, 2500], { pauseBehavior: 'silence' }), 50).outcome).toBe(
      'concurrent',
    );
    expect(applyAnswer(skip, answer('paused', [1500, 2500], { pauseBehavior: 'skip' }), 50).outcome).toBe('taken');
    expect(applyAnswer(skip, answer('paused', [1500, 2500]), 50).outcome).toBe('taken');
  });

  test('a finished recording: final whatever comes, details filled, a late stop keeping its own time once', () => {
    const done = applyCallback(emptyDocument('CA1'), report('completed', 5000, { duration: 3 }));
    const late = applyAnswer(done, answer('stopped', [1000, 2000], { details: { channels: 2 } }), 0);
    expect(late.outcome).toBe('final');
    expect(late.doc.recordings[RE]).toEqual({
      status: 'completed',
      duration: 3,
      channels: 2,
      at: { completed: iso(5000), stopped: iso(2000) },
    });
    // A second stop's answer keeps the first one's time.
    expect(applyAnswer(late.doc, answer('stopped', [3000, 4000]), 0).doc.recordings[RE].at?.stopped).toBe(iso(2000));
    const resumed = applyAnswer(done, answer('in-progress', [6000, 7000], { details: { track: 'both' } }), 0);
    expect(resumed.outcome).toBe('final');
    expect(resumed.doc.recordings[RE]).toEqual({
      status: 'completed',
      duration: 3,
      track: 'both',
      at: { completed: iso(5000) },
    });
    // Stopped: only an end status changes it.
    const stopped = applyAnswer(emptyDocument('CA1'), answer('stopped', [1000, 2000]), 0).doc;
    expect(applyAnswer(stopped, answer('in-progress', [3000, 4000]), 0).outcome).toBe('final');
    expect(applyAnswer(stopped, answer('stopped', [3000, 4000]), 0).outcome).toBe('final');
    expect(applyAnswer(stopped, answer('completed', [3000, 4000]), 0).outcome).toBe('taken');
  });

  test('a tombstoned recording is ended: nothing of it is taken', () => {
    const doc = { ...emptyDocument('CA1'), ended: `${'0'.repeat(12)} ${RE.slice(2, 14)}` };
    expect(applyAnswer(doc, answer('in-progress', [1, 2]))).toEqual({ doc, outcome: 'ended' });
    expect(applyCallback(doc, report('completed', 3))).toBe(doc);
    // Tombstones are whole: the start of one is not another.
    const partial = { ...emptyDocument('CA1'), ended: RE.slice(2, 13) };
    expect(applyAnswer(partial, answer('in-progress', [1, 2])).outcome).toBe('taken');
  });
});

describe('what a callback brings', () => {
  test('a first callback is taken; in-progress after a pause fills details only', () => {
    const first = applyCallback(emptyDocument('CA1'), report('in-progress', 1000, { channels: 2 }));
    expect(first.recordings[RE]).toEqual({
      status: 'in-progress',
      channels: 2,
      at: { 'in-progress': new Date(1000).toISOString() },
    });
    const paused = applyAnswer(first, answer('paused', [2000, 3000]), 0).doc;
    const late = applyCallback(paused, report('in-progress', 4000, { channels: 1, track: 'both' }));
    expect(late.recordings[RE]).toMatchObject({ status: 'paused', channels: 2, track: 'both' });
  });

  test('an end ends an active recording; a stopped one ends only with a final status', () => {
    const active = applyCallback(emptyDocument('CA1'), report('in-progress', 1000));
    expect(applyCallback(active, report('stopped', 2000)).recordings[RE].status).toBe('stopped');
    const stopped = applyCallback(active, report('stopped', 2000));
    expect(applyCallback(stopped, report('stopped', 3000)).recordings[RE].at?.stopped).toBe(
      new Date(2000).toISOString(),
    );
    expect(applyCallback(stopped, report('completed', 3000)).recordings[RE].status).toBe('completed');
    const done = applyCallback(stopped, report('completed', 3000));
    expect(applyCallback(done, report('failed', 4000)).recordings[RE].status).toBe('completed');
  });
});

describe('an unknown outcome', () => {
  test('marked with the earliest control whose outcome is unknown', () => {
    const one = markUnsettled(emptyDocument('CA1'), 'paused', '2026-01-01T00:00:10.000Z');
    expect(markUnsettled(one, 'in-progress', '2026-01-01T00:00:20.000Z').unsettled).toEqual({
      asked: 'paused',
      since: '2026-01-01T00:00:10.000Z',
    });
    expect(markUnsettled(one, 'in-progress', '2026-01-01T00:00:05.000Z').unsettled).toEqual({
      asked: 'in-progress',
      since: '2026-01-01T00:00:05.000Z',
    });
    expect(markUnsettled(one, 'in-progress', '2026-01-01T00:00:10.000Z').unsettled?.asked).toBe('in-progress');
  });

  test(`settled only by a list read more than ${LATEST_EFFECT_MS} ms after it was sent`, () => {
    const since = Date.UTC(2026, 0, 1);
    const doc = markUnsettled(emptyDocument('CA1'), 'paused', new Date(since).toISOString());
    expect(settleUnsettled(doc, [since + LATEST_EFFECT_MS, since + LATEST_EFFECT_MS + 1])).toBe(doc);
    expect(settleUnsettled(doc, [since + LATEST_EFFECT_MS + 1, since + LATEST_EFFECT_MS + 2])).toEqual(
      emptyDocument('CA1'),
    );
    expect(settleUnsettled(emptyDocument('CA1'), [0, 1])).toEqual(emptyDocument('CA1'));
  });

  test('a recording may be one the document forgot only when it forgot some, and does not know it', () => {
    const doc = { ...emptyDocument('CA1'), ended: sidOf(1).slice(2, 14) };
    expect(mayBeForgotten(doc, RE)).toBe(false);
    const forgot = { ...doc, forgot: true as const };
    expect(mayBeForgotten(forgot, RE)).toBe(true);
    expect(mayBeForgotten(forgot, sidOf(1))).toBe(false);
    expect(mayBeForgotten(applyAnswer(forgot, answer('paused', [1, 2])).doc, RE)).toBe(false);
  });
});

describe('staying small', () => {
  const finished = (doc: RecordingDocument, i: number, at: number) =>
    applyCallback(doc, { recordingSid: sidOf(i), status: 'completed', at });

  test(`finished recordings beyond ${FINISHED_KEPT} become tombstones, the oldest first by their last change; active ones stay`, () => {
    // Started in the order 0, 1, 2, 3 (the document's order), ended in the order 3, 1, 2, 0.
    let doc = applyAnswer(emptyDocument('CA1'), answer('paused', [0, 1])).doc;
    for (const i of [0, 1, 2, 3])
      doc = applyAnswer(doc, { recordingSid: sidOf(i), status: 'in-progress', window: [i, i + 1] }).doc;
    for (const [i, at] of [
      [3, 10],
      [1, 20],
      [2, 30],
      [0, 40],
    ])
      doc = finished(doc, i, at);
    const small = compact(doc);
    expect(Object.keys(small.recordings).sort()).toEqual([RE, sidOf(2), sidOf(0)].sort());
    expect(small.ended).toBe(`${sidOf(3).slice(2, 14)} ${sidOf(1).slice(2, 14)}`);
    expect(compact({ ...small, ended: 'x' }).ended).toBe('x');
  });

  test('over the size budget: active recordings lose their details, oldest first, never their status, window or behaviour', () => {
    let doc = emptyDocument('CA1');
    const url = 'https://api.twilio.com/' + 'x'.repeat(400);
    // Added newest first: the oldest by their last change are the last in the document's order.
    for (let i = 29; i >= 0; i--)
      doc = applyAnswer(doc, {
        recordingSid: sidOf(i),
        status: 'paused',
        pauseBehavior: 'skip',
        window: [i * 10, i * 10 + 1],
        details: { url, channels: 2 },
      }).doc;
    const small = compact(doc);
    expect(Buffer.byteLength(JSON.stringify(small))).toBeLessThanOrEqual(SIZE_BUDGET_BYTES);
    expect(small.recordings[sidOf(0)]).toEqual({ status: 'paused', ev: [0, 1], pauseBehavior: 'skip' });
    expect(small.recordings[sidOf(29)]).toMatchObject({ url, channels: 2 });
    expect(Object.keys(small.recordings)).toHaveLength(30);
    // Only as many as needed lost them.
    const stripped = Object.values(small.recordings).filter((r) => !r.url).length;
    const one = {
      ...small,
      recordings: { ...small.recordings, [sidOf(stripped - 1)]: doc.recordings[sidOf(stripped - 1)] },
    };
    expect(Buffer.byteLength(JSON.stringify(one))).toBeGreaterThan(SIZE_BUDGET_BYTES);
  });

  test(`beyond ${TOMBSTONE_LIMIT} tombstones the oldest are forgotten, and the document says it forgot`, () => {
    const stones = Array.from({ length: TOMBSTONE_LIMIT + 1 }, (_, i) => String(i).padStart(12, '0'));
    const doc = compact({ ...emptyDocument('CA1'), ended: stones.join(' ') });
    expect(doc.ended).toBe(stones.slice(1).join(' '));
    expect(doc.forgot).toBe(true);
    expect(compact({ ...emptyDocument('CA1'), ended: stones.slice(1).join(' ') })).not.toHaveProperty('forgot');
  });

  test('last, the history shortens from its oldest end, only as far as needed', () => {
    let doc = emptyDocument('CA1');
    for (let i = 0; i < HISTORY_LIMIT; i++)
      doc = addHistory(doc, { at: String(i), action: 'paused', recordingSid: RE, by: 'x'.repeat(1200) });
    const small = compact(doc);
    expect(Buffer.byteLength(JSON.stringify(small))).toBeLessThanOrEqual(SIZE_BUDGET_BYTES);
    expect(small.history.at(-1)?.at).toBe(String(HISTORY_LIMIT - 1));
    expect(small.history.length).toBeLessThan(HISTORY_LIMIT);
    expect(
      Buffer.byteLength(JSON.stringify({ ...small, history: doc.history.slice(-(small.history.length + 1)) })),
    ).toBeGreaterThan(SIZE_BUDGET_BYTES);
    expect(compact(emptyDocument('CA1'))).toEqual(emptyDocument('CA1'));
  });
});

test('an empty document: its SID, no recordings, no history', () => {
  expect(emptyDocument('CA1')).toStrictEqual({ sid: 'CA1', recordings: {}, history: [] });
});

test('a finished recording from a document without entry times still takes its late stop', () => {
  const doc: RecordingDocument = { ...emptyDocument('CA1'), recordings: { [RE]: { status: 'completed' } } };
  expect(applyAnswer(doc, answer('stopped', [1000, 2000]), 0).doc.recordings[RE]).toEqual({
    status: 'completed',
    at: { stopped: new Date(2000).toISOString() },
  });
});

test('two resumes that overlapped are the same state, whatever behaviour either names', () => {
  const doc = applyAnswer(emptyDocument('CA1'), answer('in-progress', [1000, 2000]), 50).doc;
  expect(applyAnswer(doc, answer('in-progress', [1500, 2500], { pauseBehavior: 'skip' }), 50).outcome).toBe('taken');
});

test("a stopped recording's second stop callback only fills what the document lacks", () => {
  const stopped = applyCallback(emptyDocument('CA1'), report('stopped', 1000, { channels: 1 }));
  expect(applyCallback(stopped, report('stopped', 2000, { channels: 2, track: 'both' })).recordings[RE]).toEqual({
    status: 'stopped',
    channels: 1,
    track: 'both',
    at: { stopped: new Date(1000).toISOString() },
  });
});
