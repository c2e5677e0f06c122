// A pause, resume or stop run in-process against the emulator: the fence that keeps a pause from being
// retried over a later resume, closed by another instance, failing closed, with clocks apart; the fence that
// keeps a resume from being retried over a later pause; the resume's intent logged before its request (and
// none without an evidence log); All=true changing every active recording.
import { evidenceEntries, servedRequests } from '../../../harness/functions';
import { atTime, instanceOn, useInProcessEmulator } from '../../../harness/in-process';
import type { RunningEmulator } from '../../../harness/stack';
import { intentOf } from '../../../lib/sync/evidence-log';
import { CLOCK } from '../../../lib/twilio/deadline';
import { recordingCall } from './controls';

/** The clock skew between instances the docs promise to allow (docs/guarantees.md), not read from lib/. */
const SKEW_MARGIN_MS = 50;

const stack = useInProcessEmulator();

/** The changes of the call's recordings Twilio was sent, by SID or as Twilio.CURRENT. */
const recordingPosts = (em: RunningEmulator, callSid: string) =>
  servedRequests(em).then((all) =>
    all.filter((r) => r.method === 'POST' && r.path.includes(`/Calls/${callSid}/Recordings/`)),
  );

/** Twilio answers the next pause of `recordingSid` with 16114 (transient: Twilio did nothing, the client may retry). */
const transientOnce = (em: RunningEmulator, recordingSid: string) =>
  em.control('POST', '/faults', { kind: '16114', count: 1, match: recordingSid, method: 'POST', field: 'paused' });

/**
 * Instance A pauses; its first request meets 16114; before its retry (at its fence), `between` runs.
 * Returns A's outcome and the recording's status on Twilio after all.
 */
async function pauseRetriedAfter(em: RunningEmulator, between: (callSid: string) => Promise<unknown>, ageMs = 0) {
  const { callSid, recordingSid } = await recordingCall(em);
  const a = await instanceOn(em);
  // The request arrived `ageMs` ago: its deadline is that much nearer.
  const deps = a.deps('studio:FWa', undefined, Date.now() - ageMs);
  const guard = deps.fence.mayRetry.bind(deps.fence);
  let fenceAsked = 0;
  deps.fence.mayRetry = async () => {
    fenceAsked += 1;
    await between(callSid);
    return guard();
  };
  await transientOnce(em, recordingSid);
  const outcome = await a.lib.setStatus
    .setRecordingStatus(deps, a.lib.voice.callOwner(deps.client, callSid), {
      status: 'paused',
      recordingSid,
      all: false,
    })
    .then(
      (value) => ({ ok: true as const, value }),
      (error: { code?: string; status?: number }) => ({ ok: false as const, error }),
    );
  const status = (await em.client.calls(callSid).recordings(recordingSid).fetch()).status;
  return { outcome, status, fenceAsked, callSid, recordingSid, posts: await recordingPosts(em, callSid) };
}

