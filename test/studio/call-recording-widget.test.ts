// A flow that records with Studio's own Call Recording widget, and the toolkit's Functions added around
// its question: every recording of the call counts, not only the toolkit's. The toolkit's start adopts the
// widget's recording instead of making a second; the pause and resume act on it; the widget's stop ends it.
// Source: Call Recording widget (twilio.com/docs/studio/widget-library/call-recording).
import { flowOf, runFlow, sayWidget, triggerTo, widget, withRecordingControls } from '../../harness/flows';
import { syncDocument } from '../../harness/functions';
import { useStack } from '../../harness/stack';

const stack = useStack();

const recordCall = (name: string, on: boolean, next: string) =>
  widget(name, 'record-call', [{ event: 'success', next }, { event: 'failed' }], { record_call: on });

const flow = withRecordingControls(
  flowOf(
    triggerTo('hello'),
    sayWidget('hello', 'Hello', 'studio_record'),
    recordCall('studio_record', true, 'ask'),
    widget('ask', 'gather-input-on-call', [{ event: 'keypress', next: 'studio_stop' }, { event: 'timeout' }], {
      say: 'Your member number, please',
    }),
    recordCall('studio_stop', false, 'bye'),
    sayWidget('bye', 'Thank you'),
  ),
  { start: { from: 'studio_record', event: 'success' }, around: 'ask' },
);

test("the toolkit adopts the widget's recording, pauses it around the question, and the widget's stop ends it", async () => {
  const result = await runFlow(stack.em, stack.fx, flow, [{ digits: '4242' }]);
  expect(result.path).toEqual([
    'Trigger:incomingCall [ringing; ]',
    'hello:audioComplete [in-progress; ]',
    'studio_record:success [in-progress; in-progress]',
    'start_recording:success [in-progress; in-progress]',
    'pause_recording:success [in-progress; paused]',
    'ask:keypress [in-progress; paused]',
    'resume_recording_keypress:success [in-progress; in-progress]',
    'studio_stop:success [in-progress; processing]',
    'bye:audioComplete [in-progress; processing]',
  ]);
  expect(result.recordings).toEqual(['completed']);
  const history = (await syncDocument(stack.em, result.sid))!.history.map((h) => h.action);
  expect(history.slice(0, 3)).toEqual(['start (already recording)', 'paused (skip)', 'in-progress']);
});
