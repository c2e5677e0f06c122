import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { errors, type TwilioApiError } from './errors';

/** A Twilio SID: two-letter prefix and 32 lowercase hex digits. */
export const newSid = (prefix: string): string => prefix + randomBytes(16).toString('hex');

/** The 2010-04-01 API dates: RFC 2822, e.g. `Tue, 25 Nov 2026 01:40:00 +0000`. */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

/** Sync's dates: ISO 8601 without milliseconds, e.g. `2026-11-25T01:40:00Z`. */
export function iso8601(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A form or query value as one string: repeated keys arrive as arrays and are refused where one is expected. */
export function single(req: Request, name: string): string | undefined {
  const value = (req.body as Record<string, unknown> | undefined)?.[name] ?? req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return String((value as unknown[])[0]);
  return value;
}

/** A form value that may be given as repeated keys (the library) or space separated (curl, TwiML). */
export function many(req: Request, name: string): string[] | undefined {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(/[\s,]+/)).filter(Boolean);
}

/**
 * One page of a Twilio 2010-04-01 list, with the paging fields the library follows.
 * `uri` is the list's path; PageSize and Page come from the query. `json` renders the page's items only:
 * rendering thousands of calls to serve a page of them was most of the emulator's CPU at a floor's scale.
 */
export function listPage<T>(
  req: Request,
  key: string,
  uri: string,
  items: T[],
  json: (item: T) => unknown = (item) => item,
): Record<string, unknown> {
  const pageSize = parsePageSize(req, { maxPageSize: 1000 });
  const page = Math.max(Number(req.query.Page ?? 0) || 0, 0);
  const start = page * pageSize;
  const slice = items.slice(start, start + pageSize).map(json);
  const link = (p: number) => `${uri}?PageSize=${pageSize}&Page=${p}`;
  return {
    [key]: slice,
    end: start + Math.max(slice.length - 1, 0),
    first_page_uri: link(0),
    next_page_uri: start + pageSize < items.length ? link(page + 1) : null,
    page,
    page_size: pageSize,
    previous_page_uri: page > 0 ? link(page - 1) : null,
    start,
    uri: `${uri}?PageSize=${pageSize}&Page=${page}`,
  };
}

/** A v1 API's host and its largest page (OpenAPI: Sync's lists 1 to 100, Studio's and TaskRouter's 1 to 1000). */
export interface V1Paging {
  host: string;
  maxPageSize: number;
  /** The API's own answer to a PageSize out of range (Sync: 54454), when it has one. */
  outOfRange?: (max: number) => TwilioApiError;
}

/**
 * `PageSize`, 50 when not asked. Out of range it is refused, never clamped: over the largest page with
 * 20007 ("Page size too large", twilio.com/docs/api/errors/20007), below 1 or not a whole number with
 * 20001 (no page of Twilio's names that case), or with the API's own code when it has one.
 */
function parsePageSize(req: Request, { maxPageSize, outOfRange }: Omit<V1Paging, 'host'>): number {
  const raw = single(req, 'PageSize');
  if (raw === undefined) return 50;
  const size = Number(raw);
  if (Number.isInteger(size) && size >= 1 && size <= maxPageSize) return size;
  if (outOfRange) throw outOfRange(maxPageSize);
  if (Number.isInteger(size) && size > maxPageSize) throw errors.pageSizeTooLarge(maxPageSize);
  throw errors.invalidParameter('PageSize', `must be a whole number from 1 to ${maxPageSize}`);
}

/**
 * One page of a Twilio v1 list as these APIs page it: `PageSize` items (50 when not asked) from the
 * `PageToken` (an offset this emulator hands out) with the meta block whose `next_page_url` the
 * libraries follow; the list's own filters (`keep`, e.g. Order, From, Bounds) ride along in every page URL.
 */
export function v1Page<T>(
  req: Request,
  paging: V1Paging,
  key: string,
  path: string,
  all: T[],
  keep: string[] = [],
  json: (item: T) => unknown = (item) => item,
) {
  const { host } = paging;
  const pageSize = parsePageSize(req, paging);
  const pageNumber = Math.max(Number(single(req, 'Page') ?? 0) || 0, 0);
  const token = single(req, 'PageToken');
  const offset = token === undefined ? 0 : Number(token.replace(/^PT/, ''));
  if (!Number.isInteger(offset) || offset < 0)
    throw errors.invalidParameter('PageToken', 'is not a token this API gave');
  const query = new URLSearchParams(
    keep.map((name) => [name, single(req, name)]).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const url = (p: number, t?: number) => {
    const params = new URLSearchParams(query);
    params.set('PageSize', String(pageSize));
    params.set('Page', String(p));
    if (t !== undefined) params.set('PageToken', `PT${t}`);
    return `${host}${path}?${params}`;
  };
  return {
    [key]: all.slice(offset, offset + pageSize).map(json),
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
