// What the controls' fast tests share: a call recording on the emulator, one pause, resume or stop run
// on a fresh instance with its answer or its error, and a start's options as a flow's widget sends them.
import { newCall } from '../../../harness/calls';
import { instanceOn } from '../../../harness/in-process';
import type { RunningEmulator } from '../../../harness/stack';
import type { SetStatusOptions } from '../../../lib/controls/set-status';

/** A call on the emulator with one recording in progress. */
export async function recordingCall(em: RunningEmulator) {
  const call = await newCall(em.client);
  const recording = await em.client.calls(call.sid).recordings.create();
  return { callSid: call.sid, recordingSid: recording.sid };
}

/** One control on a fresh instance, as `caller`, its request arrived `ageMs` ago; its answer or its error. */
export async function control(
  em: RunningEmulator,
  callSid: string,
  options: SetStatusOptions,
  ageMs = 0,
  caller = 'studio:FWa',
) {
  const a = await instanceOn(em);
  const deps = a.deps(caller, undefined, Date.now() - ageMs);
  return a.lib.setStatus.setRecordingStatus(deps, a.lib.voice.callOwner(deps.client, callSid), options).then(
    (value) => ({ ok: true as const, value }),
    (error: { status?: number; code?: string; message?: string; twilioCode?: number }) => ({
      ok: false as const,
      error: { status: error.status, code: error.code, message: error.message, twilioCode: error.twilioCode },
    }),
  );
}

/** A start's options; its callbacks go nowhere. */
export const startOptions = (callSid: string) => ({
  callSid,
  recordingChannels: 'mono' as const,
  recordingTrack: 'both' as const,
  trim: 'do-not-trim' as const,
  recordingStatusCallback: 'http://127.0.0.1:9/callbacks/recording-status',
});
