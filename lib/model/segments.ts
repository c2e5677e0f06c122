import type { EvidenceEntry, Segment, SegmentState } from './evidence';
import {
  intersect,
  provenPauses,
  quietStretches,
  recordingProofs,
  union,
  type Interval,
  type ListedRecording,
  type RecordingProof,
  type UncountedPause,
} from './proof';
import { CLOCK_SKEW_MARGIN_MS, LATEST_EFFECT_MS } from './statuses';

const stateOf = (status: string): SegmentState | undefined =>
  status === 'in-progress'
    ? 'recorded'
    : status === 'paused'
      ? 'paused'
      : ['stopped', 'completed', 'absent', 'failed'].includes(status)
        ? 'stopped'
        : undefined;

const ms = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();
const sentOf = (e: EvidenceEntry) => e.sentAt ?? e.at;
/** A control whose outcome is open: no answer, or a 5xx. Twilio may have acted, or may still. */
const isOpen = (e: EvidenceEntry) => e.source === 'control' && (e.status === 'unknown' || e.status === 'error');

/** One thing that moved a recording: confirmed (a state from `at`), or open (uncertain from `sent`). */
type Change =
  | { kind: 'confirmed'; e: EvidenceEntry; sent: string; at: string; state: SegmentState }
  | { kind: 'open'; e: EvidenceEntry; sent: string; why: string };

/**
 * The changes of each recording, in the order Twilio applied them: a confirmed change took effect
 * between its send (its intent's, for a lift logged before it was sent) and its answer; an open one
 * from its send on. Intents whose outcome never came (the instance died) are open too.
 */
function changesOf(entries: EvidenceEntry[]): Map<string, Change[]> {
  const intents = new Map(entries.filter((e) => e.source === 'intent').map((e) => [e.control, e]));
  const answered = new Set(entries.filter((e) => e.control && e.source !== 'intent').map((e) => e.control));
  const bySid = new Map<string, Change[]>();
  const add = (sid: string, c: Change) => bySid.set(sid, [...(bySid.get(sid) ?? []), c]);
  const sids = new Set(entries.filter((e) => e.recordingSid.startsWith('RE')).map((e) => e.recordingSid));
  for (const e of entries) {
    if (e.source === 'intent') {
      if (answered.has(e.control) || e.action === 'start') continue;
      const why = `a ${e.action === 'in-progress' ? 'resume' : e.action} sent at ${e.sentAt ?? e.at} had no answer: Twilio may have applied it`;
      for (const sid of e.recordingSid.startsWith('RE') ? [e.recordingSid] : sids)
        add(sid, { kind: 'open', e, sent: sentOf(e), why });
      continue;
    }
    if (!e.recordingSid.startsWith('RE')) continue;
    if (isOpen(e)) {
      const asked = e.action === 'in-progress' ? 'resume' : (e.action ?? 'change');
      const answer = e.status === 'unknown' ? 'had no answer' : 'was answered with a Twilio error';
      add(e.recordingSid, {
        kind: 'open',
        e,
        sent: intents.get(e.control)?.sentAt ?? sentOf(e),
        why: `a ${asked} sent at ${sentOf(e)} ${answer}: Twilio may have applied it, up to ${LATEST_EFFECT_MS / 1000} s later`,
      });
      continue;
    }
    const state = stateOf(e.status);
    if (!state) continue;
    const intent = e.control ? intents.get(e.control) : undefined;
    const sent = e.source === 'callback' ? e.at : (intent?.sentAt ?? sentOf(e));
    add(e.recordingSid, { kind: 'confirmed', e, sent, at: e.at, state });
  }
  const time = (c: Change) => (c.kind === 'confirmed' ? c.at : c.sent);
  for (const list of bySid.values()) list.sort((a, b) => time(a).localeCompare(time(b)));
  return bySid;
}

/** How Twilio pauses in a confirmed change: a control that named none got Twilio's default, silence; a read-back keeps the pause it confirms. */
function behaviorOf(c: Extract<Change, { kind: 'confirmed' }>, current: Segment | undefined) {
  if (c.state !== 'paused') return undefined;
  if (c.e.pauseBehavior) return c.e.pauseBehavior;
  if (c.e.source === 'control' && c.e.by !== 'twilio') return 'silence';
  return current?.state === 'paused' ? current.pauseBehavior : undefined;
}

