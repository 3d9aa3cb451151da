import { ORG_SCOPED_NAMES, type IdentifierName, type StoreKeys } from './keys.js';
import { pipelined, type RedisClient } from './scripts.js';

/**
 * Whether the index an earlier version wrote, before identifiers were kept per organisation, still holds
 * entries. Nothing adds to it any more and the save script empties it as its stones change, so once it is
 * gone it stays gone: a bridge that never had one, or has moved every entry on, stops paying a read per
 * identifier for it. The answer "gone" is asked again after `recheckMs`, so a process that started while
 * an earlier version still ran beside it does not trust that answer for long.
 */
export type LegacyIndexPresent = () => Promise<boolean>;

/** The watch over `keys`' old organisation-scoped indexes. */
export function watchLegacyIndex(redis: RedisClient, keys: StoreKeys, recheckMs = 5_000): LegacyIndexPresent {
  const indexes = ORG_SCOPED_NAMES.map((name) => keys.legacyIdentifier(name));
  let goneUntil = 0;
  return async () => {
    if (Date.now() < goneUntil) return false;
    const present = (await redis.exists(...indexes)) > 0;
    if (!present) goneUntil = Date.now() + recheckMs;
    return present;
  };
}

/** The holder the earlier version's index names for each (name, normalised value), in order; null for none. */
export async function legacyHolders(
  redis: RedisClient,
  keys: StoreKeys,
  asked: readonly { name: IdentifierName; value: string }[],
): Promise<(string | null)[]> {
  return (await pipelined(redis, asked, (pipeline, { name, value }) =>
    pipeline.hget(keys.legacyIdentifier(name), value),
  )) as (string | null)[];
}
