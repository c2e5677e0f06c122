// A pause, resume or stop that Twilio refuses, run in-process against the emulator: what the caller is
// told (Twilio.CURRENT with several active recordings or none, a recording that has ended, a call that
// has), that nothing changed on Twilio or in Sync, and that the refused control is in the evidence log.
import { evidenceEntries, servedRequests, syncDocument } from '../../../harness/functions';
import { instanceOn, useInProcessEmulator } from '../../../harness/in-process';
import type { RunningEmulator } from '../../../harness/stack';
import { control, recordingCall } from './controls';

const stack = useInProcessEmulator();

/** The statuses of the call's recordings on Twilio, by SID. */
const onTwilio = async (em: RunningEmulator, callSid: string) =>
  Object.fromEntries((await em.client.calls(callSid).recordings.list()).map((r) => [r.sid, r.status]));

/** What the evidence log says of each entry that matters here, in order. */
const logged = async (em: RunningEmulator, callSid: string) =>
  (await evidenceEntries(em, callSid)).map((e) => ({
    source: e.source,
    recordingSid: e.recordingSid,
    status: e.status,
    action: e.action,
  }));

describe('Twilio.CURRENT with several active recordings', () => {
  test('a pause without RecordingSid is refused 409 SEVERAL_ACTIVE_RECORDINGS naming both (16108); nothing changes', async () => {
    const em = stack.em;
    const { callSid, recordingSid: first } = await recordingCall(em);
    const second = (await em.client.calls(callSid).recordings.create()).sid;
    // Twilio lists them newest first: the answer names them in its order.
    const listed = (await em.client.calls(callSid).recordings.list()).map((r) => r.sid);
    expect([...listed].sort()).toEqual([first, second].sort());
    const outcome = await control(em, callSid, { status: 'paused', all: false });
    expect(outcome).toEqual({
      ok: false,
      error: {
        status: 409,
        code: 'SEVERAL_ACTIVE_RECORDINGS',
        twilioCode: 16108,
        message: `call ${callSid} has 2 active recordings (${listed.join(', ')}): name one with RecordingSid, or pass All=true`,
      },
    });
    expect(await onTwilio(em, callSid)).toEqual({ [first]: 'in-progress', [second]: 'in-progress' });
    // Twilio answered nothing to write: Sync is not written, the refusal is logged.
    expect(await syncDocument(em, callSid)).toBeUndefined();
    expect(await logged(em, callSid)).toEqual([
      { source: 'control', recordingSid: 'Twilio.CURRENT', status: 'refused', action: 'paused' },
    ]);
  });

  test('when the list that would name them fails, the answer still says several (16108)', async () => {
    const em = stack.em;
    const { callSid } = await recordingCall(em);
    await em.client.calls(callSid).recordings.create();
    await em.control('POST', '/faults', {
      kind: '500',
      count: 1000,
      match: `${callSid}/Recordings.json`,
      method: 'GET',
    });
    // The request arrived 6.6 s ago: the list's 500s are retried only for the 0.9 s of Voice time left.
    const outcome = await control(em, callSid, { status: 'paused', all: false }, 6_600);
    await em.control('DELETE', '/faults');
    expect(outcome).toEqual({
      ok: false,
      error: {
        status: 409,
        code: 'SEVERAL_ACTIVE_RECORDINGS',
        twilioCode: 16108,
        message: `call ${callSid} has several active recordings: name one with RecordingSid, or pass All=true`,
      },
    });
  });
});

