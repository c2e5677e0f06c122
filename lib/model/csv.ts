import type { JudgedCapture } from './captures';
import type { Segment } from './evidence';

type Cell = string | number | undefined | null;

/** RFC 4180 quoting; a cell that a spreadsheet would run as a formula is prefixed with '. */
function cell(value: Cell): string {
  const text = value === undefined || value === null ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function table(columns: readonly string[], rows: Cell[][]): string {
  return [columns.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\r\n') + '\r\n';
}

const SEGMENT_COLUMNS = [
  'recording_sid',
  'state',
  'from',
  'to',
  'pause_behavior',
  'by',
  'source',
  'unproven',
  'reason',
  'why',
] as const;

/** One row per segment. */
export const toCsv = (segments: Segment[]): string =>
  table(
    SEGMENT_COLUMNS,
    segments.map((s) => [
      s.recordingSid,
      s.state,
      s.from,
      s.to,
      s.pauseBehavior,
      s.by,
      s.source,
      s.unproven ? 'true' : '',
      s.reason,
      s.why,
    ]),
  );

const CAPTURE_COLUMNS = ['call_sid', 'from', 'to', 'result', 'stages', 'reported_by', 'verdict', 'why'] as const;

/** One row per card capture, with its verdict: times, stage names, results and SIDs only, never card data. */
export const capturesCsv = (rows: Array<JudgedCapture & { callSid: string }>): string =>
  table(
    CAPTURE_COLUMNS,
    rows.map((c) => [
      c.callSid,
      c.from,
      c.to,
      c.result,
      c.stages
        .map((s) => `${s.for}${s.attempt ? `#${s.attempt}` : ''}${s.errorType ? ` (${s.errorType})` : ''}`)
        .join(' '),
      c.by,
      c.verdict,
      c.why,
    ]),
  );
