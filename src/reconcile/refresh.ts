import type { PlatformClient, PlatformRecord } from '../adapters/contract.js';
import type { Store } from '../store/index.js';
import type { DiamondRecord } from '../types/diamond.js';
import { linkOrPropose } from './linking.js';
import type { Tolerances } from '../match/types.js';

/**
 * Refreshing mirrors: before a small run compares, each platform is read again for the run's stones, so
 * the report says what the platforms hold now rather than what a sync or feed pull last saw. A platform
 * record found by an identifier but not yet linked goes through matching: a certain match links, anything
 * less waits for a person as a proposal and is not compared.
 */

/** The platforms to read, by name. */
export type PlatformClients = ReadonlyMap<string, Pick<PlatformClient, 'get' | 'find'>>;

/** Options for {@link refreshMirrors}. */
export interface RefreshOptions {
  /** Who links what matching finds certain, for the audit log. */
  actor: string;
  tolerances?: Partial<Tolerances>;
  /** Stones read at once. Default 4: a refresh shares each platform's rate limit with the sync workers. */
  concurrency?: number;
}

/** What a refresh did for one stone on one platform. */
export type RefreshOutcome = 'read' | 'linked' | 'proposed' | 'absent';

/**
 * Reads every platform for each stone of `ids` and stores what it holds as the stone's mirror; a platform
 * that no longer holds the stone loses its mirror. A platform that fails to answer fails the refresh,
 * because comparing against a stale view would report the past as the present.
 */
export async function refreshMirrors(
  store: Store,
  ids: readonly string[],
  clients: PlatformClients,
  options: RefreshOptions,
): Promise<Map<string, Record<string, RefreshOutcome>>> {
  const stored = await store.diamonds.getMany(ids);
  const outcomes = new Map<string, Record<string, RefreshOutcome>>();
  const queue = ids.flatMap((id, i) => {
    const record = stored[i]?.record;
    return record ? [{ id, record }] : [];
  });
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const next = async (): Promise<void> => {
    for (let stone = queue.shift(); stone; stone = queue.shift()) {
      const { id, record } = stone;
      const refs = await store.identity.refs(id);
      const entries = await Promise.all(
        [...clients].map(
          async ([platform, client]) =>
            [
              platform,
              await refreshOne(store, { id, record, platform, client, ref: refs[platform] }, options),
            ] as const,
        ),
      );
      outcomes.set(id, Object.fromEntries(entries));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, next));
  return outcomes;
}

interface StoneOnPlatform {
  id: string;
  record: DiamondRecord;
  platform: string;
  client: Pick<PlatformClient, 'get' | 'find'>;
  /** The platform ref the identity map links to the stone, if any. */
  ref: string | undefined;
}

async function refreshOne(
  store: Store,
  stone: StoneOnPlatform,
  options: RefreshOptions,
): Promise<RefreshOutcome> {
  const { id, record, platform, client, ref } = stone;
  const readAt = new Date();
  const linked = ref === undefined ? null : await client.get(ref);
  if (linked) {
    await store.mirrors.save(id, platform, linked.canonical, { readAt, ref: linked.ref });
    return 'read';
  }
  const found = await findUnclaimed(store, stone);
  if (!found) {
    await store.mirrors.remove(id, platform);
    return 'absent';
  }
  if (found.owner === id) {
    await store.mirrors.save(id, platform, found.record.canonical, { readAt, ref: found.record.ref });
    return 'read';
  }
  const decision = await linkOrPropose(
    store,
    {
      platform,
      ref: found.record.ref,
      view: found.record.canonical,
      readAt: readAt.toISOString(),
      ...(record.owner?.org === undefined ? {} : { orgs: [record.owner.org] }),
    },
    [record],
    { actor: options.actor, ...(options.tolerances ? { tolerances: options.tolerances } : {}) },
  );
  if (decision.outcome === 'linked' && decision.diamondId === id) return 'linked';
  // A proposal, or a certain match with another stone: this stone has no view there until someone decides.
  await store.mirrors.remove(id, platform);
  return decision.outcome === 'proposed' ? 'proposed' : 'absent';
}

/** The platform's record found by the stone's identifiers that no other stone is linked to. */
async function findUnclaimed(
  store: Store,
  { id, record, platform, client }: StoneOnPlatform,
): Promise<{ record: PlatformRecord; owner: string | null } | null> {
  if (!record.identifiers || Object.keys(record.identifiers).length === 0) return null;
  for (const candidate of await client.find(record.identifiers)) {
    const owner = await store.identity.resolve(platform, candidate.ref);
    if (owner === null || owner === id) return { record: candidate, owner };
  }
  return null;
}
