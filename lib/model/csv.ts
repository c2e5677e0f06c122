import type { Segment } from './evidence';

const CSV_COLUMNS = [
  'recording_sid',
  'state',
  'from',
  'to',
  'pause_behavior',
  'by',
  'source',
  'unproven',
  'reason',
] as const;

/** One row per segment, RFC 4180 quoting; a cell that a spreadsheet would run as a formula is prefixed with '. */
export function toCsv(segments: Segment[]): string {
  const cell = (value: string | undefined | null) => {
    const text = value ?? '';
    const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const rows = segments.map((s) =>
    [s.recordingSid, s.state, s.from, s.to, s.pauseBehavior, s.by, s.source, s.unproven ? 'true' : '', s.reason]
      .map(cell)
      .join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