describe('the fence: a pause is never retried over a resume sent since', () => {
  test('with no resume since, the pause is retried after 16114 and holds', async () => {
    const run = await pauseRetriedAfter(stack.em, async () => undefined);
    expect(run.fenceAsked).toBe(1);
    expect(run.outcome.ok).toBe(true);
    expect(run.status).toBe('paused');
    expect(run.posts.map((p) => p.status)).toEqual([409, 200]);
  });

  test("closed by another instance's resume between the pause's attempts: no retry, the resume stands", async () => {
    const b = await instanceOn(stack.em);
    const run = await pauseRetriedAfter(stack.em, async (callSid) => {
      const deps = b.deps('studio:FWb');
      await b.lib.setStatus.setRecordingStatus(deps, b.lib.voice.callOwner(deps.client, callSid), {
        status: 'in-progress',
        all: false,
      });
    });
    expect(run.fenceAsked).toBe(1);
    expect(run.outcome).toMatchObject({ ok: false, error: { status: 503, code: 'RECORDING_BUSY' } });
    expect(run.status).toBe('in-progress');
    // The pause's one attempt (16114) and the resume: the pause was not sent again.
    expect(run.posts.map((p) => p.status)).toEqual([409, 200]);
  });

  test('fails closed: when the evidence log cannot be read, the pause is not retried', async () => {
    const em = stack.em;
    const run = await pauseRetriedAfter(
      em,
      async (callSid) => {
        // Every read of the call's Map fails from here on (the fence's read among them).
        await em.control('POST', '/faults', { kind: '500', count: 1000, match: `${callSid}/Items`, method: 'GET' });
        // The request arrived 6 s ago: the fence's read retries its 500s until the deadline, 3 s from now.
      },
      6_000,
    );
    await em.control('DELETE', '/faults');
    expect(run.fenceAsked).toBe(1);
    expect(run.outcome).toMatchObject({ ok: false, error: { status: 503, code: 'RECORDING_BUSY' } });
    expect(run.status).toBe('in-progress');
    expect(run.posts.map((p) => p.status)).toEqual([409]);
  });

  test('an empty log (404: nothing logged for the call) lets the retry go', async () => {
    // Without an evidence log the pause's entries are never written: the fence's read meets 404.
    const run = await pauseRetriedAfter(stack.em, async () => undefined);
    expect(run.posts.map((p) => p.status)).toEqual([409, 200]);
  });

  describe('clocks apart: an intent logged by another machine counts from its send minus the skew margin', () => {
    /**
     * A's clock is held at `t` for its whole pause (so its fence counts from `t`); at the fence, an intent
     * logged on another machine whose clock reads `t + offsetMs` when it sends, or on this machine's clock.
     */
    async function withIntent(offsetMs: number, clock: string) {
      const em = stack.em;
      const { callSid, recordingSid } = await recordingCall(em);
      const a = await instanceOn(em);
      const other = await instanceOn(em);
      const deps = a.deps('studio:FWa');
      const t = Date.now();
      const guard = deps.fence.mayRetry.bind(deps.fence);
      deps.fence.mayRetry = async () => {
        const log = other.lib.wiring.evidenceLog(other.context, em.client);
        await log.append(callSid, [
          { ...intentOf('other-control', 'in-progress', '*', 'studio:FWb', t + offsetMs), clock },
        ]);
        return guard();
      };
      await transientOnce(em, recordingSid);
      await atTime(t, () =>
        a.lib.setStatus
          .setRecordingStatus(deps, a.lib.voice.callOwner(deps.client, callSid), {
            status: 'paused',
            recordingSid,
            all: false,
          })
          .catch(() => undefined),
      );
      return (await recordingPosts(em, callSid)).map((p) => p.status);
    }
    const within = -(SKEW_MARGIN_MS - 10);
    const beyond = -(SKEW_MARGIN_MS + 10);

    test(`another machine's intent stamped ${-within} ms before the pause (within the margin) closes the fence`, async () => {
      expect(await withIntent(within, 'ffffffff')).toEqual([409]);
    });
    test(`another machine's intent stamped ${-beyond} ms before the pause (beyond the margin) is older: the retry goes`, async () => {
      expect(await withIntent(beyond, 'ffffffff')).toEqual([409, 200]);
    });
    test("an intent read on this machine's clock compares as it is: 1 ms before the pause is older", async () => {
      expect(await withIntent(-1, CLOCK)).toEqual([409, 200]);
    });
    test('an intent stamped at the pause itself closes the fence, on either clock', async () => {
      expect(await withIntent(0, CLOCK)).toEqual([409]);
    });
  });
});

test("a resume's intent is in the log before its request reaches Twilio, even when the log is slow", async () => {
  const em = stack.em;
  const { callSid, recordingSid } = await recordingCall(em);
  await em.client.calls(callSid).recordings(recordingSid).update({ status: 'paused' });
  const a = await instanceOn(em);
  const deps = a.deps('studio:FWa');
  // The intent's append is slowed: a resume that did not wait for it would reach Twilio first.
  await em.control('POST', '/faults', { kind: 'latency', ms: 150, count: 1, field: 'intent', method: 'POST' });
  const mark = (await servedRequests(em)).length;
  await a.lib.setStatus.setRecordingStatus(deps, a.lib.voice.callOwner(deps.client, callSid), {
    status: 'in-progress',
    all: false,
  });
  const served = (await servedRequests(em)).slice(mark);
  const intent = served.filter((r) => r.method === 'POST' && r.path.endsWith(`${callSid}/Items`));
  const resume = served.filter((r) => r.method === 'POST' && r.path.includes('/Recordings/'));
  expect(resume).toHaveLength(1);
  expect(intent.length).toBeGreaterThanOrEqual(1);
  // The first append (the intent) was answered before the resume was sent.
  expect(intent[0].endedAt).toBeLessThanOrEqual(resume[0].startedAt);
  const entries = await evidenceEntries(em, callSid);
  expect(entries.map((e) => [e.source, e.status])).toEqual([
    ['intent', 'in-progress'],
    ['control', 'in-progress'],
  ]);
});

