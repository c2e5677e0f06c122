import type { EvidenceEntry, Segment, SegmentState } from './evidence';
import { provenPauses, recordingProofs, type ListedRecording } from './proof';
import { CLOCK_SKEW_MARGIN_MS } from './statuses';

const stateOf = (status: string): SegmentState | undefined =>
  status === 'in-progress'
    ? 'recorded'
    : status === 'paused'
      ? 'paused'
      : ['stopped', 'completed', 'absent', 'failed'].includes(status)
        ? 'stopped'
        : undefined;

const sentOf = (e: EvidenceEntry) => e.sentAt ?? e.at;

/**
 * Each recording's segments over wall-clock time, for people to read: the changes Twilio confirmed, in
 * the order they were answered. A callback's in-progress only opens a recording (Twilio sends none for a
 * resume), and once stopped a recording stays stopped. A recording starts or resumes at its request, and
 * pauses at its answer, so a pause is never drawn longer than it surely was; a pause the proof does not
 * cover throughout is `unproven`. Intents and unknown outcomes draw nothing.
 */
export function toSegments(entries: EvidenceEntry[], listed?: ListedRecording[]): Segment[] {
  const proofs = new Map(recordingProofs(entries, listed).map((p) => [p.recordingSid, p.paused]));
  const ordered = entries
    .filter((e) => e.source !== 'intent' && stateOf(e.status))
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at.localeCompare(b.e.at) || a.i - b.i);
  const open = new Map<string, Segment>();
  const segments: Segment[] = [];
  for (const { e } of ordered) {
    const state = stateOf(e.status)!;
    const current = open.get(e.recordingSid);
    if (current?.state === 'stopped') continue;
    if (current && e.source === 'callback' && state === 'recorded') continue;
    // A read-back does not say how Twilio pauses: it keeps what the pause it confirms said.
    // A control that named no behaviour got Twilio's default, silence; a read-back says none, so it
    // keeps what the pause it confirms said.
    const behavior =
      state !== 'paused'
        ? undefined
        : (e.pauseBehavior ??
          (e.source === 'control' && e.by !== 'twilio'
            ? 'silence'
            : current?.state === 'paused'
              ? current.pauseBehavior
              : undefined));
    if (current && current.state === state && current.pauseBehavior === behavior) continue;
    const boundary = state === 'recorded' ? sentOf(e) : e.at;
    if (current) current.to = boundary < current.from ? current.from : boundary;
    const segment: Segment = {
      recordingSid: e.recordingSid,
      state,
      from: boundary,
      to: state === 'stopped' ? boundary : null,
      by: e.by,
      source: e.source,
    };
    if (behavior) segment.pauseBehavior = behavior;
    if (e.reason) segment.reason = e.reason;
    segments.push(segment);
    open.set(e.recordingSid, segment);
  }
  for (const s of segments.filter((s) => s.state === 'paused')) {
    // Drawn on the instances' clocks, the segment is compared with the proof (on Twilio's) within the margin.
    const [from, to] = [
      Date.parse(s.from) + CLOCK_SKEW_MARGIN_MS,
      s.to === null ? Infinity : Date.parse(s.to) - CLOCK_SKEW_MARGIN_MS,
    ];
    if (!(proofs.get(s.recordingSid) ?? []).some(([a, b]) => a <= from && to <= b)) s.unproven = true;
  }
  return segments;
}

/**
 * The auditor's check (model/proof): whether no recording of the call recorded at any moment of
 * [from, to] and a pause covered all of it. `listed`, Twilio's list of the call's recordings, counts the
 * recordings the evidence never heard of: without it (Twilio could not be read) nothing is proven, and
 * the answer is `unknown`.
 */
export function windowInsidePause(
  entries: EvidenceEntry[],
  from: Date,
  to: Date,
  listed: ListedRecording[] | undefined,
): { insidePause: boolean | 'unknown'; segments: Segment[] } {
  const start = from.getTime();
  const end = to.getTime();
  const until = (s: Segment) => (s.to === null ? Infinity : Date.parse(s.to));
  const overlapping = toSegments(entries, listed).filter(
    (s) => s.state !== 'stopped' && Date.parse(s.from) < end && until(s) > start,
  );
  const insidePause = listed ? provenPauses(entries, listed).some(([a, b]) => a <= start && end <= b) : 'unknown';
  return { insidePause, segments: overlapping };
}
