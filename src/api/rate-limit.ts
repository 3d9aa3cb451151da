import { createHash } from 'node:crypto';
import { runScript, type RedisClient, type StoreScript } from '../store/scripts.js';

/**
 * Per-key rate limits, counted in Redis so every API process shares one budget per key. A fixed window:
 * one script call increments the window's counter and sets its expiry in the same round trip, under the
 * store's hash-tagged prefix so it lives in the same Redis Cluster slot as everything else.
 */

/** Options for {@link createRateLimiter}. */
export interface RateLimitOptions {
  /** Requests allowed per key per window; 0 turns the limiter off. */
  limit: number;
  /** Window length in milliseconds. Default 60 s. */
  windowMs?: number;
  /** The store's key prefix (`{tracebridge}:`). */
  prefix: string;
}

/** The verdict on one request. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

/** Counts requests per key. */
export interface RateLimiter {
  readonly enabled: boolean;
  /** Counts one request for `key` (a principal name or client address) and says whether it may proceed. */
  hit(key: string): Promise<RateDecision>;
}

// KEYS[1] the window counter; ARGV[1] window ms. Replies {count, pttl}.
const hitSource = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return { count, ttl }
`;
const hitScript: StoreScript = { source: hitSource, sha: createHash('sha1').update(hitSource).digest('hex') };

/** The key prefix of rate-limit counters, for operators (and tests) telling them apart from stone state. */
export const rateLimitKeyPart = 'ratelimit:';

/** A limiter over `redis`; keys are hashed so a name cannot reach outside the counter's key space. */
export function createRateLimiter(redis: RedisClient, options: RateLimitOptions): RateLimiter {
  const { limit, prefix } = options;
  const windowMs = options.windowMs ?? 60_000;
  if (!Number.isInteger(limit) || limit < 0)
    throw new RangeError(`rate limit ${limit} must be a whole number, 0 or more`);
  if (!Number.isInteger(windowMs) || windowMs < 1)
    throw new RangeError(`rate limit window ${windowMs} ms must be a positive whole number`);
  return {
    enabled: limit > 0,
    async hit(key) {
      if (limit === 0) return { allowed: true, limit, remaining: 0, resetMs: 0 };
      const digest = createHash('sha256').update(key).digest('hex').slice(0, 32);
      const [count, ttl] = (await runScript(
        redis,
        hitScript,
        [`${prefix}${rateLimitKeyPart}${digest}`],
        [windowMs],
      )) as [number, number];
      return {
        allowed: count <= limit,
        limit,
        remaining: Math.max(0, limit - count),
        resetMs: Math.max(0, ttl),
      };
    },
  };
}
