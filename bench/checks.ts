// What the printed figures promise, checked: `npm run bench` (and CI's quick runs) exit 1 when one is wrong.

/** Twilio refuses a Sync document's Data over 16 KiB (54006). */
const SYNC_DOCUMENT_LIMIT = 16 * 1024;
/** Twilio kills a Function after 10 s. */
const FUNCTION_LIMIT_MS = 10_000;
/**
 * The requests in sequence docs/costs.md gives each control: more is a regression (a round trip added);
 * fewer is a step skipped (e.g. a resume sent before its intent is logged) or a table out of date.
 */
const IN_SEQUENCE: Record<string, number> = {
  '/recording/set-status (no RecordingSid), pause': 2,
  '/recording/set-status (no RecordingSid), resume': 3,
  '/recording/start': 3,
  '/recording/status': 1,
  '/callbacks/recording-status': 2,
};

/**
 * Goals for a control's p50 against the one raw request it stands for, with Twilio's round trips
 * (`--latency`): a start is the list beside the claim, the create, then the writes; status reads Twilio's
 * list and Sync at once, so it costs about one list (docs/costs.md).
 */
const RATIO_GOAL: Record<string, number> = {
  '/recording/start': 2.6,
  '/recording/status': 1.15,
};

interface Burst {
  controls: number;
  succeeded: number;
  failures: Record<string, number>;
  pausedOnTwilio: number;
  worst: number;
}

/** The sections a run prints and checks: a run that lost one must not pass for lack of figures. */
export function expectedSections(run: { sustained: boolean; latency: boolean; console?: boolean }): string[] {
  if (run.console) return ['consoleAtScale'];
  if (run.sustained) return ['sustained'];
  if (run.latency) return ['roundTrips', 'burst'];
  return ['twilioRequestsPerControl', 'callbackThroughput', 'documentGrowth', 'burst', 'console', 'consoleAtScale'];
}

/** Each figure of this run that breaks what the benchmark promises, as a line to print. */
export function wrongFigures(results: Record<string, unknown>, expected: string[] = []): string[] {
  const wrong: string[] = expected
    .filter((section) => results[section] === undefined)
    .map((section) => `${section}: no figures in this run`);
  const burst = results.burst as Burst | undefined;
  if (burst) {
    if (burst.succeeded !== burst.controls || Object.keys(burst.failures).length > 0)
      wrong.push(
        `burst: ${burst.succeeded} of ${burst.controls} controls succeeded (${JSON.stringify(burst.failures)})`,
      );
    if (burst.pausedOnTwilio !== burst.controls)
      wrong.push(`burst: ${burst.pausedOnTwilio} of ${burst.controls} calls paused on Twilio`);
    if (!(burst.worst < FUNCTION_LIMIT_MS))
      wrong.push(`burst: the worst answer took ${burst.worst} ms, not under 10 s`);
  }
  const throughput = results.callbackThroughput as Record<string, { lostUpdates: number }> | undefined;
  for (const [name, row] of Object.entries(throughput ?? {}))
    if (row.lostUpdates !== 0) wrong.push(`callback throughput, ${name}: ${row.lostUpdates} lost updates`);
  for (const row of (results.documentGrowth as Array<{ tracked: number; documentBytes: number }> | undefined) ?? [])
    if (row.documentBytes > SYNC_DOCUMENT_LIMIT)
      wrong.push(`document growth, ${row.tracked} tracked: ${row.documentBytes} bytes, over Sync's 16 KiB`);
  const page = (results.console as { pageLoadMs?: unknown } | undefined)?.pageLoadMs;
  if (typeof page === 'string') wrong.push(`console: the page in Chromium was ${page}`);
  const scale = results.consoleAtScale as
    | {
        goalP95Ms: number;
        rows: Array<{ liveCalls: number; p95Ms: number; syncRefusals: number; failedAnswers: number }>;
      }
    | undefined;
  for (const row of scale?.rows ?? []) {
    if (!(row.p95Ms <= scale!.goalP95Ms))
      wrong.push(
        `console at ${row.liveCalls} live calls: /console/calls took ${row.p95Ms} ms at p95, over ${scale!.goalP95Ms} ms`,
      );
    if (row.failedAnswers > 0)
      wrong.push(`console at ${row.liveCalls} live calls: ${row.failedAnswers} answers of /console/calls failed`);
    if (row.syncRefusals > 0)
      wrong.push(`console at ${row.liveCalls} live calls: Sync refused ${row.syncRefusals} requests (54009)`);
  }
  const trips = (
    results.roundTrips as
      { rows: Array<{ control: string; requestsInSequence: number; raw?: string; ratio?: number }> } | undefined
  )?.rows;
  for (const row of trips ?? []) {
    const documented = IN_SEQUENCE[row.control];
    if (documented === undefined) wrong.push(`round trips: ${row.control} has no documented count (docs/costs.md)`);
    else if (row.requestsInSequence !== documented)
      wrong.push(`round trips: ${row.control} made ${row.requestsInSequence} requests in sequence, not ${documented}`);
    const goal = RATIO_GOAL[row.control];
    if (goal !== undefined && row.ratio !== undefined && row.ratio > goal)
      wrong.push(`round trips: ${row.control} took ${row.ratio}x one ${row.raw}, over its goal of ${goal}x`);
  }
  if (trips)
    for (const control of Object.keys(IN_SEQUENCE))
      if (!trips.some((row) => row.control === control)) wrong.push(`round trips: ${control} was not measured`);
  return wrong;
}
