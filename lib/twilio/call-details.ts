import type twilio from 'twilio';
import { listAll, sharedRead } from './pages';

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

const FINAL = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];
/** An ended call never changes again: each process keeps it (a cache, not a shared truth). */
const ended = new Map<string, CallDetails>();
const MAX_ENDED = 2000;
/** Fetched one by one at most this many a request; the rest come on the next polls, from then on cached. */
const MAX_FETCHES = 40;

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
/** Consoles polling side by side share one list of the live calls a second (twilio/pages). */
const SHARED_MS = 1000;

const iso = (date: Date | null | undefined) => (date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined);

const ofCall = (c: CallLike): CallDetails => ({
  status: c.status,
  from: c.from,
  to: c.to,
  direction: c.direction,
  startTime: iso(c.startTime),
  endTime: iso(c.endTime),
  ...(FINAL.includes(c.status) && c.duration !== null ? { durationSeconds: Number(c.duration) } : {}),
});

const ofCallJson = (c: CallJson): CallDetails =>
  ofCall({
    ...c,
    startTime: c.start_time ? new Date(c.start_time) : null,
    endTime: c.end_time ? new Date(c.end_time) : null,
  });

const ofConference = (c: ConferenceLike): CallDetails => ({
  status: c.status,
  friendlyName: c.friendlyName,
  startTime: iso(c.dateCreated),
  ...(c.status === 'completed' ? { endTime: iso(c.dateUpdated) } : {}),
});

function keep(sid: string, details: CallDetails) {
  if (!FINAL.includes(details.status)) return;
  if (ended.size >= MAX_ENDED) ended.delete(ended.keys().next().value!);
  ended.set(sid, details);
}

/**
 * Every call in progress on the account, by SID: Twilio's largest pages, so 5,000 live calls are 5
 * requests, read as JSON (twilio/pages). Best effort: a failure leaves the calls to be fetched one by one (callDetails).
 */
export async function liveCalls(client: twilio.Twilio): Promise<Map<string, CallDetails>> {
  const url = `https://api.twilio.com/2010-04-01/Accounts/${client.accountSid}/Calls.json?Status=in-progress&PageSize=1000`;
  try {
    return await sharedRead(url, SHARED_MS, async () => {
      const live = await listAll<CallJson>(client, url, 'calls');
      return new Map(live.map((call) => [call.sid, ofCallJson(call)]));
    });
  } catch (err) {
    console.warn(`recording-controls: the live calls could not be listed: ${(err as Error)?.message ?? err}`);
    return new Map();
  }
}

/**
 * The details of each of `sids` (CA… or CF…) that Twilio answers for: from `live` (liveCalls), ended
 * ones from this process's memory, the others fetched one by one.
 */
export async function callDetails(
  client: twilio.Twilio,
  sids: string[],
  live: Map<string, CallDetails>,
): Promise<Map<string, CallDetails>> {
  const found = new Map<string, CallDetails>();
  const wanted = sids.filter((sid) => {
    const known = live.get(sid) ?? ended.get(sid);
    if (known) found.set(sid, known);
    return !known;
  });
  const fetches = wanted.slice(0, MAX_FETCHES);
  await Promise.all(
    fetches.map(async (sid) => {
      try {
        const details = sid.startsWith('CF')
          ? ofConference(await client.conferences(sid).fetch())
          : ofCall(await client.calls(sid).fetch());
        keep(sid, details);
        found.set(sid, details);
      } catch {
        // Unknown to Twilio, or not answered now: the list shows the SID alone.
      }
    }),
  );
  return found;
}
