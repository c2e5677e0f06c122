import type twilio from 'twilio';
import type { SyncOptions } from '../env';
import { fromTwilioError, statusOf } from '../errors';
import { summarize, type CallSummary, type StateDocument } from '../model/call-summary';
import { pagesOf } from '../twilio/pages';

/**
 * The console's index: each call's summary (model/call-summary) as an item keyed by its SID, in one of
 * SHARDS Maps chosen by the SID. The console lists the shards side by side (a few pages each) instead of
 * reading thousands of calls' states one by one. Written beside every state write, so it adds no round
 * trip to a control; best effort: the call's own Map stays the truth (a failed index write is logged,
 * and the details the console opens read the call's state).
 *
 * Why shards: a Map takes about 20 writes a second. One index for all calls would cap the account there;
 * 16 shards share the writes, so at Sync's ceiling of 20 new calls a second, with about 6 state writes a
 * call, each shard takes about 7.5 a second; and a list of 5,000 calls is 16 lists side by side, 4 pages
 * each, read side by side too once a process has listed them (listIndex). A shard is created once per service, never per call: a call
 * still creates one Sync object, its own Map.
 */
export const SHARDS = 16;
export const indexName = (shard: number) => `recording-controls-console-${String(shard).padStart(2, '0')}`;
/** The shard of a call: its SID's last 4 hex digits (random in Twilio's SIDs), so calls spread evenly. */
export const shardOf = (sid: string) => (Number.parseInt(sid.slice(-4), 16) || 0) % SHARDS;
/** Sync's largest page of Map items. */
const PAGE_SIZE = 100;
/** Items a range of a shard starts with (listIndex): a range grown by up to 20 since still ends within its first page. */
const RANGE_SIZE = 80;

export interface IndexedCall {
  sid: string;
  data: unknown;
  /** The index item's revision: changes whenever the call's summary is written. */
  revision: string;
  /** When Sync first indexed the call (its first state write) and last wrote its summary. */
  createdAt: string;
  updatedAt: string;
}

type Service = ReturnType<twilio.Twilio['sync']['v1']['services']>;

/** Shard Maps being created in this process: concurrent first writes share one creation. */
const creations = new Map<string, Promise<void>>();

function ensureShard(service: Service, options: SyncOptions, shard: number): Promise<void> {
  const key = `${options.serviceSid}/${shard}`;
  let creation = creations.get(key);
  if (!creation) {
    creation = service.syncMaps
      .create({ uniqueName: indexName(shard) })
      .then(
        () => undefined,
        (err) => {
          if (statusOf(err) !== 409) throw err;
        },
      )
      .finally(() => creations.delete(key));
    creations.set(key, creation);
  }
  return creation;
}

/** Writes `summary` as the item of `sid`: an update, else a creation (creating the shard the first time). */
async function put(client: twilio.Twilio, options: SyncOptions, sid: string, summary: CallSummary, isNew: boolean) {
  const service = client.sync.v1.services(options.serviceSid);
  const shard = shardOf(sid);
  const items = () => service.syncMaps(indexName(shard)).syncMapItems;
  const ttl = options.ttlSeconds ? { itemTtl: options.ttlSeconds } : {};
  const update = async () => {
    await items()(sid).update({ data: summary, ...ttl });
  };
  const create = async () => {
    try {
      await items().create({ key: sid, data: summary, ...ttl });
    } catch (err) {
      if (statusOf(err) === 409) return update(); // another instance created it meanwhile
      if (statusOf(err) !== 404) throw err;
      await ensureShard(service, options, shard);
      await items().create({ key: sid, data: summary, ...ttl });
    }
  };
  if (isNew) return create();
  try {
    await update();
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
    await create(); // indexed before this index existed, or expired
  }
}

/**
 * Indexes the state just written for `sid`. Never throws: a control does not fail for the console's
 * index; the console shows the call's previous summary until its next write.
 */
export async function indexCall(
  client: twilio.Twilio,
  options: SyncOptions,
  sid: string,
  doc: StateDocument,
  isNew: boolean,
): Promise<void> {
  try {
    await put(client, options, sid, summarize(doc), isNew);
  } catch (err) {
    console.warn(
      `recording-controls: the console's index of ${sid} was not written: ${(err as Error)?.message ?? err}`,
    );
  }
}

/** An item as Sync's JSON has it (the fields read here). */
interface ItemJson {
  key: string;
  data: unknown;
  revision: string;
  date_created: string;
  date_updated: string;
  date_expires: string | null;
}

/**
 * Per shard, where each range of RANGE_SIZE items began in its last listing: the next listing in this
 * process reads those ranges side by side (From, in Sync's key order), a page each, so 5,000 calls cost
 * one round trip, not 4. The first listing reads its pages in sequence.
 */
const pageStarts = new Map<string, string[]>();

/** Every item of one shard: the ranges its last listing found read side by side, each up to the next's start. */
async function listShard(client: twilio.Twilio, url: string, starts: string[]): Promise<ItemJson[]> {
  const ranges = await Promise.all(
    starts.map(async (from, i) => {
      const until = starts[i + 1];
      const first = i === 0 ? url : `${url}&Order=asc&From=${encodeURIComponent(from)}&Bounds=inclusive`;
      const items: ItemJson[] = [];
      // A range that grew since runs on into more pages, in sequence; it ends where the next range begins.
      for await (const page of pagesOf(client, first))
        for (const item of (page.items as ItemJson[] | undefined) ?? []) {
          if (until !== undefined && item.key >= until) return items;
          items.push(item);
        }
      return items;
    }),
  );
  return ranges.flat();
}

/** Every indexed call: all shards listed side by side, each in pages of 100, read as JSON (twilio/pages). A shard never written yet holds none. */
export async function listIndex(client: twilio.Twilio, options: SyncOptions): Promise<IndexedCall[]> {
  const base = `https://sync.twilio.com/v1/Services/${options.serviceSid}/Maps`;
  const shards = await Promise.all(
    Array.from({ length: SHARDS }, async (_, shard) => {
      const url = `${base}/${indexName(shard)}/Items?PageSize=${PAGE_SIZE}`;
      const key = `${options.serviceSid}/${shard}`;
      try {
        const items = await listShard(client, url, pageStarts.get(key) ?? ['']);
        const starts = items.filter((_, i) => i % RANGE_SIZE === 0).map((item, i) => (i === 0 ? '' : item.key));
        pageStarts.set(key, starts.length > 0 ? starts : ['']);
        return items;
      } catch (err) {
        if (statusOf(err) === 404) return [];
        throw fromTwilioError(err, `the console's index ${indexName(shard)}`);
      }
    }),
  );
  // Sync's TTLs are approximate: an entry past its expiry may still be listed a while, and is left out.
  const now = Date.now();
  return shards
    .flat()
    .filter((item) => !item.date_expires || Date.parse(item.date_expires) > now)
    .map((item) => ({
      sid: item.key,
      data: item.data,
      revision: item.revision,
      createdAt: new Date(item.date_created).toISOString(),
      updatedAt: new Date(item.date_updated).toISOString(),
    }));
}