describe('Twilio.CURRENT with no active recording', () => {
  test.each(['404', '21220'] as const)(
    'Twilio answering %s: 409 NO_ACTIVE_RECORDING while the call is in progress; nothing written to Sync',
    async (answer) => {
      const em = stack.em;
      await em.control('POST', '/limits', { currentWithNoActiveRecording: answer });
      const { callSid, recordingSid } = await recordingCall(em);
      await em.client.calls(callSid).recordings(recordingSid).update({ status: 'stopped' });
      const outcome = await control(em, callSid, { status: 'in-progress', all: false });
      expect(outcome).toEqual({
        ok: false,
        error: {
          status: 409,
          code: 'NO_ACTIVE_RECORDING',
          twilioCode: undefined,
          message: `call ${callSid} has no active recording`,
        },
      });
      expect(await syncDocument(em, callSid)).toBeUndefined();
      // The resume's intent, then its refusal: the intent is ended.
      expect(await logged(em, callSid)).toEqual([
        { source: 'intent', recordingSid: 'Twilio.CURRENT', status: 'in-progress', action: 'in-progress' },
        { source: 'control', recordingSid: 'Twilio.CURRENT', status: 'refused', action: 'in-progress' },
      ]);
    },
  );

  test('a call that has ended: 409 NOT_IN_PROGRESS naming its state (21220)', async () => {
    const em = stack.em;
    const { callSid } = await recordingCall(em);
    await em.client.calls(callSid).update({ status: 'completed' });
    const outcome = await control(em, callSid, { status: 'paused', all: false });
    expect(outcome).toEqual({
      ok: false,
      error: {
        status: 409,
        code: 'NOT_IN_PROGRESS',
        twilioCode: 21220,
        message: 'The call is completed, not in progress',
      },
    });
  });

  test('All=true with none active: 409 NO_ACTIVE_RECORDING, and no change is sent', async () => {
    const em = stack.em;
    const { callSid, recordingSid } = await recordingCall(em);
    await em.client.calls(callSid).recordings(recordingSid).update({ status: 'stopped' });
    const mark = (await servedRequests(em)).length;
    const outcome = await control(em, callSid, { status: 'paused', all: true });
    expect(outcome).toMatchObject({ ok: false, error: { status: 409, code: 'NO_ACTIVE_RECORDING' } });
    const posts = (await servedRequests(em)).slice(mark).filter((r) => r.method === 'POST');
    expect(posts.filter((r) => r.path.includes('/Recordings/'))).toEqual([]);
  });
});

