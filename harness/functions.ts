import type { ServedRequest } from '../emulator/app';
import twilio from 'twilio';
import type { EvidenceEntry } from '../lib/model/evidence';
import type { RecordingDocument } from '../lib/model/recording-state';
import type { StateDocument } from '../lib/model/call-summary';
import { indexCall, indexName, SHARDS } from '../lib/sync/console-index';
import { mapName, STATE_KEY } from '../lib/sync/call-map';
import { EvidenceLog } from '../lib/sync/evidence-log';
import { AUTH_TOKEN, type EmulatorEndpoint, type RunningEmulator, type RunningFunctions } from './stack';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  contentType: string;
  /** Parsed JSON, or the text of a TwiML or empty answer. */
  body: T;
}

/** Calls a Function as Studio's widgets do: form-encoded by default, JSON when asked. */
export async function invoke<T = Record<string, unknown>>(
  fx: RunningFunctions,
  path: string,
  params: Record<string, unknown>,
  as: 'form' | 'json' = 'form',
): Promise<Answer<T>> {
  const res = await fetch(fx.url + path, {
    method: 'POST',
    headers: { 'content-type': as === 'json' ? 'application/json' : 'application/x-www-form-urlencoded' },
    body: as === 'json' ? JSON.stringify(params) : new URLSearchParams(params as Record<string, string>),
  });
  const contentType = res.headers.get('content-type') ?? '';
  const text = await res.text();
  return {
    status: res.status,
    contentType,
    body: (contentType.includes('json') && text ? JSON.parse(text) : text) as T,
  };
}

/** Posts a recording status callback signed as Twilio signs it, to the URL the Function sees itself at. */
export async function signedCallback(fx: RunningFunctions, params: Record<string, string>, token = AUTH_TOKEN) {
  const port = new URL(fx.url).port;
  const url = `http://localhost:${port}/callbacks/recording-status`;
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(token, url, params),
    },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: await res.text() };
}

/** The state item of a call's or conference's Sync Map (lib/sync/call-map). */
export const stateItem = (em: RunningEmulator, sid: string) =>
  em.client.sync.v1.services('default').syncMaps(mapName(sid)).syncMapItems(STATE_KEY);

/**
 * The console's index (lib/sync/console-index), made as a service's first calls make it: a control's
 * first write to a shard that does not exist yet also creates the shard, which tests counting a control's
 * requests leave out by making them first.
 */
export async function createConsoleIndex(em: RunningEmulator): Promise<void> {
  const maps = em.client.sync.v1.services('default').syncMaps;
  await Promise.all(
    Array.from({ length: SHARDS }, (_, shard) => maps.create({ uniqueName: indexName(shard) }).catch(() => undefined)),
  );
}

/**
 * Writes a call's state by hand (a test's own shape, malformed or old), creating its Map when missing,
 * and indexes it for the console as the Functions would (a shape it cannot summarize is left out).
 */
export async function writeState(em: RunningEmulator, sid: string, data: object): Promise<void> {
  const sync = em.client.sync.v1.services('default');
  await sync.syncMaps.create({ uniqueName: mapName(sid), ttl: 600 }).catch(() => undefined);
  await sync.syncMaps(mapName(sid)).syncMapItems.create({ key: STATE_KEY, data });
  await indexCall(em.client, { serviceSid: 'default', ttlSeconds: 600 }, sid, data as StateDocument, true);
}

/** The evidence entries of a call or conference, as the Functions read them. */
export const evidenceEntries = (em: RunningEmulator, sid: string) =>
  new EvidenceLog(em.client, { serviceSid: 'default', ttlSeconds: 600 }).readAll(sid);

/** The Sync document (state) the Functions keep for a call or conference, read with the official library. */
export async function syncDocument(em: RunningEmulator, sid: string): Promise<RecordingDocument | undefined> {
  try {
    return (await stateItem(em, sid).fetch()).data as RecordingDocument;
  } catch (err) {
    if ((err as { status?: number }).status === 404) return undefined;
    throw err;
  }
}

