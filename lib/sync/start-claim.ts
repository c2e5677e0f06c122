import { randomUUID } from 'node:crypto';
import { fromTwilioError, statusOf } from '../errors';
import { CLOCK_SKEW_MARGIN_MS } from '../model/recording-state';
import { CLAIM_KEY, type CallMap } from './call-map';

/**
 * A short-lived claim on starting the recording of one call, shared by every Function instance: the
 * `claim` item of the call's Map (sync/call-map), so creating it is atomic and only one start at a time
 * holds it (Sync answers 54208 to the others). A holder may create a recording only before `until`;
 * after that, another start may take the claim over, so a holder that died blocks nobody for long.
 *
 * A start asks for the call's recordings beside the claim, so its list may have been read before the
 * previous holder created its recording. The claim therefore outlives its start, naming the recording it
 * ended with (`recordingSid`): a later start that takes it over checks its list against that SID. A stop
 * of that recording removes it (readForStop).
 */
/** Sync deletes a finished or forgotten claim after this; `until` and `recordingSid` are what count. */
const CLAIM_TTL_SECONDS = 60;
/**
 * How far Sync's clock (an item's expiry) and the host's may differ, and a removal sent before the
 * deadline may travel: a claim expiring within this of a stop's deadline is left to its TTL.
 */
const EXPIRY_MARGIN_MS = 5_000;

interface ClaimData {
  holder: string;
  until: number;
  /** The recording the holder created or adopted: the claim is finished. */
  recordingSid?: string;
}

export type ClaimState =
  /** `expired`: taken over from a holder whose time ran out, which may have created a recording just before. */
  | { held: true; expired?: true }
  | { held: false; by: 'nobody' }
  | { held: false; by: 'another'; until: number }
  | { held: false; by: 'finished'; recordingSid: string; revision: string };

export class StartClaim {
  private readonly holder = randomUUID();
  private revision?: string;

  constructor(
    private readonly map: CallMap,
    /** The holder sends no create after this (ms since the epoch). */
    readonly until: number,
  ) {}

  private get callSid() {
    return this.map.ownerSid;
  }

  private item() {
    return this.map.items(CLAIM_KEY);
  }

  private data(recordingSid?: string): ClaimData {
    // Others wait for the holder's deadline plus the skew their clocks may have against its clock.
    return { holder: this.holder, until: this.until + CLOCK_SKEW_MARGIN_MS, ...(recordingSid ? { recordingSid } : {}) };
  }

  /** Takes the claim if nobody holds it; says who else does, or which recording the last start ended with. */
  async acquire(): Promise<ClaimState> {
    try {
      this.revision = (await this.map.create(CLAIM_KEY, this.data(), CLAIM_TTL_SECONDS)).revision;
      return { held: true };
    } catch (err) {
      if (statusOf(err) !== 409) throw fromTwilioError(err, `the start claim of call ${this.callSid}`);
    }
    let found;
    try {
      found = await this.item().fetch();
    } catch (err) {
      if (statusOf(err) === 404) return { held: false, by: 'nobody' }; // expired meanwhile
      throw fromTwilioError(err, `the start claim of call ${this.callSid}`);
    }
    const claim = found.data as ClaimData;
    if (claim.recordingSid)
      return { held: false, by: 'finished', recordingSid: claim.recordingSid, revision: found.revision };
    if (claim.until > Date.now()) return { held: false, by: 'another', until: claim.until };
    const taken = await this.takeOver(found.revision);
    return taken.held ? { held: true, expired: true } : taken;
  }

  /** Takes over a finished or expired claim, unless another start was quicker. */
  async takeOver(revision: string): Promise<{ held: true } | { held: false; by: 'nobody' }> {
    try {
      this.revision = (
        await this.item().update({ data: this.data(), ifMatch: revision, itemTtl: CLAIM_TTL_SECONDS })
      ).revision;
      return { held: true };
    } catch (err) {
      if (statusOf(err) === 412 || statusOf(err) === 404) return { held: false, by: 'nobody' }; // look again
      throw fromTwilioError(err, `the start claim of call ${this.callSid}`);
    }
  }

  /** Ends the claim naming the call's recording, for the starts still waiting and those to come. Best effort. */
  async finish(recordingSid: string): Promise<void> {
    const revision = this.heldRevision();
    if (revision === undefined) return;
    await this.item()
      .update({ data: this.data(recordingSid), ifMatch: revision, itemTtl: CLAIM_TTL_SECONDS })
      .catch(() => undefined);
  }

  /** Lets the next start go ahead at once, when this one surely created nothing. Best effort. */
  async release(): Promise<void> {
    const revision = this.heldRevision();
    if (revision === undefined) return;
    await this.item()
      .remove({ ifMatch: revision })
      .catch(() => undefined);
  }

  /**
   * The revision this start wrote, while the claim is surely still its own: past `until` it may be
   * another start's now, and If-Match keeps it so even against a skewed clock.
   */
  private heldRevision(): string | undefined {
    return Date.now() < this.until ? this.revision : undefined;
  }
}

/**
 * A stop's look at the claim of its call, sent beside its update on Twilio. A finished claim only ever
 * makes the next start check that the recording it names is not active and then take it over: a 409, a
 * read and an update, two Sync round trips more in sequence than a fresh call's create. Once Twilio
 * answers that recording stopped, it can never be active again, so a start finding no claim would do
 * what one taking it over does: the claim has done its work and is removed.
 *
 * Removed only when the claim read names a recording this stop ended, and only with If-Match on that
 * read's revision (an unconditional removal could end a newer start's held claim: two recordings). A
 * start that created or took over the claim since changed its revision (412); one that read it finished
 * just before the removal meets 404 or 412 on its take-over and looks again. An item that expired and was
 * created anew may start its revisions over, so a claim that could expire before the removal arrives is
 * left to its TTL. Best effort: a claim left in place is taken over by the next start, as before.
 */
export function readForStop(map: CallMap, deadline: number): { clear(ended: string[]): Promise<void> } {
  const item = map.items(CLAIM_KEY);
  const reading = item.fetch().catch(() => undefined); // 404: no claim to clear
  return {
    async clear(ended) {
      const found = await reading;
      const named = (found?.data as ClaimData | undefined)?.recordingSid;
      if (!found || !named || !ended.includes(named)) return;
      if (found.dateExpires && found.dateExpires.getTime() < deadline + EXPIRY_MARGIN_MS) return;
      await item.remove({ ifMatch: found.revision }).catch(() => undefined);
    },
  };
}
