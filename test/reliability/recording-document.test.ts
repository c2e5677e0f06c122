// The pure rules of the Sync document: merging in any order, and staying small.
import { addHistory, applyEvent, emptyDocument, HISTORY_LIMIT, prune, SIZE_BUDGET_BYTES, type RecordingEvent } from '../../lib/recording-store';

const RE = 'RE' + 'a'.repeat(32);
const at = (status: RecordingEvent['status'], origin: RecordingEvent['origin'], seen: number, details = {}) =>
  ({ recordingSid: RE, status, origin, seen, details }) as RecordingEvent;
const merge = (...events: RecordingEvent[]) => events.reduce(applyEvent, emptyDocument('CA1')).recordings[RE];

test.each([
  ['completed before in-progress', [at('completed', 'callback', 2, { duration: 9 }), at('in-progress', 'callback', 1, { duration: 0 })], 'completed', 9],
  ['a late in-progress after a pause', [at('in-progress', 'control', 1), at('paused', 'control', 2), at('in-progress', 'callback', 3)], 'paused', undefined],
  ['an older control answer after a newer one', [at('paused', 'control', 5), at('in-progress', 'control', 4)], 'paused', undefined],
  ['stopped, then completed', [at('stopped', 'control', 1), at('completed', 'callback', 2, { duration: 3 })], 'completed', 3],
  ['stopped never resumes', [at('stopped', 'control', 1), at('in-progress', 'control', 2)], 'stopped', undefined],
  ['absent is final', [at('absent', 'callback', 1), at('completed', 'callback', 2)], 'absent', undefined],
  ['the same callback twice', [at('completed', 'callback', 1, { duration: 4 }), at('completed', 'callback', 1, { duration: 4 })], 'completed', 4],
] as const)('%s', (_name, events, status, duration) => {
  const r = merge(...events);
  expect(r.status).toBe(status);
  expect(r.duration).toBe(duration);
});

test('history keeps the last actions only, and pruning drops finished recordings, oldest first, never active ones', () => {
  let doc = emptyDocument('CA1');
  for (let i = 0; i < 3 * HISTORY_LIMIT; i++) doc = addHistory(doc, { at: String(i), action: 'paused', recordingSid: RE, by: 'http' });
  expect(doc.history.map((h) => h.at)).toEqual(Array.from({ length: HISTORY_LIMIT }, (_, i) => String(2 * HISTORY_LIMIT + i)));

  for (let i = 0; i < 200; i++) {
    const sid = 'RE' + i.toString(16).padStart(32, '0');
    doc = applyEvent(doc, { recordingSid: sid, status: i === 0 ? 'in-progress' : 'completed', origin: 'callback', seen: i, details: { url: `https://api.twilio.com/x/${sid}` } });
  }
  const pruned = prune(doc);
  expect(Buffer.byteLength(JSON.stringify(pruned))).toBeLessThanOrEqual(SIZE_BUDGET_BYTES);
  expect(pruned.recordings['RE' + '0'.repeat(32)].status).toBe('in-progress');
  expect(pruned.recordings['RE' + (199).toString(16).padStart(32, '0')]).toBeDefined();
  expect(pruned.recordings['RE' + (1).toString(16).padStart(32, '0')]).toBeUndefined();
});