/** One recording's segments as Twilio confirmed them, with the stretches where it may have acted apart. */
function drawn(sid: string, changes: Change[]): Segment[] {
  const segments: Segment[] = [];
  let current: Segment | undefined;
  const close = (at: string) => {
    if (current && current.to === null) current.to = at < current.from ? current.from : at;
  };
  const open = (segment: Segment) => {
    segments.push(segment);
    current = segment;
  };
  /** From a change's send on, Twilio may or may not have applied it. */
  const openUncertain = (c: Change, why: string) => {
    close(c.sent);
    open({ recordingSid: sid, state: 'uncertain', from: c.sent, to: null, by: c.e.by, source: c.e.source, why });
  };
  // The answer time of the last confirmed change: a change sent before it overlapped it, in unknown order.
  let lastAt = '';
  for (const c of changes) {
    if (current?.state === 'stopped') break;
    if (c.kind === 'open') {
      if (current?.state === 'uncertain') continue;
      openUncertain(c, c.why);
      continue;
    }
    // A callback's in-progress only opens a recording: Twilio sends none for a resume.
    if (current && c.e.source === 'callback' && c.state === 'recorded') continue;
    const behavior = behaviorOf(c, current);
    const overlapped = c.sent < lastAt;
    lastAt = c.at > lastAt ? c.at : lastAt;
    if (current && current.state === c.state && current.pauseBehavior === behavior && !overlapped) continue;
    if (current && overlapped) {
      // Twilio may have applied the two in either order: neither state holds until a later answer says.
      if (current.state !== 'uncertain') {
        const why = `changes sent at ${c.sent} and before overlapped: Twilio may have applied them in either order`;
        const before = segments.at(-2);
        if (before?.state === 'uncertain' && before.to === current.from) {
          segments.pop();
          current = before;
          current.to = null;
        } else {
          current.state = 'uncertain';
          delete current.pauseBehavior;
          delete current.reason;
        }
        current.why = why;
      }
      continue;
    }
    const wasUncertain = current?.state === 'uncertain';
    // The first change of a recording: it recorded from its request on, and was paused from its answer.
    const from = !current ? (c.state === 'recorded' ? c.sent : c.at) : c.at;
    if (current && !wasUncertain && c.sent < c.at) {
      openUncertain(
        c,
        `between the request at ${c.sent} and Twilio's answer at ${c.at}, the change may or may not have been applied`,
      );
    }
    close(from);
    const segment: Segment = {
      recordingSid: sid,
      state: c.state,
      from,
      to: c.state === 'stopped' ? from : null,
      by: c.e.by,
      source: c.e.source,
    };
    if (behavior) segment.pauseBehavior = behavior;
    if (c.e.reason) segment.reason = c.e.reason;
    open(segment);
  }
  return segments;
}

const covers = (intervals: Interval[], [a, b]: Interval) => intervals.some(([x, y]) => x <= a && b <= y);

const UNCOUNTED_WHY: Record<UncountedPause, string> = {
  'lift-in-flight': 'a resume or start was in flight when it was sent',
  'resumed-unseen':
    'Twilio was later read back recording with no resume logged: it was resumed elsewhere, at a moment no one knows',
};
const NOT_COVERED_WHY = `a pause counts from its answer, ${CLOCK_SKEW_MARGIN_MS} ms of clock margin later, to the send of anything that may lift it, less the margin`;

/**
 * Why [a, b] is not proven paused, in words, by the one rule (model/proof): the recording's own pause is
 * not proven there, another recording may have recorded, or a recording may exist that the evidence and
 * Twilio's list do not name.
 */
