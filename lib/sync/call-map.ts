import type twilio from 'twilio';
import type { SyncOptions } from '../env';
import { fromTwilioError, statusOf } from '../errors';

/**
 * The one Sync object the toolkit creates per call or conference: a Map whose items are its state
 * (`state`, sync/state-store), its start claim (`claim`, sync/start-claim) and its evidence entries
 * (`log-…`, sync/evidence-log). One object per call keeps Sync's creation rate (below 20/s per service)
 * for new calls alone; every item's write counts toward the Map's 20 writes/s, which one call never nears.
 */
export const mapName = (sid: string) => `recording-controls-${sid}`;

export const STATE_KEY = 'state';
export const CLAIM_KEY = 'claim';

type Items = ReturnType<ReturnType<twilio.Twilio['sync']['v1']['services']>['syncMaps']>['syncMapItems'];

/** Maps being created in this process: concurrent first writes to one call share one creation. */
const creations = new Map<string, Promise<void>>();

export class CallMap {
  constructor(
    private readonly client: twilio.Twilio,
    readonly options: SyncOptions,
    readonly ownerSid: string,
  ) {}

  get items(): Items {
    return this.client.sync.v1.services(this.options.serviceSid).syncMaps(mapName(this.ownerSid)).syncMapItems;
  }

  private get key() {
    return `${this.options.serviceSid}/${this.ownerSid}`;
  }

  /** Creates the Map unless this process is already doing so; another process may have created it (409). */
  ensure(): Promise<void> {
    let creation = creations.get(this.key);
    if (!creation) {
      creation = this.client.sync.v1
        .services(this.options.serviceSid)
        .syncMaps.create({ uniqueName: mapName(this.ownerSid), ttl: this.options.ttlSeconds })
        .then(
          () => undefined,
          (err) => {
            if (statusOf(err) !== 409) throw fromTwilioError(err, `the Sync Map of ${this.ownerSid}`);
          },
        )
        .finally(() => creations.delete(this.key));
      creations.set(this.key, creation);
    }
    return creation;
  }

  /**
   * Creates an item, and the Map first when it does not exist yet (404). Sent at once, beside a creation
   * of the Map under way in this process rather than after it: that creation went out first, so Sync
   * usually has applied it, and a start's claim then costs one round trip instead of two in sequence.
   * When it has not, the 404 waits for it and the item is sent again, no later than waiting would have.
   */
  async create(key: string, data: object, itemTtl?: number) {
    const creating = creations.get(this.key);
    const create = () =>
      this.items.create({
        key,
        data,
        collectionTtl: this.options.ttlSeconds,
        ...(itemTtl ? { itemTtl } : {}),
      });
    try {
      return await create();
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
      await (creating ? creating.catch(() => this.ensure()) : this.ensure());
      return create();
    }
  }
}

/** A call's or conference's Map as Sync lists it. */
export interface ListedMap {
  sid: string;
  /** The Map's own SID (MP…), for reading its items. */
  mapSid: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Sync's largest page of Maps. */
const MAPS_PAGE_SIZE = 100;

/**
 * Every call's and conference's Map that Sync holds within its TTL, in the order Sync lists them. Sync's
 * TTLs are approximate: a Map past its expiry may still be listed for a while, and is left out.
 */
export async function listCallMaps(client: twilio.Twilio, options: SyncOptions): Promise<ListedMap[]> {
  const prefix = mapName('');
  let maps;
  try {
    maps = await client.sync.v1.services(options.serviceSid).syncMaps.list({ pageSize: MAPS_PAGE_SIZE });
  } catch (err) {
    throw fromTwilioError(err, 'the Sync Maps');
  }
  const now = Date.now();
  return maps
    .filter(
      (m) =>
        m.uniqueName?.startsWith(prefix) &&
        /^(CA|CF)[0-9a-f]{32}$/.test(m.uniqueName.slice(prefix.length)) &&
        !(m.dateExpires && m.dateExpires.getTime() <= now),
    )
    .map((m) => ({
      sid: m.uniqueName.slice(prefix.length),
      mapSid: m.sid,
      createdAt: m.dateCreated,
      updatedAt: m.dateUpdated,
    }));
}
