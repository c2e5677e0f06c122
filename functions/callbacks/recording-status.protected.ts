// POST /callbacks/recording-status: Twilio's RecordingStatusCallback, which keeps the Sync document true.
import twilio from 'twilio';
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import { Deadline } from '../../lib/deadline';
import { ControlError, invalidParameter } from '../../lib/errors';
import { errorResponse, jsonResponse } from '../../lib/handler';
import { absoluteUrl, choice, optional, parseParams, required, sid } from '../../lib/params';
import { fromTwilioStatus } from '../../lib/recording-document';
import { recordStatusCallback } from '../../lib/status-callback';
import { evidenceLog, isLocal, ownUrl, recordingStore, twilioClient, type FunctionContext } from '../../lib/twilio';

const count = (raw: string, name: string) => {
  if (!/^\d{1,9}$/.test(raw)) throw invalidParameter(name, 'must be a whole number');
  return Number(raw);
};
const text = (raw: string) => raw.slice(0, 64);
const date = (raw: string, name: string) => {
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw invalidParameter(name, 'must be a date');
  return new Date(ms).toISOString();
};

export const parameters = {
  RecordingSid: required('the recording (RE…)', sid('RE')),
  RecordingStatus: required('in-progress, completed, absent, …', choice(['in-progress', 'paused', 'stopped', 'processing', 'completed', 'absent', 'failed'] as const)),
  CallSid: optional('the call, for call recordings', sid('CA')),
  ConferenceSid: optional('the conference, for conference recordings', sid('CF')),
  RecordingDuration: optional('seconds', count),
  RecordingChannels: optional('1 or 2', count),
  RecordingSource: optional('what started the recording', text),
  RecordingTrack: optional('inbound, outbound or both', text),
  RecordingStartTime: optional('when the recording started', date),
  RecordingUrl: optional('where the media is', absoluteUrl),
};

/**
 * twilio-run checks no signatures; deployed, Twilio checks them before a protected Function runs.
 * Twilio signs the full URL, query included, with the POST body's parameters; twilio-run hands the
 * Function both merged, query first, so each split of them in that order is tried. The URL is the one
 * Twilio called: PUBLIC_BASE_URL's when a tunnel forwards to twilio-run.
 */
function signedByTwilio(context: FunctionContext, headers: Record<string, string>, params: Record<string, unknown>): boolean {
  const signature = headers['x-twilio-signature'];
  if (!signature || !context.AUTH_TOKEN) return false;
  const entries = Object.entries(params).map(([k, v]) => [k, String(v)] as [string, string]);
  for (let queryLength = 0; queryLength <= entries.length; queryLength++) {
    const query = new URLSearchParams(entries.slice(0, queryLength)).toString();
    const url = `${ownUrl(context, context.PATH)}${query ? `?${query}` : ''}`;
    if (twilio.validateRequest(context.AUTH_TOKEN, signature, url, Object.fromEntries(entries.slice(queryLength)))) return true;
  }
  return false;
}

export const handler = async (
  context: FunctionContext,
  event: Record<string, unknown> & { request: { headers: Record<string, string> } },
  callback: ServerlessCallback,
) => {
  const deadline = Deadline.fromArrival(Date.now());
  const { request, ...params } = event;
  try {
    if (isLocal(context) && !signedByTwilio(context, request?.headers ?? {}, params)) {
      throw new ControlError(403, 'INVALID_SIGNATURE', 'X-Twilio-Signature is missing or does not match this request');
    }
    const p = parseParams(parameters, params);
    const client = twilioClient(context, deadline);
    await recordStatusCallback(recordingStore(context, deadline, client), {
      callSid: p.CallSid,
      conferenceSid: p.ConferenceSid,
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
    }, evidenceLog(context, client));
    callback(null, jsonResponse(204, ''));
  } catch (err) {
    callback(null, errorResponse(err));
  }
};
