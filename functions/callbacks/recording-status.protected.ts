// POST /callbacks/recording-status: Twilio's RecordingStatusCallback, which keeps the Sync document true.
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import { recordStatusCallback } from '../../lib/controls/status-callback';
import type { FunctionContext } from '../../lib/env';
import { fromTwilioStatus } from '../../lib/model/recording-state';
import {
  absoluteUrl,
  choice,
  count,
  date,
  optional,
  parseParams,
  required,
  shortText,
  sid,
} from '../../lib/model/params';
import { errorResponse, jsonResponse } from '../../lib/runtime/responses';
import { callbackParams } from '../../lib/runtime/signature';
import { evidenceLog, recordingStore } from '../../lib/runtime/wiring';
import { twilioClient } from '../../lib/twilio/client';
import { Deadline } from '../../lib/twilio/deadline';
import { callOwner, conferenceOwner } from '../../lib/twilio/voice';

export const parameters = {
  RecordingSid: required('the recording (RE…)', sid('RE')),
  RecordingStatus: required(
    'in-progress, completed, absent, …',
    choice(['in-progress', 'paused', 'stopped', 'processing', 'completed', 'absent', 'failed'] as const),
  ),
  CallSid: optional('the call, for call recordings', sid('CA')),
  ConferenceSid: optional('the conference, for conference recordings', sid('CF')),
  RecordingDuration: optional('seconds', count),
  RecordingChannels: optional('1 or 2', count),
  RecordingSource: optional('what started the recording', shortText),
  RecordingTrack: optional('inbound, outbound or both', shortText),
  RecordingStartTime: optional('when the recording started', date),
  RecordingUrl: optional('where the media is', absoluteUrl),
};

export const handler = async (
  context: FunctionContext,
  event: Record<string, unknown>,
  callback: ServerlessCallback,
) => {
  const deadline = Deadline.fromArrival(Date.now());
  try {
    const params = callbackParams(context, event);
    const p = parseParams(parameters, params);
    const client = twilioClient(context, deadline);
    const owner = p.ConferenceSid
      ? conferenceOwner(client, p.ConferenceSid)
      : p.CallSid
        ? callOwner(client, p.CallSid)
        : undefined;
    await recordStatusCallback(
      recordingStore(context, deadline, client),
      owner,
      {
        recordingSid: p.RecordingSid,
        status: fromTwilioStatus(p.RecordingStatus),
        details: {
          duration: p.RecordingDuration,
          channels: p.RecordingChannels,
          source: p.RecordingSource,
          track: p.RecordingTrack,
          startTime: p.RecordingStartTime,
          url: p.RecordingUrl,
        },
      },
      evidenceLog(context, client),
    );
    callback(null, jsonResponse(204, ''));
  } catch (err) {
    callback(null, errorResponse(err));
  }
};
