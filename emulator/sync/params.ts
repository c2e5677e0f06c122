import type { Request } from 'express';
import type { EmulatorContext } from '../app';
import { errors, type TwilioApiError } from '../errors';
import { single, v1Page } from '../format';

/** Twilio's limit on a Document's Data, counted on its JSON text. */
const MAX_DATA_BYTES = 16 * 1024;
const SID_PATTERN = /^[A-Z]{2}[0-9a-f]{32}$/;

/** A Data form field: a JSON object of at most 16 KiB, as Documents and List Items take it. */
export function parseData(req: Request): unknown {
  const raw = (req.body as Record<string, unknown> | undefined)?.Data;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw errors.invalidParameter('Data', 'must be a JSON object as a string');
  if (Buffer.byteLength(raw) > MAX_DATA_BYTES) throw errors.dataTooLarge();
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw errors.invalidParameter('Data', 'is not valid JSON');
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw errors.invalidParameter('Data', 'must be a JSON object');
  return data;
}

/** A UniqueName: 1 to 320 characters that do not look like a SID; null when none is given. */
export function parseUniqueName(req: Request): string | null {
  const uniqueName = single(req, 'UniqueName') ?? null;
  if (uniqueName !== null && (uniqueName.length < 1 || uniqueName.length > 320 || SID_PATTERN.test(uniqueName)))
    throw errors.invalidUniqueName();
  return uniqueName;
}

export function parseTtl(req: Request, name = 'Ttl'): number | undefined {
  const raw = single(req, name);
  if (raw === undefined) return undefined;
  const ttl = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(ttl) || ttl < 0 || ttl > 31_536_000) throw errors.invalidTtl();
  return ttl;
}

/** One page of a Sync list, as Sync pages it (PageSize, PageToken). */
export const syncPage = <T>(
  req: Request,
  key: string,
  path: string,
  all: T[],
  keep: string[] = [],
  json?: (item: T) => unknown,
) =>
  v1Page(
    req,
    { host: 'https://sync.twilio.com', maxPageSize: 100, outOfRange: errors.invalidSyncPageSize },
    key,
    path,
    all,
    keep,
    json,
  );

/**
 * One page of a List's or Map's items (`ascending`, by index or key), in `Order` (asc by default) from
 * `From` (`parseFrom` reads it as a position), inclusive unless `Bounds=exclusive`.
 */
export function itemsPage<T, P extends number | string>(
  req: Request,
  path: string,
  ascending: T[],
  at: (item: T) => P,
  parseFrom: (raw: string) => P,
  json: (item: T) => unknown,
) {
  const order = single(req, 'Order') ?? 'asc';
  const bounds = single(req, 'Bounds') ?? 'inclusive';
  if (order !== 'asc' && order !== 'desc') throw errors.invalidParameter('Order', 'must be asc or desc');
  if (bounds !== 'inclusive' && bounds !== 'exclusive')
    throw errors.invalidParameter('Bounds', 'must be inclusive or exclusive');
  const raw = single(req, 'From');
  const from = raw === undefined ? undefined : parseFrom(raw);
  const items = ascending.filter((i) => {
    if (from === undefined) return true;
    if (at(i) === from) return bounds === 'inclusive';
    return order === 'asc' ? at(i) > from : at(i) < from;
  });
  if (order === 'desc') items.reverse();
  return syncPage(req, 'items', path, items, ['Order', 'From', 'Bounds'], json);
}

/** The size of a Data payload as Sync counts it, for its write rate. */
export const dataBytes = (data: unknown) => Buffer.byteLength(JSON.stringify(data ?? {}));

/**
 * An If-Match header against an object's revision: none passes; one that is no revision Sync hands
 * out (these are whole numbers) is 54003; another revision is the object's own mismatch (412).
 */
export function checkIfMatch(req: Request, revision: number, mismatch: () => TwilioApiError): void {
  const ifMatch = req.headers['if-match'];
  if (ifMatch === undefined) return;
  if (!/^\d+$/.test(ifMatch)) throw errors.invalidIfMatch();
  if (ifMatch !== String(revision)) throw mismatch();
}

/**
 * TTLs as Sync keeps them (twilio.com/docs/sync/objects-ttl): "the approximate time before the object
 * is automatically garbage-collected"; Sync "sacrifices accurate firing times", so an expired object
 * may still be read, listed and hold its unique name for a while. Here it lingers `syncTtlLingerMs`
 * past its expiry (Twilio publishes no bound), then is gone.
 */
export function ttls(ctx: EmulatorContext) {
  return {
    live: (x: { expires: number | null }) => x.expires === null || x.expires + ctx.settings.syncTtlLingerMs > ctx.now(),
    expiry: (ttl: number | undefined, current: number | null) =>
      ttl === undefined ? current : ttl === 0 ? null : ctx.now() + ttl * 1000,
  };
}
