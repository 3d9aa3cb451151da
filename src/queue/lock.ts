/**
 * A short lease in Redis, so that work which must not overlap (two writes of one stone to one platform,
 * two pulls of one change feed) does not, even across worker processes. A lease expires on its own if its
 * holder dies, is renewed while its holder works, and is released only by its holder. Each lease carries
 * a fencing token, larger than every token given out before it under that key: a holder that finds its
 * lease lost (a renewal that came too late) knows it, and stops before writing.
 */
import type { Fence, RedisClient } from '../store/index.js';

/** A held lease. */
export interface Lease {
  /** The fencing token: higher than that of every earlier holder of this lease. */
  readonly token: number;
  /** What a store write made under the lease names, so the store refuses it once the lease is lost. */
  readonly fence: Fence;
  /** False once a renewal found the lease expired or taken: the holder must not write any more. */
  held(): boolean;
  release(): Promise<void>;
}

// Deletes the key only while this holder still owns it: an expired lease may already be someone else's.
const RELEASE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
// Extends the key only while this holder still owns it.
const RENEW_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
// Takes the lease with the next fencing token; the token counter shares the lease's hash tag.
const TAKE_LUA = `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '#' .. token, 'PX', ARGV[2])
return token`;

/** Options of {@link tryLease}. */
export interface LeaseOptions {
  /** Renew the lease every third of its time while it is held. Default false. */
  renew?: boolean;
}

/** Takes the lease `key` for `ttlMs` as `holder`, or answers null when someone else holds it. */
export async function tryLease(
  redis: RedisClient,
  key: string,
  holder: string,
  ttlMs: number,
  { renew = false }: LeaseOptions = {},
): Promise<Lease | null> {
  const token = Number(await redis.eval(TAKE_LUA, 2, key, `${key}:fence`, holder, ttlMs));
  if (token === 0) return null;
  const value = `${holder}#${token}`;
  let held = true;
  const stopRenewing = renew
    ? keepRenewed(ttlMs, async () => {
        if (Number(await redis.eval(RENEW_LUA, 1, key, value, ttlMs)) !== 1) held = false;
      })
    : () => undefined;
  return {
    token,
    fence: { key, holder: value },
    held: () => held,
    async release() {
      stopRenewing();
      held = false;
      await redis.eval(RELEASE_LUA, 1, key, value);
    },
  };
}

/**
 * Runs `renew` every third of `ttlMs` until the answered stop is called, so a lease of that time outlives
 * two missed renewals. A renewal lost to a Redis hiccup is not a lost lease: the next one tries again.
 * The timer never keeps a process alive.
 */
export function keepRenewed(ttlMs: number, renew: () => Promise<unknown>): () => void {
  const timer = setInterval(
    () => {
      renew().catch(() => undefined);
    },
    Math.max(10, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  return () => clearInterval(timer);
}
