import type twilio from 'twilio';
import { listAll } from './pages';

/**
 * Calls and conferences as people know them, from Twilio's Calls and Conferences resources: numbers,
 * direction, when they started and how long they lasted. For the console's list, so best effort: what
 * Twilio does not answer is left out, and the list shows the SIDs alone.
 */
export interface CallDetails {
  status: string;
  from?: string;
  to?: string;
  /** inbound, outbound-api, outbound-dial; absent for a conference. */
  direction?: string;
  /** A conference's name (its room). */
  friendlyName?: string;
  startTime?: string;
  endTime?: string;
  /** Twilio's Duration of an ended call; a live one's is counted from startTime. */
  durationSeconds?: number;
}

const FINAL = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
/** Whether Twilio says the call or conference is over: its details never change again. */
export const hasEnded = (details: CallDetails) => FINAL.has(details.status);

/** What this process knows of a call or conference: its details, and when it learned them (its clock, ms). */
export interface KnownCall {
  details: CallDetails;
  at: number;
}
/** A cache, not a shared truth: each process learns from its own lists and fetches; the oldest learned go first. */
const known = new Map<string, KnownCall>();
const MAX_KNOWN = 20_000;
/** Fetched one by one at most this many a request; the rest come on the next polls, from then on cached. */
const MAX_FETCHES = 40;
/**
 * How long one listing of the live calls and conferences serves a process's polls. Their numbers,
 * direction and start never change, and a recorded call's end reaches the console sooner through its
 * recordings' callbacks (callDetails' `since`): this bounds only how late an unrecorded call's end is seen.
 */
export const LIVE_LIST_MS = 10_000;
/** Past this age a listing no longer serves while the next is read: the poll waits for the next. */
export const LIVE_LIST_MAX_MS = 30_000;

type CallLike = {
  sid: string;
  status: string;
  from: string;
  to: string;
  direction: string;
  startTime: Date | null;
  endTime: Date | null;
  duration: string | null;
};
type ConferenceLike = { sid: string; status: string; friendlyName: string; dateCreated: Date; dateUpdated: Date };

/** A call as Twilio's JSON has it (the fields read here). */
interface CallJson {
  sid: string;
  status: string;
  from: string;
  to: string;
  direction: string;
  start_time: string | null;
  end_time: string | null;
  duration: string | null;
}
/** A conference as Twilio's JSON has it (the fields read here). */
interface ConferenceJson {
  sid: string;
  status: string;
  friendly_name: string;
  date_created: string;
  date_updated: string;
}

const iso = (date: Date | null | undefined) => (date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined);

const ofCall = (c: CallLike): CallDetails => ({
  status: c.status,
  from: c.from,
  to: c.to,
  direction: c.direction,
  startTime: iso(c.startTime),
  endTime: iso(c.endTime),
  ...(FINAL.has(c.status) && c.duration !== null ? { durationSeconds: Number(c.duration) } : {}),
});

const ofCallJson = (c: CallJson): CallDetails =>
  ofCall({
    ...c,
    startTime: c.start_time ? new Date(c.start_time) : null,
    endTime: c.end_time ? new Date(c.end_time) : null,
  });

const ofConferenceJson = (c: ConferenceJson): CallDetails =>
  ofConference({
    ...c,
    friendlyName: c.friendly_name,
    dateCreated: new Date(c.date_created),
    dateUpdated: new Date(c.date_updated),
  });

const ofConference = (c: ConferenceLike): CallDetails => ({
  status: c.status,
  friendlyName: c.friendlyName,
  startTime: iso(c.dateCreated),
  ...(c.status === 'completed' ? { endTime: iso(c.dateUpdated) } : {}),
});

/**
 * Keeps what was learned at `at`, unless something was learned of the call since (a fetch during a
 * list); `details` is only read when the status changed (a list of 5,000 calls mostly confirms).
 */