export const counters = (em: EmulatorEndpoint) =>
  em.control<{ total: number; routes: Record<string, number> }>('GET', '/counters');
export const callbacksIdle = (em: RunningEmulator) => em.control('GET', '/callbacks/idle');

/**
 * The evidence log of a call or conference as Sync holds it, read with the official library from the
 * call's Map by the documented keys (`log-…`, docs/evidence.md), every item as stored: no reader of the
 * toolkit's in between (its reader drops repeated ids, which would hide a double append).
 */
export async function evidenceItems(em: RunningEmulator, ownerSid: string): Promise<EvidenceEntry[]> {
  const items = await em.client.sync.v1
    .services('default')
    .syncMaps(`recording-controls-${ownerSid}`)
    .syncMapItems.list({ order: 'asc', pageSize: 100 });
  return items.filter((item) => item.key.startsWith('log-')).map((item) => item.data as EvidenceEntry);
}

/** Every Voice and every Sync request the emulator serves waits this long, as on Twilio. */
export async function setLatency(em: EmulatorEndpoint, latency: { voice: number; sync: number }) {
  await em.control('DELETE', '/faults');
  if (latency.voice > 0)
    await em.control('POST', '/faults', { kind: 'latency', ms: latency.voice, count: 1e9, match: '/2010-04-01/' });
  if (latency.sync > 0)
    await em.control('POST', '/faults', { kind: 'latency', ms: latency.sync, count: 1e9, match: '/v1/Services' });
}

/** The call's recordings on the emulator beside what its Sync document says of each: equal when Sync tells Twilio's truth. */
export async function twilioAndSync(em: RunningEmulator, callSid: string) {
  await callbacksIdle(em);
  const recordings = await em.client.calls(callSid).recordings.list();
  const doc = await syncDocument(em, callSid);
  return {
    twilio: Object.fromEntries(recordings.map((r) => [r.sid, r.status])),
    sync: Object.fromEntries(recordings.map((r) => [r.sid, doc?.recordings[r.sid]?.status])),
  };
}

/**
 * The longest chain of the requests in `window` that ran one after another (each started after the
 * previous one ended): the round trips a caller waited for, however many ran side by side.
 */
export function inSequence(requests: ServedRequest[], window: [number, number]): number {
  const inside = requests
    .filter((r) => r.startedAt >= window[0] && r.endedAt <= window[1])
    .sort((a, b) => a.endedAt - b.endedAt);
  const chain = inside.map(() => 1);
  inside.forEach((r, i) => {
    for (let j = 0; j < i; j++) if (inside[j].endedAt <= r.startedAt) chain[i] = Math.max(chain[i], chain[j] + 1);
  });
  return Math.max(0, ...chain);
}

/** The Twilio requests the emulator served, timed on this process's clock (the emulator runs in it). */
export const servedRequests = async (em: EmulatorEndpoint) =>
  (await em.control<{ requests: ServedRequest[] }>('GET', '/requests')).requests;

/**
 * The requests served after `mark` (a length of the request log, e.g. `(await servedRequests(em)).length`)
 * answered `status` on a path containing `match`: how a test proves the fault it set up fired.
 */
export async function servedSince(em: RunningEmulator, mark: number, status: number, match = '') {
  return (await servedRequests(em)).slice(mark).filter((r) => r.status === status && r.path.includes(match));
}

/**
 * Checks `check` until it gives something other than undefined, and gives that: a test waits for the event
 * it needs, however busy the machine, instead of a sleep that hopes it came. Throws after `ms` saying `what`.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`${what}: not within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Waits until a `hold` fault keeps `count` requests; then `POST /held/release` lets them go. */
export const heldRequests = (em: RunningEmulator, count: number) =>
  waitFor(`the emulator holding ${count} requests`, async () => {
    const { held } = await em.control<{ held: Array<{ method: string; path: string }> }>('GET', '/held');
    return held.length >= count ? held : undefined;
  });
