// <Pay>'s reports logged in the call's evidence (lib/controls/captures) in-process: one entry per stage or
// result, timed on arrival, never card data; a report that cannot be logged is said, never dropped.
import { evidenceEntries, servedRequests } from '../../../harness/functions';
import { useInProcessEmulator } from '../../../harness/in-process';
import { recordPayment } from '../../../lib/controls/captures';
import { EvidenceLog } from '../../../lib/sync/evidence-log';

const stack = useInProcessEmulator();
const CALL = 'CA' + 'e'.repeat(32);
const log = () => new EvidenceLog(stack.em.client, { serviceSid: 'default', ttlSeconds: 600 });
/** An entry as stored, without the id and time the log and the clock give it. */
const stored = async () => (await evidenceEntries(stack.em, CALL)).map(({ id: _id, at: _at, ...rest }) => rest);
const capture = { recordingSid: 'capture', by: 'twilio', source: 'capture' };

test('a stage is logged with its attempt and error type, at its arrival', async () => {
  const before = new Date().toISOString();
  await recordPayment(log(), {
    callSid: CALL,
    stage: { for: 'payment-card-number', attempt: 2, errorType: 'invalid-card-number' },
  });
  const after = new Date().toISOString();
  expect(await stored()).toEqual([
    { ...capture, status: 'stage', action: 'payment-card-number', attempt: 2, errorType: 'invalid-card-number' },
  ]);
  const [entry] = await evidenceEntries(stack.em, CALL);
  expect(entry.at >= before && entry.at <= after).toBe(true);
});

test('an attempt of 0 is kept, an empty error type is not; a result is an entry of its own', async () => {
  await recordPayment(log(), { callSid: CALL, stage: { for: 'expiration-date', attempt: 0, errorType: '' } });
  await recordPayment(log(), { callSid: CALL, result: 'success' });
  expect(await stored()).toEqual([
    { ...capture, status: 'stage', action: 'expiration-date', attempt: 0 },
    { ...capture, status: 'success', action: 'result' },
  ]);
});

test('a stage and a result in one report are two entries; a report of neither writes nothing', async () => {
  const mark = (await servedRequests(stack.em)).length;
  await recordPayment(log(), { callSid: CALL });
  expect((await servedRequests(stack.em)).slice(mark)).toEqual([]);
  await recordPayment(log(), { callSid: CALL, stage: { for: 'security-code' }, result: 'caller-hung-up' });
  expect(await stored()).toEqual(
    expect.arrayContaining([
      { ...capture, status: 'stage', action: 'security-code' },
      { ...capture, status: 'caller-hung-up', action: 'result' },
    ]),
  );
  expect(await stored()).toHaveLength(2);
});

test('a report Sync refuses is 503 EVIDENCE_UNAVAILABLE, saying it was not logged (Twilio will not send it again)', async () => {
  await stack.em.control('POST', '/faults', { kind: '500', count: 1000, match: `${CALL}/Items`, method: 'POST' });
  const refused = recordPayment(log(), { callSid: CALL, result: 'success' });
  await expect(refused).rejects.toMatchObject({ status: 503, code: 'EVIDENCE_UNAVAILABLE' });
  await expect(refused).rejects.toThrow(
    new RegExp(`the evidence log of ${CALL}.*: the capture's report was not logged$`),
  );
  await stack.em.control('DELETE', '/faults');
  expect(await stored()).toEqual([]);
});