function learn(sid: string, status: string, details: () => CallDetails, at: number) {
  const was = known.get(sid);
  if (was && was.at > at) return;
  known.delete(sid);
  if (known.size >= MAX_KNOWN) known.delete(known.keys().next().value!);
  known.set(sid, { details: was?.details.status === status ? was.details : details(), at });
}

/** One listing of the live calls and conferences: when it began (this process's clock), and what it held. */
export interface LiveList {
  at: number;
  sids: Set<string>;
}

/** Per account, the last listing of the live calls this process finished, and the one under way. */
const listings = new Map<string, { done?: LiveList; running?: Promise<LiveList | undefined> }>();

async function listLive(client: twilio.Twilio, base: string): Promise<LiveList> {
  const at = Date.now();
  const [calls, conferences] = await Promise.all([
    listAll<CallJson>(client, `${base}/Calls.json?Status=in-progress&PageSize=1000`, 'calls'),
    listAll<ConferenceJson>(client, `${base}/Conferences.json?Status=in-progress&PageSize=1000`, 'conferences'),
  ]);
  for (const c of calls) learn(c.sid, c.status, () => ofCallJson(c), at);
  for (const c of conferences) learn(c.sid, c.status, () => ofConferenceJson(c), at);
  return { at, sids: new Set([...calls, ...conferences].map((c) => c.sid)) };
}

/**
 * Every call and conference in progress on the account, learned (callDetails reads them): Twilio's
 * largest pages, so 5,000 live calls are 5 requests in sequence, read as JSON (twilio/pages), calls and
 * conferences side by side. A listing serves this process's polls for LIVE_LIST_MS; then the next one
 * is read while the last still serves, up to LIVE_LIST_MAX_MS, so a poll waits for Twilio's pages only
 * when this process has no recent listing (its first poll, or one after a long quiet). Best effort: a
 * failure leaves the calls to be fetched one by one.
 */
export async function liveCalls(client: twilio.Twilio): Promise<LiveList | undefined> {
  const base = `https://api.twilio.com/2010-04-01/Accounts/${client.accountSid}`;
  const listing = listings.get(base) ?? {};
  listings.set(base, listing);
  const age = listing.done ? Date.now() - listing.done.at : Infinity;
  if (age < LIVE_LIST_MS) return listing.done;
  listing.running ??= listLive(client, base)
    .then((list) => (listing.done = list))
    .catch((err) => {
      console.warn(`recording-controls: the live calls could not be listed: ${(err as Error)?.message ?? err}`);
      return undefined;
    })
    .finally(() => (listing.running = undefined));
  if (age < LIVE_LIST_MAX_MS) return listing.done;
  return (await listing.running) ?? listing.done;
}

/**
 * What this process knows of each of `calls` (CA… or CF…) that Twilio answers for. Fetched one by one:
 * those it never learned, those `live` no longer holds (they ended since, or their state is unknown),
 * and those learned before their `since` (the caller has news of them: a recording of theirs ended).
 */
export async function callDetails<C extends { sid: string }>(
  client: twilio.Twilio,
  calls: C[],
  live: LiveList | undefined,
  since: (call: C) => number | undefined,
): Promise<Map<string, KnownCall>> {
  const found = new Map<string, KnownCall>();
  const stale: string[] = [];
  for (const call of calls) {
    const k = known.get(call.sid);
    if (k) found.set(call.sid, k);
    if (k && hasEnded(k.details)) continue;
    const gone = k && live && k.at < live.at && !live.sids.has(call.sid);
    const news = k && k.at < (since(call) ?? -Infinity);
    if (!k || gone || news) stale.push(call.sid);
  }
  await Promise.all(
    stale.slice(0, MAX_FETCHES).map(async (sid) => {
      try {
        const details = sid.startsWith('CF')
          ? ofConference(await client.conferences(sid).fetch())
          : ofCall(await client.calls(sid).fetch());
        learn(sid, details.status, () => details, Date.now());
        found.set(sid, known.get(sid)!);
      } catch {
        // Unknown to Twilio, or not answered now: the list shows the SID alone.
      }
    }),
  );
  return found;
}
