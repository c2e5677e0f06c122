// The pause lock decides by who paused since the recording was last heard (model/people pauseHolders,
// from the evidence): pause, resume, pause by another; the earlier pauser's lift no longer counts.
import { newCall } from '../../../harness/calls';
import { evidenceEntries } from '../../../harness/functions';
import { instanceOn, useInProcessEmulator } from '../../../harness/in-process';
import { clientFor } from '../../../harness/stack';
import { personOf, type Person } from '../../../lib/model/people';
import type { Attempt } from '../../../lib/controls/pause-lock';
import { EvidenceLog } from '../../../lib/sync/evidence-log';

const SYNC = { serviceSid: 'default', ttlSeconds: 600 };

const stack = useInProcessEmulator();
const FLOW = 'studio:FW00000000000000000000000000000001';
const alice = personOf('agent', 'alice');

/** A call recording on the emulator, and `control(by, status)` that pauses or resumes it as `by`. */
async function recorded() {
  const em = stack.em;
  const call = await newCall(em.client);
  const recordingSid = (await em.client.calls(call.sid).recordings.create()).sid;
  const fx = await instanceOn(em);
  const control = async (by: string | Person, status: 'paused' | 'in-progress', sid = recordingSid) => {
    const deps = typeof by === 'string' ? fx.deps(by) : fx.deps(by.caller, by);
    await fx.lib.setStatus.setRecordingStatus(deps, fx.lib.voice.callOwner(deps.client, call.sid), {
      status,
      recordingSid: sid,
      all: false,
    });
  };
  const lift = (person: Person, attempt?: Attempt) => {
    const deps = fx.deps(person.caller, person);
    return fx.lib.pauseLock.checkLock(
      deps,
      person,
      fx.lib.voice.callOwner(deps.client, call.sid),
      attempt ?? { action: 'in-progress', how: `RecordingSid=${recordingSid}` },
    );
  };
  return { callSid: call.sid, recordingSid, control, lift };
}

test('flow pauses, flow resumes, the agent pauses: the agent may resume their own pause', async () => {
  const r = await recorded();
  await r.control(FLOW, 'paused');
  await r.control(FLOW, 'in-progress');
  await r.control(alice, 'paused');
  await expect(r.lift(alice)).resolves.toBeUndefined();
});

test("the agent pauses, resumes, then a flow pauses: the flow's pause holds against the agent (403 PAUSE_HELD)", async () => {
  const r = await recorded();
  await r.control(alice, 'paused');
  await r.control(alice, 'in-progress');
  await r.control(FLOW, 'paused');
  await expect(r.lift(alice)).rejects.toMatchObject({ status: 403, code: 'PAUSE_HELD' });
  // The refused attempt is evidence, naming the flow as the pauser.
  const refused = (await evidenceEntries(stack.em, r.callSid)).filter((e) => e.status === 'refused');
  expect(refused).toEqual([
    expect.objectContaining({ by: alice.caller, pausedBy: FLOW, recordingSid: r.recordingSid }),
  ]);
});

test('another agent may not lift it; a recording that is not paused needs no check', async () => {
  const r = await recorded();
  await r.control(alice, 'paused');
  await expect(r.lift(personOf('agent', 'bob'))).rejects.toMatchObject({ status: 403, code: 'PAUSE_HELD' });
  await r.control(alice, 'in-progress');
  await expect(r.lift(personOf('agent', 'bob'))).resolves.toBeUndefined();
});

const sam = personOf('supervisor', 'sam');

test("a supervisor lifts a flow's pause only with a reason (400 REASON_REQUIRED), the override logged with who had paused", async () => {
  const r = await recorded();
  await r.control(FLOW, 'paused');
  await expect(r.lift(sam)).rejects.toMatchObject({ status: 400, code: 'REASON_REQUIRED' });
  await expect(
    r.lift(sam, { action: 'stopped', how: 'All=true', reason: 'caller asked for a supervisor' }),
  ).resolves.toBeUndefined();
  const logged = (await evidenceEntries(stack.em, r.callSid)).filter((e) => e.by === sam.caller);
  expect(logged.map(({ id: _id, at: _at, ...e }) => e)).toEqual([
    {
      by: sam.caller,
      action: 'in-progress',
      source: 'control',
      recordingSid: r.recordingSid,
      status: 'refused',
      pausedBy: FLOW,
      how: `RecordingSid=${r.recordingSid}`,
    },
    {
      by: sam.caller,
      action: 'stopped',
      source: 'control',
      recordingSid: r.recordingSid,
      status: 'override',
      pausedBy: FLOW,
      how: 'All=true',
      reason: 'caller asked for a supervisor',
    },
  ]);
});