export function whyNotProven(
  proofs: RecordingProof[],
  entries: EvidenceEntry[],
  listed: ListedRecording[] | undefined,
  stretch: Interval,
  own?: string,
): string {
  const reasons: string[] = [];
  const mine = proofs.find((p) => p.recordingSid === own);
  if (mine && !covers(mine.paused, stretch)) {
    const uncounted = mine.uncounted.find(({ span }) => span[0] < stretch[1] && span[1] > stretch[0]);
    reasons.push(
      `the pause of ${own} is not proven here (${uncounted ? UNCOUNTED_WHY[uncounted.why] : NOT_COVERED_WHY})`,
    );
  }
  for (const p of proofs)
    if (p.recordingSid !== own && !covers(p.notRecording, stretch))
      reasons.push(`recording ${p.recordingSid} may have been recording`);
  if (!listed && !covers(quietStretches(entries, listed, []), stretch))
    reasons.push("a start's recording is not named, and Twilio's list of the call's recordings could not be read");
  if (!listed && reasons.length === 0) reasons.push("Twilio's list of the call's recordings could not be read");
  return reasons.join('; ') || 'no recording was proven paused throughout';
}

/** Splits [from, to) by `parts` (inside) and the rest (outside), in time order. */
function split(stretch: Interval, parts: Interval[]): Array<{ inside: boolean; span: Interval }> {
  const inside = intersect([stretch], parts);
  const out: Array<{ inside: boolean; span: Interval }> = [];
  let at = stretch[0];
  for (const span of inside) {
    if (span[0] > at) out.push({ inside: false, span: [at, span[0]] });
    out.push({ inside: true, span });
    at = span[1];
  }
  if (at < stretch[1]) out.push({ inside: false, span: [at, stretch[1]] });
  return out;
}

/** One recording's uncertain stretches that touch are one: the clock margin's edge joins the request's wait beside it. */
function joinUncertain(segments: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    const last = out.at(-1);
    if (
      last?.state === 'uncertain' &&
      s.state === 'uncertain' &&
      last.recordingSid === s.recordingSid &&
      last.to === s.from
    ) {
      last.to = s.to;
      if (s.why && !last.why?.includes(s.why)) last.why = last.why ? `${last.why}; ${s.why}` : s.why;
    } else out.push(s);
  }
  return out;
}

/**
 * Each recording's segments over wall-clock time, for people to read, drawn so that they agree with the
 * proof: a paused segment is what the proof holds paused for the whole call; the edges where Twilio may
 * have acted (between a control's send and its answer, after an answer that never came, and what the
 * proof leaves at a pause's edges) are `uncertain`; a pause the proof gives up on is `unproven`, with why.
 * Once stopped a recording stays stopped.
 */
export function toSegments(entries: EvidenceEntry[], listed?: ListedRecording[]): Segment[] {
  const proofs = recordingProofs(entries, listed);
  const proven = provenPauses(entries, listed);
  const out: Segment[] = [];
  for (const [sid, changes] of changesOf(entries)) {
    for (const s of drawn(sid, changes)) {
      if (s.state !== 'paused') {
        out.push(s);
        continue;
      }
      const stretch: Interval = [ms(s.from), s.to === null ? Infinity : ms(s.to)];
      const parts = split(stretch, union(proven));
      const anyProven = parts.some((p) => p.inside);
      parts.forEach(({ inside, span }, i) => {
        const piece: Segment = { ...s, from: iso(span[0]), to: span[1] === Infinity ? null : iso(span[1]) };
        // What the proof leaves at the edges of a pause it holds: Twilio may have acted there.
        const edge = anyProven && (i === 0 || i === parts.length - 1) && span[1] - span[0] < 1000;
        const why = inside
          ? undefined
          : edge && span[1] - span[0] <= CLOCK_SKEW_MARGIN_MS
            ? `within ${CLOCK_SKEW_MARGIN_MS} ms of a time read on a Function instance's clock, which may be that far from Twilio's`
            : whyNotProven(proofs, entries, listed, span, sid);
        out.push(inside ? piece : edge ? { ...piece, state: 'uncertain', why } : { ...piece, unproven: true, why });
      });
    }
  }
  return joinUncertain(out).sort(
    (a, b) => a.from.localeCompare(b.from) || a.recordingSid.localeCompare(b.recordingSid),
  );
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
