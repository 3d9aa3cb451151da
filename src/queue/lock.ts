/**
 * A short lease in Redis, so that work which must not overlap (two writes of one stone to one platform,
 * two pulls of one change feed) does not, even across worker processes. A lease expires on its own if its
 * holder dies, and is released only by its holder.
 */
import type { Redis } from 'ioredis';

/** A held lease. */
export interface Lease {
  release(): Promise<void>;
}

// Deletes the key only while this holder still owns it: an expired lease may already be someone else's.
const RELEASE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Takes the lease `key` for `ttlMs` as `holder`, or answers null when someone else holds it. */
export async function tryLease(
  redis: Redis,
  key: string,
  holder: string,
  ttlMs: number,
): Promise<Lease | null> {
  if ((await redis.set(key, holder, 'PX', ttlMs, 'NX')) !== 'OK') return null;
  return {
    async release() {
      await redis.eval(RELEASE_LUA, 1, key, holder);
    },
  };
}