test('a resume whose intent cannot be logged is not sent (503 EVIDENCE_UNAVAILABLE), and Twilio is not asked', async () => {
  const em = stack.em;
  const { callSid, recordingSid } = await recordingCall(em);
  await em.client.calls(callSid).recordings(recordingSid).update({ status: 'paused' });
  const a = await instanceOn(em);
  const deps = a.deps('studio:FWa');
  await em.control('POST', '/faults', { kind: '500', count: 1000, match: `${callSid}/Items`, method: 'POST' });
  const mark = (await servedRequests(em)).length;
  await expect(
    a.lib.setStatus.setRecordingStatus(deps, a.lib.voice.callOwner(deps.client, callSid), {
      status: 'in-progress',
      all: false,
    }),
  ).rejects.toMatchObject({
    status: 503,
    code: 'EVIDENCE_UNAVAILABLE',
    message: `Twilio failed (HTTP 500) for the evidence log of ${callSid}; try again: the in-progress was not sent, so that no pause is claimed that it may have ended`,
  });
  await em.control('DELETE', '/faults');
  const served = (await servedRequests(em)).slice(mark);
  expect(served.filter((r) => r.path.includes('/Recordings'))).toEqual([]);
  expect((await em.client.calls(callSid).recordings(recordingSid).fetch()).status).toBe('paused');
});

test('All=true pauses every active recording of the call, each named in the answer and in Sync', async () => {
  const em = stack.em;
  const { callSid, recordingSid: first } = await recordingCall(em);
  const second = (await em.client.calls(callSid).recordings.create()).sid;
  const a = await instanceOn(em);
  const deps = a.deps('studio:FWa');
  const answer = await a.lib.setStatus.setRecordingStatus(deps, a.lib.voice.callOwner(deps.client, callSid), {
    status: 'paused',
    all: true,
  });
  expect(answer.synced).toBe(true);
  expect(answer.recordings.map((r) => [r.recordingSid, r.status]).sort()).toEqual(
    [
      [first, 'paused'],
      [second, 'paused'],
    ].sort(),
  );
  for (const sid of [first, second])
    expect((await em.client.calls(callSid).recordings(sid).fetch()).status).toBe('paused');
  const { doc } = await deps.store.read(callSid);
  expect(doc.recordings[first].status).toBe('paused');
  expect(doc.recordings[second].status).toBe('paused');
});

