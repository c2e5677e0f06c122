// POST /recording/start: start recording an in-progress call, or return the recording it already has.
import { controlFunction } from '../../lib/runtime/control-function';
import { CALLER, NEXT, absoluteUrl, choice, optional, required, sid } from '../../lib/model/params';
import { startCallRecording } from '../../lib/controls/start';
import { ownUrl } from '../../lib/env';

export const parameters = {
  CallSid: required('the call to record (CA…)', sid('CA')),
  RecordingChannels: optional(
    'mono or dual (default dual: each party on its own channel)',
    choice(['mono', 'dual'] as const),
  ),
  RecordingTrack: optional(
    'inbound, outbound or both (default both)',
    choice(['inbound', 'outbound', 'both'] as const),
  ),
  Trim: optional('trim-silence or do-not-trim (default do-not-trim)', choice(['trim-silence', 'do-not-trim'] as const)),
  RecordingStatusCallback: optional(
    "where Twilio reports the recording's status (default: this deployment's /callbacks/recording-status)",
    absoluteUrl,
  ),
  ...NEXT,
  ...CALLER,
};

export const handler = controlFunction(parameters, (deps, p, context) =>
  startCallRecording(deps, {
    callSid: p.CallSid,
    recordingChannels: p.RecordingChannels ?? 'dual',
    recordingTrack: p.RecordingTrack ?? 'both',
    trim: p.Trim ?? 'do-not-trim',
    recordingStatusCallback: p.RecordingStatusCallback ?? ownUrl(context, '/callbacks/recording-status'),
  }),
);