test("a supervisor lifting an agent's pause needs no reason and logs nothing; nor does anyone when nothing is paused", async () => {
  const r = await recorded();
  await r.control(alice, 'paused');
  await expect(r.lift(sam)).resolves.toBeUndefined();
  await r.control(alice, 'in-progress');
  await expect(r.lift(personOf('agent', 'bob'))).resolves.toBeUndefined();
  const logged = (await evidenceEntries(stack.em, r.callSid)).filter((e) => ['refused', 'override'].includes(e.status));
  expect(logged).toEqual([]);
});

test('a pause made on Twilio directly has an unknown pauser, held as a flow\'s: refused, logged as paused by "unknown"', async () => {
  const r = await recorded();
  await stack.em.client.calls(r.callSid).recordings(r.recordingSid).update({ status: 'paused' });
  await expect(r.lift(alice)).rejects.toMatchObject({ status: 403, code: 'PAUSE_HELD' });
  const refused = (await evidenceEntries(stack.em, r.callSid)).filter((e) => e.status === 'refused');
  expect(refused).toEqual([expect.objectContaining({ pausedBy: 'unknown', recordingSid: r.recordingSid })]);
});

test('a pause Sync knows that Twilio does not list as paused still holds (a pause the list may not show yet)', async () => {
  const r = await recorded();
  await r.control(FLOW, 'paused');
  // Resumed on Twilio behind Sync's back: Sync still says paused.
  await stack.em.client.calls(r.callSid).recordings(r.recordingSid).update({ status: 'in-progress' });
  await expect(r.lift(alice)).rejects.toMatchObject({ status: 403, code: 'PAUSE_HELD' });
});

test('the evidence unreadable: 503 EVIDENCE_UNAVAILABLE, who paused is unknown, nothing sent; an override not logged is not sent', async () => {
  const r = await recorded();
  await r.control(FLOW, 'paused');
  const fx = await instanceOn(stack.em);
  const check = (person: Person, evidence: EvidenceLog | undefined, reason?: string) => {
    const deps = { ...fx.deps(person.caller, person), ...(evidence ? { evidence } : {}) };
    return fx.lib.pauseLock.checkLock(deps, person, fx.lib.voice.callOwner(deps.client, r.callSid), {
      action: 'in-progress',
      how: '(no recording named)',
      ...(reason ? { reason } : {}),
    });
  };
  // The evidence's reader cannot reach Sync (a closed port): Twilio's list and the state are read as ever.
  const refusedReader = new EvidenceLog(clientFor('http://127.0.0.1:1'), SYNC);
  const unreadable = check(alice, refusedReader);
  await expect(unreadable).rejects.toMatchObject({ status: 503, code: 'EVIDENCE_UNAVAILABLE' });
  await expect(unreadable).rejects.toThrow(
    new RegExp(`the evidence log of ${r.callSid}.*: who paused is unknown, so nothing was sent$`),
  );
  await stack.em.control('POST', '/faults', { kind: '500', count: 1000, match: `${r.callSid}/Items`, method: 'POST' });
  const override = check(sam, undefined, 'caller asked for a supervisor');
  await expect(override).rejects.toMatchObject({ status: 503, code: 'EVIDENCE_UNAVAILABLE' });
  await expect(override).rejects.toThrow(
    new RegExp(`the evidence log of ${r.callSid}.*: the override was not logged, so it was not sent$`),
  );
  await stack.em.control('DELETE', '/faults');
  expect((await evidenceEntries(stack.em, r.callSid)).filter((e) => e.status === 'override')).toEqual([]);
});

test('two pauses hold together: the latest pauser is named when both refuse; an override of either is logged', async () => {
  const r = await recorded();
  await r.control(FLOW, 'paused');
  await r.control(alice, 'paused');
  await expect(r.lift(personOf('agent', 'bob'))).rejects.toMatchObject({
    status: 403,
    code: 'PAUSE_HELD',
    message: expect.stringContaining('paused by someone else'),
  });
  await expect(r.lift(alice)).rejects.toMatchObject({ message: expect.stringContaining('paused by a flow') });
  await r.lift(sam, { action: 'in-progress', how: 'All=true', reason: 'caller asked for a supervisor' });
  const logged = (await evidenceEntries(stack.em, r.callSid)).filter((e) => ['refused', 'override'].includes(e.status));
  expect(logged.map((e) => [e.by, e.status, e.pausedBy])).toEqual([
    ['agent:bob', 'refused', alice.caller],
    [alice.caller, 'refused', FLOW],
    [sam.caller, 'override', alice.caller],
  ]);
});

test('a pause Sync still holds of a recording Twilio lists as ended holds nothing: a stopped recording never records again', async () => {
  const r = await recorded();
  await r.control(FLOW, 'paused');
  await stack.em.client.calls(r.callSid).recordings(r.recordingSid).update({ status: 'stopped' });
  await expect(r.lift(alice, { action: 'start', how: '(no recording named)' })).resolves.toBeUndefined();
});
