// Evidence entries as the toolkit logs them, for the model's tests.
import type { EvidenceEntry } from '../../../lib/model/evidence';

/** `entry(s, status)`: a control's answer for `recordingSid` at `t(s)` (sent then too, unless `sentAt`), by `by`, numbered in the order made. */
export function entriesAt(t: (s: number) => string, recordingSid: string, by: string) {
  let n = 0;
  return (s: number, status: string, extra: Partial<EvidenceEntry> = {}): EvidenceEntry => ({
    id: String(n++),
    at: t(s),
    recordingSid,
    status,
    by,
    source: 'control',
    ...extra,
  });
}
