// Conferences as Twilio runs them (twilio.com/docs/voice/twiml/conference): `init` until two participants
// are bridged, recorded from then with `record-from-start`, over when the last one leaves or one with
// `endConferenceOnExit` does.
import { conferenceCalls, conferenceTwiml, newCall } from '../../harness/calls';
import { startEmulator, ACCOUNT_SID, type RunningEmulator } from '../../harness/stack';

let em: RunningEmulator;
beforeAll(async () => (em = await startEmulator()));
afterAll(() => em.close());
afterEach(() => em.control('POST', '/reset'));

const conferenceNamed = async (room: string) => (await em.client.conferences.list({ friendlyName: room }))[0];
const room = (name: string, attrs = '', after = '') =>
  `<Response><Dial><Conference record="record-from-start" ${attrs}>${name}</Conference></Dial>${after}</Response>`;

// twilio.com/docs/voice/twiml/conference: "the conference does not start until at least two participants join".
test('one participant: the conference is init and nothing records; the second starts it and its recording', async () => {
  const a = await newCall(em.client, conferenceTwiml('sales'));
  const waiting = await conferenceNamed('sales');
  expect(waiting.status).toBe('init');
  expect(await em.client.conferences(waiting.sid).recordings.list()).toEqual([]);
  expect(await em.client.conferences.list({ friendlyName: 'sales', status: 'in-progress' })).toEqual([]);

  const b = await newCall(em.client, conferenceTwiml('sales'));
  const conference = await em.client.conferences(waiting.sid).fetch();
  expect(conference.status).toBe('in-progress');
  const [rec] = await em.client.conferences(conference.sid).recordings.list();
  expect(rec).toMatchObject({ status: 'in-progress', source: 'Conference', conferenceSid: conference.sid });

  // OpenAPI UpdateConferenceRecording: Status paused | in-progress only; stopping is not the API's.
  const recording = em.client.conferences(conference.sid).recordings(rec.sid);
  expect((await recording.update({ status: 'paused', pauseBehavior: 'skip' })).status).toBe('paused');
  expect(
    (await em.client.conferences(conference.sid).recordings('Twilio.CURRENT').update({ status: 'in-progress' })).status,
  ).toBe('in-progress');
  await expect(recording.update({ status: 'stopped' })).rejects.toMatchObject({
    status: 400,
    message: expect.stringContaining('Status'),
  });

  // One participant leaving does not end it; the last one does (reason_conference_ended, OpenAPI).
  await em.client.calls(a.sid).update({ status: 'completed' });
  expect((await em.client.conferences(conference.sid).fetch()).status).toBe('in-progress');
  await em.client.calls(b.sid).update({ status: 'completed' });
  expect(await em.client.conferences(conference.sid).fetch()).toMatchObject({
    status: 'completed',
    reasonConferenceEnded: 'last-participant-left',
    callSidEndingConference: b.sid,
  });
  expect((await recording.fetch()).status).toBe('processing');
  await em.control('GET', '/callbacks/idle');
  expect((await recording.fetch()).status).toBe('completed');
});

// twilio.com/docs/voice/twiml/conference#startconferenceonenter: false waits for one who starts it.
test('participants with startConferenceOnEnter="false" wait, however many, until one without it joins', async () => {
  const waiting = room('hold', 'startConferenceOnEnter="false"');
  await newCall(em.client, waiting);
  await newCall(em.client, waiting);
  const conference = await conferenceNamed('hold');
  expect(conference.status).toBe('init');
  expect(await em.client.conferences(conference.sid).recordings.list()).toEqual([]);
  await newCall(em.client, room('hold'));
  expect((await em.client.conferences(conference.sid).fetch()).status).toBe('in-progress');
  expect(await em.client.conferences(conference.sid).recordings.list()).toHaveLength(1);
});

// twilio.com/docs/voice/twiml/conference#endconferenceonexit: the others are sent on from their <Dial>.
test('a participant with endConferenceOnExit ends it on leaving; the others go on to their next verb', async () => {
  const host = await newCall(em.client, room('desk', 'endConferenceOnExit="true"'));
  const guest = await newCall(em.client, room('desk', '', '<Say>The meeting is over</Say>'));
  const conference = await conferenceNamed('desk');
  expect(conference.status).toBe('in-progress');
  await em.client.calls(host.sid).update({ status: 'completed' });
  expect(await em.client.conferences(conference.sid).fetch()).toMatchObject({
    status: 'completed',
    reasonConferenceEnded: 'participant-with-end-conference-on-exit-left',
    callSidEndingConference: host.sid,
  });
  const { status, log } = await em.control<{ status: string; log: Array<{ step: string; text?: string }> }>(
    'GET',
    `/calls/${guest.sid}/log?wait=true`,
  );
  expect(status).toBe('completed');
  expect(log.map((e) => e.step)).toEqual(expect.arrayContaining(['conference-ended', 'Say', 'hangup']));
  expect(log.find((e) => e.step === 'Say')?.text).toBe('The meeting is over');
});

test('a call sent other TwiML leaves its conference; a conference that never started records nothing', async () => {
  const [a, b] = await conferenceCalls(em.client, 'move');
  const conference = await conferenceNamed('move');
  await em.client.calls(a.sid).update({ twiml: '<Response><Pause length="60"/></Response>' });
  expect((await em.client.conferences(conference.sid).fetch()).status).toBe('in-progress');
  await em.client.calls(b.sid).update({ status: 'completed' });
  expect((await em.client.conferences(conference.sid).fetch()).status).toBe('completed');

  const alone = await newCall(em.client, conferenceTwiml('alone'));
  await em.client.calls(alone.sid).update({ status: 'completed' });
  const never = await conferenceNamed('alone');
  expect(never.status).toBe('completed');
  expect(await em.client.conferences(never.sid).recordings.list()).toEqual([]);
});

// OpenAPI: POST .../Conferences/{ConferenceSid}/Recordings.json is no operation (conference recordings start with TwiML).
test('a conference recording cannot be created through the API', async () => {
  await conferenceCalls(em.client, 'support');
  const conference = await conferenceNamed('support');
  const res = await em.client.request({
    method: 'post',
    uri: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Conferences/${conference.sid}/Recordings.json`,
  });
  expect(res.statusCode).toBe(405);
});

// twilio.com/docs/api/errors/13256: "The recording will be processed, but status notifications will not be sent".
test("a <Conference> recordingStatusCallback that cannot be a URL (relative, in inline TwiML): recorded all the same, Twilio's warning 13256", async () => {
  const twiml = room('relative', 'recordingStatusCallback="/status"');
  await newCall(em.client, twiml);
  await newCall(em.client, twiml);
  const conference = await conferenceNamed('relative');
  const [rec] = await em.client.conferences(conference.sid).recordings.list();
  expect(rec.status).toBe('in-progress');
  const { alerts } = await em.control<{ alerts: Array<Record<string, string>> }>('GET', '/alerts');
  expect(alerts).toEqual([expect.objectContaining({ error_code: '13256', resource_sid: rec.sid })]);
});