describe('the fence of a resume: never retried over a pause logged since', () => {
  /** A resumes a paused recording; its first request meets 16114; before its retry, `between` runs. */
  async function resumeRetriedAfter(
    em: RunningEmulator,
    between: (callSid: string) => Promise<unknown>,
    before: (callSid: string) => Promise<unknown> = async () => undefined,
  ) {
    const { callSid, recordingSid } = await recordingCall(em);
    await em.client.calls(callSid).recordings(recordingSid).update({ status: 'paused' });
    const a = await instanceOn(em);
    const deps = a.deps('studio:FWa');
    const guard = deps.fence.mayRetry.bind(deps.fence);
    deps.fence.mayRetry = async () => {
      await between(callSid);
      return guard();
    };
    await em.control('POST', '/faults', {
      kind: '16114',
      count: 1,
      match: recordingSid,
      method: 'POST',
      field: 'in-progress',
    });
    await before(callSid);
    const outcome = await a.lib.setStatus
      .setRecordingStatus(deps, a.lib.voice.callOwner(deps.client, callSid), {
        status: 'in-progress',
        recordingSid,
        all: false,
      })
      .then(
        (value) => ({ ok: true as const, value }),
        (error: { code?: string; status?: number }) => ({ ok: false as const, error }),
      );
    const status = (await em.client.calls(callSid).recordings(recordingSid).fetch()).status;
    return { outcome, status, posts: (await recordingPosts(em, callSid)).map((p) => p.status) };
  }

  test('with no pause since, the resume is retried after 16114 and holds', async () => {
    const run = await resumeRetriedAfter(stack.em, async () => undefined);
    expect(run.outcome).toMatchObject({ ok: true, value: { status: 'in-progress' } });
    expect(run.status).toBe('in-progress');
    // The pause that set it up, the resume's 16114, its retry.
    expect(run.posts).toEqual([200, 409, 200]);
  });

  test("a pause sent on this machine just before the resume's first attempt is older: the retry goes", async () => {
    // Both read on this machine's clock, so compared without the skew margin: a PCI flow's pause answered
    // a few milliseconds before its resume does not make the resume's retry unsure.
    const b = await instanceOn(stack.em);
    const run = await resumeRetriedAfter(
      stack.em,
      async () => undefined,
      async (callSid) => {
        // Twice: the second as a warm instance answers, well within the margin of the resume's first attempt.
        for (let i = 0; i < 2; i++) {
          const deps = b.deps('studio:FWb');
          await b.lib.setStatus.setRecordingStatus(deps, b.lib.voice.callOwner(deps.client, callSid), {
            status: 'paused',
            all: false,
          });
        }
      },
    );
    expect(run.outcome).toMatchObject({ ok: true, value: { status: 'in-progress' } });
    expect(run.status).toBe('in-progress');
    // The pause that set it up, the other instance's two pauses, the resume's 16114, its retry.
    expect(run.posts).toEqual([200, 200, 200, 409, 200]);
  });

  test("another instance's pause between the resume's attempts: no retry, the pause stands", async () => {
    const b = await instanceOn(stack.em);
    const run = await resumeRetriedAfter(stack.em, async (callSid) => {
      const deps = b.deps('studio:FWb');
      // The recording is paused already: Twilio answers the pause, and it is logged.
      await b.lib.setStatus.setRecordingStatus(deps, b.lib.voice.callOwner(deps.client, callSid), {
        status: 'paused',
        all: false,
      });
    });
    expect(run.outcome).toMatchObject({ ok: false, error: { status: 503, code: 'RECORDING_BUSY' } });
    expect(run.status).toBe('paused');
    // The pause that set it up, the resume's 16114, the other instance's pause: the resume was not sent again.
    expect(run.posts).toEqual([200, 409, 200]);
  });
});

describe('without an evidence log', () => {
  test('a resume is sent without an intent, and a pause meeting 16114 is retried', async () => {
    const em = stack.em;
    const { callSid, recordingSid } = await recordingCall(em);
    const a = await instanceOn(em);
    const deps = { ...a.deps('studio:FWa'), evidence: undefined };
    await transientOnce(em, recordingSid);
    const pause = await a.lib.setStatus.setRecordingStatus(deps, a.lib.voice.callOwner(deps.client, callSid), {
      status: 'paused',
      recordingSid,
      all: false,
    });
    expect(pause).toMatchObject({ status: 'paused', synced: true });
    const resume = await a.lib.setStatus.setRecordingStatus(deps, a.lib.voice.callOwner(deps.client, callSid), {
      status: 'in-progress',
      recordingSid,
      all: false,
    });
    expect(resume).toMatchObject({ status: 'in-progress', synced: true });
    expect((await recordingPosts(em, callSid)).map((p) => p.status)).toEqual([409, 200, 200]);
    expect(await evidenceEntries(em, callSid)).toEqual([]);
  });
});

test("All=true: a resume's intent names every recording ('*')", async () => {
  const em = stack.em;
  const { callSid, recordingSid } = await recordingCall(em);
  await em.client.calls(callSid).recordings(recordingSid).update({ status: 'paused' });
  const a = await instanceOn(em);
  const deps = a.deps('studio:FWa');
  await a.lib.setStatus.setRecordingStatus(deps, a.lib.voice.callOwner(deps.client, callSid), {
    status: 'in-progress',
    all: true,
  });
  const entries = await evidenceEntries(em, callSid);
  expect(entries.map((e) => [e.source, e.recordingSid, e.status])).toEqual([
    ['intent', '*', 'in-progress'],
    ['control', recordingSid, 'in-progress'],
  ]);
});
