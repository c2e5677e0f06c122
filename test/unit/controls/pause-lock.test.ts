// The pause lock decides by who paused since the recording was last heard (model/people pauseHolders,
// from the evidence): pause, resume, pause by another; the earlier pauser's lift no longer counts.
import { newCall } from '../../../harness/calls';
import { evidenceEntries } from '../../../harness/functions';
import { instanceOn, useInProcessEmulator } from '../../../harness/in-process';
import { personOf, type Person } from '../../../lib/model/people';

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
  const lift = (person: Person) => {
    const deps = fx.deps(person.caller, person);
    return fx.lib.pauseLock.checkLock(deps, person, fx.lib.voice.callOwner(deps.client, call.sid), {
      action: 'in-progress',
      how: `RecordingSid=${recordingSid}`,
    });
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