describe('a recording named by SID that has ended (Twilio: 21220)', () => {
  test('Sync knows it ended: 409 RECORDING_ENDED with its status from Sync, without asking Twilio about the call', async () => {
    const em = stack.em;
    const { callSid, recordingSid } = await recordingCall(em);
    // Stopped through the toolkit, then completed (as its callback reports): Sync tracks it as completed.
    const stop = await control(em, callSid, { status: 'stopped', recordingSid, all: false });
    expect(stop).toMatchObject({ ok: true, value: { status: 'stopped', synced: true } });
    const a = await instanceOn(em);
    await a.deps('studio:FWa').store.update(callSid, (doc) => ({
      ...doc,
      recordings: { ...doc.recordings, [recordingSid]: { ...doc.recordings[recordingSid], status: 'completed' } },
    }));
    const mark = (await servedRequests(em)).length;
    const outcome = await control(em, callSid, { status: 'paused', recordingSid, all: false });
    expect(outcome).toEqual({
      ok: false,
      error: {
        status: 409,
        code: 'RECORDING_ENDED',
        twilioCode: 21220,
        message: `Recording ${recordingSid} has ended (completed): it cannot be paused, resumed or stopped again; /recording/start starts a new one`,
      },
    });
    const served = (await servedRequests(em)).slice(mark);
    expect(served.filter((r) => r.method === 'GET' && r.path.endsWith(`/Calls/${callSid}.json`))).toEqual([]);
    expect((await syncDocument(em, callSid))?.recordings[recordingSid]?.status).toBe('completed');
  });

  test("Sync does not know it ended, the call is in progress: 409 RECORDING_ENDED, once Twilio's call says so", async () => {
    const em = stack.em;
    const { callSid, recordingSid } = await recordingCall(em);
    await em.client.calls(callSid).recordings(recordingSid).update({ status: 'stopped' });
    const mark = (await servedRequests(em)).length;
    const outcome = await control(em, callSid, { status: 'in-progress', recordingSid, all: false });
    expect(outcome).toEqual({
      ok: false,
      error: {
        status: 409,
        code: 'RECORDING_ENDED',
        twilioCode: 21220,
        message: `Recording ${recordingSid} has ended (stopped): it cannot be paused, resumed or stopped again; /recording/start starts a new one`,
      },
    });
    const served = (await servedRequests(em)).slice(mark);
    expect(served.filter((r) => r.method === 'GET' && r.path.endsWith(`/Calls/${callSid}.json`))).toHaveLength(1);
    expect(await logged(em, callSid)).toEqual([
      { source: 'intent', recordingSid, status: 'in-progress', action: 'in-progress' },
      { source: 'control', recordingSid, status: 'refused', action: 'in-progress' },
    ]);
  });

  test('a recording Sync keeps as a tombstone: 409 RECORDING_ENDED, without asking Twilio about the call', async () => {
    const em = stack.em;
    const { callSid, recordingSid } = await recordingCall(em);
    await em.client.calls(callSid).recordings(recordingSid).update({ status: 'stopped' });
    const a = await instanceOn(em);
    const deps = a.deps('studio:FWa');
    // Sync remembers only that it ended (its SID's digits among `ended`), not its status.
    await deps.store.update(callSid, (doc) => ({ ...doc, ended: recordingSid.slice(2, 14) }));
    const mark = (await servedRequests(em)).length;
    const outcome = await control(em, callSid, { status: 'paused', recordingSid, all: false });
    expect(outcome).toMatchObject({
      ok: false,
      error: {
        status: 409,
        code: 'RECORDING_ENDED',
        message: `Recording ${recordingSid} has ended (stopped): it cannot be paused, resumed or stopped again; /recording/start starts a new one`,
      },
    });
    const served = (await servedRequests(em)).slice(mark);
    expect(served.filter((r) => r.method === 'GET' && r.path.endsWith(`/Calls/${callSid}.json`))).toEqual([]);
  });

  test('the call has ended too: 409 NOT_IN_PROGRESS naming the call state, not RECORDING_ENDED', async () => {
    const em = stack.em;
    const { callSid, recordingSid } = await recordingCall(em);
    await em.client.calls(callSid).update({ status: 'completed' });
    const outcome = await control(em, callSid, { status: 'paused', recordingSid, all: false });
    expect(outcome).toEqual({
      ok: false,
      error: {
        status: 409,
        code: 'NOT_IN_PROGRESS',
        twilioCode: 21220,
        message: 'The call is completed, not in progress',
      },
    });
  });

  test('a SID Twilio does not know: 404 NOT_FOUND naming the recording and the call', async () => {
    const em = stack.em;
    const { callSid } = await recordingCall(em);
    const unknown = 'RE' + '0'.repeat(32);
    const outcome = await control(em, callSid, { status: 'paused', recordingSid: unknown, all: false });
    expect(outcome).toMatchObject({
      ok: false,
      error: {
        status: 404,
        code: 'NOT_FOUND',
        message: `Twilio does not know recording ${unknown} of call ${callSid}`,
      },
    });
  });
});

test("an ended recording while Sync cannot be read: Twilio's call says it is in progress, so 409 RECORDING_ENDED", async () => {
  const em = stack.em;
  const { callSid, recordingSid } = await recordingCall(em);
  await em.client.calls(callSid).recordings(recordingSid).update({ status: 'stopped' });
  // Sync refuses the read 429 with a minute to wait: no time to retry it.
  await em.control('POST', '/faults', { kind: '429', retryAfter: 60, count: 1, match: '/Items/state', method: 'GET' });
  const outcome = await control(em, callSid, { status: 'paused', recordingSid, all: false });
  expect(outcome).toMatchObject({ ok: false, error: { status: 409, code: 'RECORDING_ENDED', twilioCode: 21220 } });
});
