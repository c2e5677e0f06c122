// Who may control which call (lib/controls/ownership) in-process: staff any call, an agent only a call or
// conference of a task they accepted in TaskRouter, checked before Voice is asked anything.
import { newCall } from '../../../harness/calls';
import { servedRequests } from '../../../harness/functions';
import { instanceOn, useInProcessEmulator } from '../../../harness/in-process';
import { EMULATOR_WORKSPACE_SID, flexUser, giveTask } from '../../../harness/taskrouter';
import { requireOwnership } from '../../../lib/controls/ownership';
import { personOf, type Person } from '../../../lib/model/people';
import type { Target } from '../../../lib/twilio/taskrouter';

const stack = useInProcessEmulator();

/** Asks whether `person` may control `target`, the workspace configured or not (null); and the requests it made. */
async function check(person: Person | undefined, target: Target, workspace: string | null = EMULATOR_WORKSPACE_SID) {
  const fx = await instanceOn(stack.em, workspace ? { TASKROUTER_WORKSPACE_SID: workspace } : {});
  const deps = person ? fx.deps(person.caller, person) : fx.deps('studio:FW1/FN1');
  const mark = (await servedRequests(stack.em)).length;
  const outcome = await requireOwnership(deps, fx.context, target).then(
    () => 'allowed',
    (err: { status: number; code: string; message: string }) => err,
  );
  const requests = (await servedRequests(stack.em)).slice(mark).map((r) => `${r.method} ${r.path}`);
  return { outcome, requests };
}

const notYours = (what: string) => ({
  status: 403,
  code: 'NOT_YOUR_TASK',
  message: `An agent controls only a call or conference of a task they have accepted in Flex; ${what} is not one of yours`,
});

test('a protected caller, a supervisor and an admin control any call, without TaskRouter being asked or configured', async () => {
  const call: Target = { kind: 'call', sid: (await newCall(stack.em.client)).sid };
  for (const person of [undefined, personOf('supervisor', 'sam'), personOf('admin', 'ada')])
    for (const workspace of [EMULATOR_WORKSPACE_SID, null])
      expect(await check(person, call, workspace)).toEqual({ outcome: 'allowed', requests: [] });
});

test('an agent without TASKROUTER_WORKSPACE_SID is refused: 500 NOT_CONFIGURED, nothing asked', async () => {
  const alice = await flexUser(stack.em, 'alice');
  const callSid = (await newCall(stack.em.client)).sid;
  await giveTask(stack.em, alice.worker_sid!, { callSid });
  const { outcome, requests } = await check(
    personOf('agent', 'alice', alice.worker_sid!),
    { kind: 'call', sid: callSid },
    null,
  );
  expect(outcome).toMatchObject({ status: 500, code: 'NOT_CONFIGURED' });
  expect((outcome as { message: string }).message).toMatch(/^TASKROUTER_WORKSPACE_SID is not set/);
  expect(requests).toEqual([]);
});

test("an agent's own call (an accepted reservation) is allowed; a pending one, another's, or none is 403 NOT_YOUR_TASK", async () => {
  const alice = await flexUser(stack.em, 'alice');
  const bob = await flexUser(stack.em, 'bob');
  const own = (await newCall(stack.em.client)).sid;
  const pending = (await newCall(stack.em.client)).sid;
  const bobs = (await newCall(stack.em.client)).sid;
  await giveTask(stack.em, alice.worker_sid!, { callSid: own });
  await giveTask(stack.em, alice.worker_sid!, { callSid: pending }, 'pending');
  await giveTask(stack.em, bob.worker_sid!, { callSid: bobs });
  const asAlice = (sid: string) => check(personOf('agent', 'alice', alice.worker_sid!), { kind: 'call', sid });

  const allowed = await asAlice(own);
  expect(allowed.outcome).toBe('allowed');
  // TaskRouter only: the worker's accepted reservations, then their tasks.
  expect(allowed.requests.every((r) => r.includes(`/Workspaces/${EMULATOR_WORKSPACE_SID}/`))).toBe(true);
  for (const sid of [pending, bobs, 'CA' + '9'.repeat(32)]) {
    const refused = await asAlice(sid);
    expect(refused.outcome).toEqual(expect.objectContaining(notYours(`call ${sid}`)));
    expect(refused.requests.filter((r) => r.includes('/2010-04-01/'))).toEqual([]);
  }
});

test('an agent who is no TaskRouter worker, or a worker TaskRouter does not know, holds nothing', async () => {
  const callSid = (await newCall(stack.em.client)).sid;
  const target: Target = { kind: 'call', sid: callSid };
  const noWorker = await check(personOf('agent', 'guest'), target);
  expect(noWorker).toEqual({ outcome: expect.objectContaining(notYours(`call ${callSid}`)), requests: [] });
  const unknown = await check(personOf('agent', 'ghost', 'WK' + '0'.repeat(32)), target);
  expect(unknown.outcome).toEqual(expect.objectContaining(notYours(`call ${callSid}`)));
});

test("a conference: the task must name it as a conference; its SID asked for as a call's is not the agent's", async () => {
  // Only TaskRouter is asked: the conference need not be live for the check.
  const conferenceSid = 'CF' + 'd'.repeat(32);
  const dana = await flexUser(stack.em, 'dana');
  await giveTask(stack.em, dana.worker_sid!, { conferenceSid });
  const asDana = (target: Target) => check(personOf('agent', 'dana', dana.worker_sid!), target);
  expect((await asDana({ kind: 'conference', sid: conferenceSid })).outcome).toBe('allowed');
  expect((await asDana({ kind: 'call', sid: conferenceSid })).outcome).toEqual(
    expect.objectContaining(notYours(`call ${conferenceSid}`)),
  );
});
