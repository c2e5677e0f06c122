// The emulator's recording rules against values taken from Twilio's own description of its API (the
// OpenAPI in npm @twilio-alpha/mcp), never from the emulator: the
// enums and the "Can be: …" lists below are read from the spec when the test runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conferenceCalls, newCall } from '../../harness/calls';
import { waitFor } from '../../harness/functions';
import { ROOT } from '../../harness/stack';
import { useEmulatorWithStatusCallbacks } from '../../harness/webhooks';

const spec = JSON.parse(
  readFileSync(join(ROOT, 'node_modules/@twilio-alpha/mcp/twilio-oai/spec/json/twilio_api_v2010.json'), 'utf8'),
) as {
  paths: Record<
    string,
    {
      post: {
        requestBody: { content: Record<string, { schema: { properties: Record<string, { description?: string }> } }> };
      };
    }
  >;
  components: { schemas: Record<string, { enum: string[] }> };
};
const form = (path: string) =>
  spec.paths[`/2010-04-01/Accounts/{AccountSid}${path}`].post.requestBody.content['application/x-www-form-urlencoded']
    .schema.properties;
/** The values a description lists: "Can be: `a`, `b` and `c` and the default is …". */
const canBe = (description = '') =>
  [...(/Can be: (.*?)(?: and the default|\.)/.exec(description)?.[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]);

const CALL_STATUSES = spec.components.schemas.call_recording_enum_status.enum;
const CONFERENCE_STATUSES = spec.components.schemas.conference_recording_enum_status.enum;
const PAUSE_BEHAVIORS = canBe(form('/Calls/{CallSid}/Recordings/{Sid}.json').PauseBehavior.description);
const CALLBACK_EVENTS = canBe(form('/Calls/{CallSid}/Recordings.json').RecordingStatusCallbackEvent.description);

const stack = useEmulatorWithStatusCallbacks();

test("the spec's lists, as read: the test fails if Twilio's description changes under it", () => {
  expect(PAUSE_BEHAVIORS).toEqual(['skip', 'silence']);
  expect(CALLBACK_EVENTS).toEqual(['in-progress', 'completed', 'absent']);
  expect(CALL_STATUSES).toEqual(
    expect.arrayContaining(['in-progress', 'paused', 'stopped', 'processing', 'completed', 'absent']),
  );
});

test("a call recording's whole life answers only statuses of Twilio's enum, and calls back only the documented events", async () => {
  const call = await newCall(stack.em.client);
  const rec = await stack.em.client.calls(call.sid).recordings.create({
    recordingStatusCallback: `${stack.app.url}/status`,
    recordingStatusCallbackEvent: CALLBACK_EVENTS,
  });
  const recording = stack.em.client.calls(call.sid).recordings(rec.sid);
  const seen = [rec.status];
  for (const pauseBehavior of PAUSE_BEHAVIORS) {
    seen.push((await recording.update({ status: 'paused', pauseBehavior })).status);
    seen.push((await recording.update({ status: 'in-progress' })).status);
  }
  // A pause behaviour Twilio does not list is refused.
  await expect(recording.update({ status: 'paused', pauseBehavior: 'mute' })).rejects.toMatchObject({ status: 400 });
  seen.push((await recording.update({ status: 'stopped' })).status, (await recording.fetch()).status);
  await stack.em.control('GET', '/callbacks/idle');
  seen.push((await recording.fetch()).status);
  expect(seen.filter((s) => !CALL_STATUSES.includes(s))).toEqual([]);
  expect(seen).toEqual([
    'in-progress',
    'paused',
    'in-progress',
    'paused',
    'in-progress',
    'stopped',
    'processing',
    'completed',
  ]);
  // No callback for a pause or a resume: every event subscribed, two of each made.
  const called = stack.app.received
    .filter((r) => r.params.RecordingSid === rec.sid)
    .map((r) => r.params.RecordingStatus);
  expect(called).toEqual(['in-progress', 'completed']);
  expect(called.every((s) => CALLBACK_EVENTS.includes(s))).toBe(true);
});

test("a conference recording's pauses and resumes answer only statuses of Twilio's enum for conferences", async () => {
  await conferenceCalls(stack.em.client, 'docs');
  const rec = await waitFor('the conference recording', async () => {
    const [conference] = await stack.em.client.conferences.list({ friendlyName: 'docs', status: 'in-progress' });
    return conference && (await stack.em.client.conferences(conference.sid).recordings.list())[0];
  });
  const recording = stack.em.client.conferences(rec.conferenceSid).recordings(rec.sid);
  const seen = [rec.status];
  for (const pauseBehavior of PAUSE_BEHAVIORS) {
    seen.push((await recording.update({ status: 'paused', pauseBehavior })).status);
    seen.push((await recording.update({ status: 'in-progress' })).status);
  }
  expect(seen.filter((s) => !CONFERENCE_STATUSES.includes(s))).toEqual([]);
});
