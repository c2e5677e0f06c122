// The period's capture report (lib/controls/capture-report) in-process: every call Map Sync holds, each
// capture whose first stage lies in [from, to] (both ends in) with its verdict, counted by verdict.
// The evidence is written with chosen times, so that each verdict is exact; Twilio's list is the emulator's.
import { newCall } from '../../../harness/calls';
import { servedRequests } from '../../../harness/functions';
import { useInProcessEmulator } from '../../../harness/in-process';
import { captureReport } from '../../../lib/controls/capture-report';
import type { NewEvidence } from '../../../lib/model/evidence';
import { listCallMaps } from '../../../lib/sync/call-map';
import { EvidenceLog } from '../../../lib/sync/evidence-log';

const stack = useInProcessEmulator();
const sync = { serviceSid: 'default', ttlSeconds: 600 };
const log = () => new EvidenceLog(stack.em.client, sync);
const iso = (ms: number) => new Date(ms).toISOString();

/** A capture of one stage and a result, `at` to `at` + 1 s. */
const captureAt = (at: number): NewEvidence[] => [
  {
    at: iso(at),
    recordingSid: 'capture',
    by: 'twilio',
    source: 'capture',
    status: 'stage',
    action: 'payment-card-number',
  },
  { at: iso(at + 1000), recordingSid: 'capture', by: 'twilio', source: 'capture', status: 'success', action: 'result' },
];

test('each call in the period with its verdict, counted; captures before the period, conferences and calls without captures left out', async () => {
  const em = stack.em;
  const [covered, exception, quiet, unknown] = await Promise.all([1, 2, 3, 4].map(() => newCall(em.client)));
  // Paused on Twilio, and its pause's answer in the evidence a second before the capture.
  const paused = await em.client.calls(covered.sid).recordings.create();
  await em.client.calls(covered.sid).recordings(paused.sid).update({ status: 'paused' });
  // Recording throughout its capture.
  const running = await em.client.calls(exception.sid).recordings.create();
  const forgotten = 'CA' + 'f'.repeat(32);
  const before = 'CA' + 'b'.repeat(32);
  const conference = 'CF' + 'c'.repeat(32);
  const idle = 'CA' + 'd'.repeat(32);

  // The period holds the Maps' life (made now), and each capture's time is chosen inside or outside it.
  const base = Date.now() - 30_000;
  const from = base;
  const to = base + 100_000;
  await log().append(covered.sid, [
    {
      sentAt: iso(base + 9_000),
      at: iso(base + 9_100),
      recordingSid: paused.sid,
      status: 'paused',
      action: 'paused',
      by: 'twiml',
      source: 'control',
    },
    ...captureAt(base + 10_000),
  ]);
  // After Twilio's start time of its recording (made now): before it, nothing recorded.
  await log().append(exception.sid, captureAt(base + 40_000));
  // Its first stage at the period's start, the other's at its end: both in.
  await log().append(quiet.sid, [...captureAt(from), ...captureAt(from - 5_000)]);
  await log().append(unknown.sid, captureAt(to));
  // A call Twilio no longer knows had no recording there.
  await log().append(forgotten, captureAt(base + 60_000));
  await log().append(before, captureAt(from - 1));
  const after = 'CA' + 'a'.repeat(32);
  await log().append(after, captureAt(to + 1));
  await log().append(conference, captureAt(base + 5_000));
  await log().append(idle, [
    { at: iso(base), recordingSid: running.sid, status: 'in-progress', by: 'twiml', source: 'control' },
  ]);
  // Twilio's list of this call's recordings cannot be read: its capture's verdict is unknown.
  await em.control('POST', '/faults', { kind: '500', count: 1000, match: `${unknown.sid}/Recordings`, method: 'GET' });

  const mark = (await servedRequests(em)).length;
  const report = await captureReport(em.client, sync, log(), new Date(from), new Date(to));
  // Twilio's list is read only for calls with a capture in the period.
  const listedCalls = (await servedRequests(em))
    .slice(mark)
    .flatMap((r) => /\/Calls\/(CA[0-9a-f]{32})\/Recordings/.exec(r.path)?.[1] ?? []);
  expect(new Set(listedCalls)).toEqual(new Set([covered.sid, exception.sid, quiet.sid, unknown.sid, forgotten]));
  await em.control('DELETE', '/faults');
  expect(report).toMatchObject({
    from: iso(from),
    to: iso(to),
    calls: 5,
    captures: 5,
    covered: 1,
    notRecorded: 2,
    exceptions: 1,
    unknown: 1,
    unread: 0,
  });
  expect(report.rows.map((r) => [r.callSid, r.from, r.to, r.verdict, r.result])).toEqual([
    [quiet.sid, iso(from), iso(from + 1000), 'not-recorded', 'success'],
    [covered.sid, iso(base + 10_000), iso(base + 11_000), 'inside-proven-pause', 'success'],
    [exception.sid, iso(base + 40_000), iso(base + 41_000), 'exception', 'success'],
    [forgotten, iso(base + 60_000), iso(base + 61_000), 'not-recorded', 'success'],
    [unknown.sid, iso(to), iso(to + 1000), 'unknown', 'success'],
  ]);
  expect(report.rows[2].why).toContain(`recording ${running.sid} may have been recording`);
});

test('a Map made after the period, or not written since its start, is not read', async () => {
  const call = await newCall(stack.em.client);
  const now = Date.now();
  await log().append(call.sid, [...captureAt(now - 3_600_000), ...captureAt(now + 3_600_000)]);
  const period = (from: number, to: number) =>
    captureReport(stack.em.client, sync, log(), new Date(from), new Date(to));
  const none = { calls: 0, captures: 0, rows: [], unread: 0 };
  expect(await period(now - 7_200_000, now - 3_000_000)).toMatchObject(none);
  expect(await period(now + 3_000_000, now + 7_200_000)).toMatchObject(none);
  // The same call read over a period that holds its Map's life: both captures.
  expect(await period(now - 7_200_000, now + 7_200_000)).toMatchObject({ calls: 1, captures: 2 });
});

test("a period that starts at the Map's last write, or ends at its creation, still reads it", async () => {
  const call = await newCall(stack.em.client);
  const now = Date.now();
  await log().append(call.sid, [...captureAt(now - 1_800_000), ...captureAt(now + 1_800_000)]);
  const [map] = (await listCallMaps(stack.em.client, sync)).filter((m) => m.sid === call.sid);
  const period = (from: Date, to: Date) => captureReport(stack.em.client, sync, log(), from, to);
  expect(await period(map.updatedAt, new Date(now + 3_600_000))).toMatchObject({ calls: 1, captures: 1 });
  expect(await period(new Date(now - 3_600_000), map.createdAt)).toMatchObject({ calls: 1, captures: 1 });
});
