import type { EmulatorContext } from '../app';
import { errors } from '../errors';

/**
 * Sync's rate limits (twilio.com/docs/sync/limits, error 54009), each a token bucket: it refills at the
 * sustained rate and holds one burst window of it (20/s, 10 s: 200 at once, then 20 a second). Per object,
 * reads and writes, an item's counted toward its Document, List or Map; per service, new objects. A write
 * costs more as its payload grows past 1 KiB, up to ten at 10 KiB (Twilio: about 2 writes/s there).
 */
interface Bucket {
  tokens: number;
  at: number;
}

const KIB = 1024;

export interface SyncLimits {
  /** A read of the object (a fetch, or one page of its items). */
  read(objectSid: string): void;
  /** A write of `bytes` of Data to the object or one of its items. */
  write(objectSid: string, bytes: number): void;
  /** A new object in the service. */
  create(serviceSid: string): void;
  /** Forgets a deleted object's buckets. */
  forget(objectSid: string): void;
}

export function syncLimits(ctx: EmulatorContext): SyncLimits {
  const buckets = new Map<string, Bucket>();
  ctx.onReset(() => buckets.clear());

  /** Takes `cost` tokens from the bucket `key` filling at `rate`/s, or refuses with the wait until it could. */
  function take(key: string, rate: number, cost: number, what: string) {
    if (rate <= 0) return;
    const now = ctx.now();
    const capacity = rate * Math.max(1, ctx.settings.syncBurstWindowSeconds);
    const bucket = buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    buckets.set(key, bucket);
    if (bucket.tokens < cost) throw errors.syncRateLimited(Math.ceil((cost - bucket.tokens) / rate), what);
    bucket.tokens -= cost;
  }

  /** How many writes' worth one write of `bytes` costs: 1 up to 1 KiB, then in proportion, at most rate / large rate. */
  function writeCost(bytes: number) {
    const { syncWritesPerSecond: rate, syncLargeWritesPerSecond: large } = ctx.settings;
    if (large <= 0 || large >= rate) return 1;
    return Math.min(rate / large, Math.max(1, bytes / KIB));
  }

  return {
    read: (sid) => take(`read ${sid}`, ctx.settings.syncReadsPerSecond, 1, 'reads of this object'),
    write: (sid, bytes) =>
      take(`write ${sid}`, ctx.settings.syncWritesPerSecond, writeCost(bytes), 'writes to this object'),
    create: (serviceSid) =>
      take(`create ${serviceSid}`, ctx.settings.syncCreationsPerSecond, 1, 'new objects in this service'),
    forget: (sid) => {
      buckets.delete(`read ${sid}`);
      buckets.delete(`write ${sid}`);
    },
  };
}
