// POST /console/report: every card capture of a period on the calls Sync still holds, each with its verdict
// by the rule of proof (inside a proven pause, not recorded, an exception with its reason, unknown), for a PCI
// assessor: JSON, or CSV (Format=csv); assets/console/report.html prints it.
import { capturesCsv } from '../../lib/model/csv';
import { captureReport } from '../../lib/controls/capture-report';
import { isoDate } from '../../lib/controls/people';
import { syncOptions } from '../../lib/env';
import { invalidRequest } from '../../lib/errors';
import { choice, optional, required } from '../../lib/model/params';
import { peopleFunction } from '../../lib/runtime/people-function';
import { textResponse } from '../../lib/runtime/responses';

export const parameters = {
  From: required('the start of the period (ISO 8601)', isoDate),
  To: required('the end of the period (ISO 8601)', isoDate),
  Format: optional('json (default) or csv', choice(['json', 'csv'] as const)),
};

export const handler = peopleFunction('console', parameters, async (deps, p, context) => {
  if (p.From.getTime() > p.To.getTime()) throw invalidRequest('From must not be after To');
  const report = await captureReport(deps.client, syncOptions(context), deps.evidence!, p.From, p.To);
  if (p.Format !== 'csv') return report;
  return textResponse('text/csv; charset=utf-8', capturesCsv(report.rows), {
    'Content-Disposition': `attachment; filename="captures-${report.from}-${report.to}.csv"`,
  });
});
