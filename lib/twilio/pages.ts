import type twilio from 'twilio';

/**
 * Twilio's lists read as JSON, page after page, without the twilio library's instances: the console
 * reads thousands of calls and index entries a refresh, and building an object with every field for each
 * one cost more CPU than all of Twilio's answers. Requests still go through the client (its retries,
 * deadline and base URL). A refused page throws what the library's RestException carries (status, code).
 */
export async function* pagesOf(client: twilio.Twilio, url: string): AsyncGenerator<Record<string, unknown>> {
  let next: string | undefined = url;
  while (next) {
    const res = await client.request({ method: 'get', uri: next });
    const body = (typeof res.body === 'string' ? JSON.parse(res.body) : res.body) as Record<string, unknown>;
    if (res.statusCode < 200 || res.statusCode >= 300) {
      throw Object.assign(new Error(String(body?.message ?? `HTTP ${res.statusCode}`)), {
        status: res.statusCode,
        code: body?.code,
      });
    }
    yield body;
    // Voice (2010-04-01) names the next page by path, v1 APIs by full URL in `meta`.
    const uri = body.next_page_uri as string | null | undefined;
    const meta = body.meta as { next_page_url?: string | null } | undefined;
    next = uri ? new URL(uri, url).toString() : (meta?.next_page_url ?? undefined);
  }
}

/** Every record of a list: `key` names the array each page holds (`calls`, `items`…). */
export async function listAll<T>(client: twilio.Twilio, url: string, key: string): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pagesOf(client, url)) all.push(...((page[key] as T[] | undefined) ?? []));
  return all;
}

const recent = new Map<string, { at: number; value: Promise<unknown> }>();

/**
 * One read shared by the requests this process serves within `ms` of it (consoles open side by side poll
 * the same lists): a cache of a second or two, never a shared truth. A failed read is not kept.
 */
export function sharedRead<T>(key: string, ms: number, read: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const kept = recent.get(key);
  if (kept && now - kept.at < ms) return kept.value as Promise<T>;
  const value = read();
  recent.set(key, { at: now, value });
  value.catch(() => recent.get(key)?.value === value && recent.delete(key));
  return value;
}
