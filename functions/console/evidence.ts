// POST /console/evidence: every recording change of a call or conference, its segments and its card captures
// with their verdicts (JSON, or CSV: Table=segments or captures), the window check, and the names of the
// Studio flows that acted (flows: FW… → name).
import { EVIDENCE, exportEvidence } from '../../lib/controls/people';
import { capturesCsv, toCsv } from '../../lib/model/csv';
import { peopleFunction } from '../../lib/runtime/people-function';
import { textResponse } from '../../lib/runtime/responses';
import { flowNames, flowsOf } from '../../lib/twilio/studio';

export const parameters = EVIDENCE;

export const handler = peopleFunction('console', parameters, async (deps, p) => {
  const evidence = await exportEvidence(deps, p);
  if (p.Format !== 'csv')
    return { ...evidence, flows: await flowNames(deps.client, flowsOf(evidence.entries.map((e) => e.by))) };
  const sid = (p.CallSid ?? p.ConferenceSid)!;
  const csv =
    p.Table === 'captures'
      ? capturesCsv(evidence.captures.map((c) => ({ callSid: sid, ...c })))
      : toCsv(evidence.segments);
  return textResponse('text/csv; charset=utf-8', csv, {
    'Content-Disposition': `attachment; filename="${p.Table === 'captures' ? 'captures' : 'evidence'}-${sid}.csv"`,
  });
});
