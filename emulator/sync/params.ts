import type { Request } from 'express';
import { errors } from '../errors';
import { single, v1PageMeta } from '../format';

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
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 31_536_000)
    throw errors.invalidParameter(name, 'must be 0 to 31536000 seconds');
  return ttl;
}

/** Sync's paging block (all items fit in the first page here). */
export const meta = (key: string, path: string, count: number) =>
  v1PageMeta('https://sync.twilio.com', key, path, count);

/** Twilio's page sizes for Lists, Maps and their items: 50 by default, 100 at most. */
const MAX_PAGE_SIZE = 100;

/** One page of `all`, starting at PageToken (an offset this emulator hands out), with Sync's meta block. */
export function page<T>(req: Request, key: string, path: string, all: T[]) {
  const pageSize = Math.min(Math.max(Number(single(req, 'PageSize') ?? 50) || 50, 1), MAX_PAGE_SIZE);
  const pageNumber = Math.max(Number(single(req, 'Page') ?? 0) || 0, 0);
  const token = single(req, 'PageToken');
  const offset = token === undefined ? 0 : Number(token.replace(/^PT/, ''));
  if (!Number.isInteger(offset) || offset < 0)
    throw errors.invalidParameter('PageToken', 'is not a token this API gave');
  const slice = all.slice(offset, offset + pageSize);
  const query = new URLSearchParams(
    Object.entries({ Order: single(req, 'Order'), From: single(req, 'From'), Bounds: single(req, 'Bounds') }).filter(
      (e): e is [string, string] => e[1] !== undefined,
    ),
  );
  const url = (p: number, t?: number) => {
    const params = new URLSearchParams(query);
    params.set('PageSize', String(pageSize));
    params.set('Page', String(p));
    if (t !== undefined) params.set('PageToken', `PT${t}`);
    return `https://sync.twilio.com${path}?${params}`;
  };
  return {
    [key]: slice,
    meta: {
      page: pageNumber,
      page_size: pageSize,
      first_page_url: url(0),
      previous_page_url: offset > 0 ? url(pageNumber - 1, Math.max(offset - pageSize, 0)) : null,
      url: url(pageNumber, token === undefined ? undefined : offset),
      next_page_url: offset + pageSize < all.length ? url(pageNumber + 1, offset + pageSize) : null,
      key,
    },
  };
}

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
  return page(req, 'items', path, items.map(json));
}

/** The size of a Data payload as Sync counts it, for its write rate. */
export const dataBytes = (data: unknown) => Buffer.byteLength(JSON.stringify(data ?? {}));
