// POST /console/evidence: every recording change of a call or conference, its segments (JSON or CSV), the
// window check, and the names of the Studio flows that acted (flows: FW… → name).
import { EVIDENCE, exportEvidence } from '../../lib/controls/people';
import { toCsv } from '../../lib/model/csv';
import { peopleFunction } from '../../lib/runtime/people-function';
import { textResponse } from '../../lib/runtime/responses';
import { flowNames, flowsOf } from '../../lib/twilio/studio';

export const parameters = EVIDENCE;

export const handler = peopleFunction('console', parameters, async (deps, p) => {
  const evidence = await exportEvidence(deps, p);
  if (p.Format !== 'csv')
    return { ...evidence, flows: await flowNames(deps.client, flowsOf(evidence.entries.map((e) => e.by))) };
  const sid = p.CallSid ?? p.ConferenceSid;
  return textResponse('text/csv; charset=utf-8', toCsv(evidence.segments), {
    'Content-Disposition': `attachment; filename="evidence-${sid}.csv"`,
  });
});
