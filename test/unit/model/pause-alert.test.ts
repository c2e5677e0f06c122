// A forgotten pause: its age, and the alert past PAUSE_ALERT_SECONDS.
import { pauseAge } from '../../../lib/model/pause-alert';
import type { RecordingDocument } from '../../../lib/model/recording-state';

const T0 = Date.parse('2026-11-29T06:00:00Z');
const doc = (recordings: RecordingDocument['recordings'], history: RecordingDocument['history'] = []) =>
  ({ sid: 'CA1', recordings, history }) as RecordingDocument;

test('the age of a pause, and the alert once it is as long as the setting', () => {
  const paused = doc({ RE1: { status: 'paused', at: { paused: new Date(T0).toISOString() } } });
  expect(pauseAge(paused, T0 + 59_999, 60)).toEqual({
    pausedSince: '2026-11-29T06:00:00.000Z',
    pausedForSeconds: 59,
    pauseAlert: false,
  });
  expect(pauseAge(paused, T0 + 60_000, 60)?.pauseAlert).toBe(true);
  // 0: the alert is off, the age is still told.
  expect(pauseAge(paused, T0 + 3_600_000, 0)).toMatchObject({ pausedForSeconds: 3600, pauseAlert: false });
});

test('a call still recorded on another recording has no pause age; the latest pause counts', () => {
  const at = (ms: number) => ({ paused: new Date(ms).toISOString() });
  expect(
    pauseAge(doc({ RE1: { status: 'paused', at: at(T0) }, RE2: { status: 'in-progress' } }), T0 + 1000, 1),
  ).toBeUndefined();
  expect(
    pauseAge(doc({ RE1: { status: 'paused', at: at(T0) }, RE2: { status: 'paused', at: at(T0 + 5000) } }), T0 + 9000, 1)
      ?.pausedForSeconds,
  ).toBe(4);
  expect(pauseAge(doc({ RE1: { status: 'stopped' } }), T0, 1)).toBeUndefined();
});

test('a pause whose time the document shed is read from the history; none known: no age', () => {
  const history = [{ at: new Date(T0).toISOString(), action: 'paused (skip)', recordingSid: 'RE1', by: 'twiml' }];
  expect(pauseAge(doc({ RE1: { status: 'paused' } }, history), T0 + 2000, 1)?.pausedSince).toBe(
    new Date(T0).toISOString(),
  );
  expect(pauseAge(doc({ RE1: { status: 'paused' } }), T0, 1)).toBeUndefined();
});
