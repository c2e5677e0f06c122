import type twilio from 'twilio';
import type { SyncOptions } from '../env';
import type { ControlError } from '../errors';
import { capturesOf, judgedCaptures, studioCaptures, type JudgedCapture } from '../model/captures';
import { listCallMaps } from '../sync/call-map';
import type { EvidenceLog } from '../sync/evidence-log';
import { studioCaptureSteps } from '../twilio/studio';
import { callOwner, listedForProof } from '../twilio/voice';
import { inBatches } from './tracked-calls';

/** Calls read at once: each costs a read of its evidence and one of Twilio's list of its recordings. */
const READS_AT_ONCE = 8;
/** The most calls one report reads, so that it answers within a Function's 10 s; more are said, not dropped silently. */
export const REPORT_MAX_CALLS = 300;

export interface ReportRow extends JudgedCapture {
  callSid: string;
}

export interface CaptureReport {
  from: string;
  to: string;
  /** Calls whose Sync Map was alive in the period and that had at least one capture in it. */
  calls: number;
  captures: number;
  covered: number;
  notRecorded: number;
  exceptions: number;
  unknown: number;
  rows: ReportRow[];
  /** Calls in the period that this report did not read (over REPORT_MAX_CALLS): read a shorter period. */
  unread: number;
}

/**
 * Every card capture of the period (its first stage inside [from, to]) on the calls Sync still holds,
 * each with its verdict by the rule of proof, for an assessor: how many were inside a proven pause, and
 * every exception with its reason. A call Twilio no longer knows has no recording there; a list that
 * could not be read makes its captures `unknown`.
 */
export async function captureReport(
  client: twilio.Twilio,
  sync: SyncOptions,
  evidence: EvidenceLog,
  from: Date,
  to: Date,
): Promise<CaptureReport> {
  const alive = (await listCallMaps(client, sync)).filter(
    (m) => m.sid.startsWith('CA') && m.createdAt <= to && m.updatedAt >= from,
  );
  const read = alive.slice(0, REPORT_MAX_CALLS);
  const perCall = await inBatches(read, READS_AT_ONCE, async (m) => {
    const entries = await evidence.readAll(m.sid);
    const inPeriod = (at: string) => at >= from.toISOString() && at <= to.toISOString();
    const studio = (await studioCaptureSteps(client, new Set(entries.map((e) => e.by)))) ?? [];
    const now = Date.now();
    if (![...capturesOf(entries), ...studioCaptures(studio, entries, now)].some((c) => inPeriod(c.from))) return [];
    const listed = await listedForProof(callOwner(client, m.sid)).catch((err: ControlError) =>
      err.code === 'NOT_FOUND' ? [] : undefined,
    );
    return judgedCaptures(entries, listed, studio, now)
      .filter((c) => inPeriod(c.from))
      .map((c) => ({ callSid: m.sid, ...c }));
  });
  const rows = perCall.flat().sort((a, b) => a.from.localeCompare(b.from));
  const count = (verdict: string) => rows.filter((r) => r.verdict === verdict).length;
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    calls: perCall.filter((r) => r.length > 0).length,
    captures: rows.length,
    covered: count('inside-proven-pause'),
    notRecorded: count('not-recorded'),
    exceptions: count('exception'),
    unknown: count('unknown'),
    rows,
    unread: alive.length - read.length,
  };
}
