import type twilio from 'twilio';
import type { SyncOptions } from '../env';
import { ControlError, fromTwilioError, statusOf } from '../errors';

/**
 * What the console's sign-in keeps in Sync, so that every instance of the Functions sees it: signed-out
 * console tokens (until they would have expired), and the password guessing gates.
 *
 * A gate is one Sync document: how many wrong passwords in a row it has seen, and when the next may be
 * checked. A check first takes the gate (If-Match on its revision, so one check at a time across all
 * instances, holding it for a lease), and only then compares the password; a request that finds the
 * gate closed or taken is refused before any comparison, so a throttled guess learns nothing.
 */

export const revokedName = (tokenId: string) => `recording-controls-revoked-${tokenId}`;
export const gateName = (key: string) => `recording-controls-login-${key}`;

/** How long a taken gate stays taken if its instance never answers (a Function timed out). */
export const GATE_LEASE_MS = 10_000;

export interface GateRule {
  /** Wrong passwords in a row that wait for nothing but the gate. */
  free: number;
  /** The longest wait after many wrong passwords. */
  capMs: number;
}

/** After `failures` wrong passwords in a row: 0 within `free`, then 1 s, doubling, up to the cap. */
export const waitAfter = (failures: number, rule: GateRule) =>
  failures <= rule.free ? 0 : Math.min(1000 * 2 ** (failures - rule.free - 1), rule.capMs);

interface GateState {
  failures: number;
  /** Epoch milliseconds before which no password is checked. */
  nextAt: number;
}

export const loginThrottled = (retryAfterMs: number) =>
  new ControlError(
    429,
    'LOGIN_THROTTLED',
    `Too many sign-in attempts: try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s (nothing was checked)`,
  );

export class ConsoleState {
  constructor(
    private readonly client: twilio.Twilio,
    private readonly options: SyncOptions,
  ) {}

  private documents() {
    return this.client.sync.v1.services(this.options.serviceSid).documents;
  }

  /** Whether the console token `tokenId` was signed out. */
  async isRevoked(tokenId: string): Promise<boolean> {
    try {
      await this.documents()(revokedName(tokenId)).fetch();
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw fromTwilioError(err, 'the console sign-outs in Sync');
    }
  }

  /** Signs a token out on every instance, kept until it would have expired anyway. */
  async revoke(tokenId: string, expiresAt: number, now = Date.now()): Promise<void> {
    try {
      await this.documents().create({
        uniqueName: revokedName(tokenId),
        data: { revokedAt: new Date(now).toISOString() },
        ttl: Math.max(1, Math.ceil((expiresAt - now) / 1000)) + 60,
      });
    } catch (err) {
      if (statusOf(err) !== 409) throw fromTwilioError(err, 'the console sign-outs in Sync');
    }
  }

  /**
   * Takes the gate `key` for one password check, or refuses (429 LOGIN_THROTTLED) while it is closed or
   * another check holds it. Answers what the gate knew, for `release`.
   */
  async take(key: string, now = Date.now()): Promise<GateState> {
    const doc = this.documents()(gateName(key));
    // The lease counts this check as wrong until its release says otherwise: a release that never lands
    // (a Function killed, Sync refusing the write to the deadline) must not give a guess back for free.
    const leased = (failures: number) => ({ failures: failures + 1, nextAt: now + GATE_LEASE_MS });
    try {
      let found;
      try {
        found = await doc.fetch();
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
        await this.documents().create({ uniqueName: gateName(key), data: leased(0), ttl: 86400 });
        return { failures: 0, nextAt: 0 };
      }
      const state = found.data as Partial<GateState>;
      const failures = Number.isInteger(state.failures) ? state.failures! : 0;
      const nextAt = typeof state.nextAt === 'number' ? state.nextAt : 0;
      if (now < nextAt) throw loginThrottled(nextAt - now);
      await doc.update({ data: leased(failures), ifMatch: found.revision, ttl: 86400 });
      return { failures, nextAt };
    } catch (err) {
      if (err instanceof ControlError) throw err;
      // Another check took the gate first: this one waits its turn.
      if (statusOf(err) === 412 || statusOf(err) === 409) throw loginThrottled(1000);
      throw fromTwilioError(err, 'the sign-in gate in Sync');
    }
  }

  /** Gives the gate back: open after a right password, closed for the rule's wait after a wrong one. */
  async release(
    key: string,
    outcome: 'right' | 'wrong',
    taken: GateState,
    rule: GateRule,
    now = Date.now(),
  ): Promise<void> {
    const data: GateState =
      outcome === 'right'
        ? { failures: 0, nextAt: 0 }
        : { failures: taken.failures + 1, nextAt: now + waitAfter(taken.failures + 1, rule) };
    try {
      await this.documents()(gateName(key)).update({ data, ttl: 86400 });
    } catch (err) {
      // The lease lapses by itself, this attempt counted as a wrong one.
      console.error('recording-controls: the sign-in gate was not updated:', (err as Error)?.message ?? err);
    }
  }
}
