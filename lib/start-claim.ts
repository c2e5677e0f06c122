import { randomUUID } from 'node:crypto';
import type twilio from 'twilio';
import { CLOCK_SKEW_MARGIN_MS } from './recording-document';
import { fromTwilioError } from './errors';

/**
 * A short-lived claim on starting the recording of one call, shared by every Function instance: a Sync
 * document whose unique name is the call's, so creating it is atomic and only one start at a time
 * holds it (Sync answers 54301 to the others). A holder may create a recording only before `until`;
 * after that, another start may take the claim over, so a holder that died blocks nobody for long.
 */
export const claimName = (callSid: string) => `recording-controls-start-${callSid}`;

/** Sync deletes a forgotten claim after this; `until` is what counts, this only tidies up. */
const CLAIM_TTL_SECONDS = 60;

interface ClaimData {
  holder: string;
  until: number;
}

export type ClaimState =
  | { held: true }
  | { held: false; by: 'nobody' }
  | { held: false; by: 'another'; until: number; revision: string };

const statusOf = (err: unknown) => (err as { status?: number }).status;

export class StartClaim {
  private readonly holder = randomUUID();

  constructor(
    private readonly client: twilio.Twilio,
    private readonly serviceSid: string,
    private readonly callSid: string,
    /** The holder sends no create after this (ms since the epoch). */
    readonly until: number,
  ) {}

  private documents() {
    return this.client.sync.v1.services(this.serviceSid).documents;
  }

  private data(): ClaimData {
    // Others wait for the holder's deadline plus the skew their clocks may have against its clock.
    return { holder: this.holder, until: this.until + CLOCK_SKEW_MARGIN_MS };
  }

  /** Takes the claim if nobody holds it, or if its holder's time ran out. */
  async acquire(): Promise<ClaimState> {
    try {
      await this.documents().create({ uniqueName: claimName(this.callSid), data: this.data(), ttl: CLAIM_TTL_SECONDS });
      return { held: true };
    } catch (err) {
      if (statusOf(err) !== 409) throw fromTwilioError(err, `the start claim of call ${this.callSid}`);
    }
    let found;
    try {
      found = await this.documents()(claimName(this.callSid)).fetch();
    } catch (err) {
      if (statusOf(err) === 404) return { held: false, by: 'nobody' }; // released meanwhile
      throw fromTwilioError(err, `the start claim of call ${this.callSid}`);
    }
    const claim = found.data as ClaimData;
    if (claim.until > Date.now()) return { held: false, by: 'another', until: claim.until, revision: found.revision };
    try {
      await this.documents()(claimName(this.callSid)).update({ data: this.data(), ifMatch: found.revision, ttl: CLAIM_TTL_SECONDS });
      return { held: true };
    } catch (err) {
      if (statusOf(err) === 412 || statusOf(err) === 404) return { held: false, by: 'nobody' }; // another start was quicker: look again
      throw fromTwilioError(err, `the start claim of call ${this.callSid}`);
    }
  }

  /** Lets the next start of this call go ahead at once. Best effort: an unreleased claim expires. */
  async release(): Promise<void> {
    // Past `until` the claim may be another start's now.
    if (Date.now() >= this.until) return;
    await this.documents()(claimName(this.callSid))
      .remove()
      .catch(() => undefined);
  }
}
