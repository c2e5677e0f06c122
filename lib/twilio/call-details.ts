import type twilio from 'twilio';

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
 * The details of each of `sids` (CA… or CF…) that Twilio answers for: the live calls in one list
 * request, the others fetched one by one, and ended ones from this process's memory.
 */
export async function callDetails(client: twilio.Twilio, sids: string[]): Promise<Map<string, CallDetails>> {
  const found = new Map<string, CallDetails>();
  const wanted = sids.filter((sid) => {
    const known = ended.get(sid);
    if (known) found.set(sid, known);
    return !known;
  });
  if (wanted.some((sid) => sid.startsWith('CA'))) {
    try {
      const live = await client.calls.list({ status: 'in-progress', pageSize: 1000, limit: 1000 });
      for (const call of live) if (wanted.includes(call.sid)) found.set(call.sid, ofCall(call));
    } catch (err) {
      console.warn(`recording-controls: the live calls could not be listed: ${(err as Error)?.message ?? err}`);
    }
  }
  const fetches = wanted.filter((sid) => !found.has(sid)).slice(0, MAX_FETCHES);
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
