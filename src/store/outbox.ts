/**
 * The outbox: stones whose sync is owed. A save asked to (`syncIntent`) records the intent in the same
 * atomic step as the stone; whoever enqueues its jobs clears it afterwards. An intent still here after a
 * grace period means its enqueue never happened (a crash between the two) and the sweeper owes it.
 */
import { parseJson } from './audit.js';
import { CorruptEntryError } from './errors.js';
import { assertDiamondId, type StoreKeys } from './keys.js';
import {
  clearEach,
  clearIntentsScript,
  countInShards,
  dueInShards,
  perShard,
  pipelined,
  type RedisClient,
} from './scripts.js';

/** A stone whose sync jobs are owed. */
export interface SyncIntent {
  diamondId: string;
  /** The content hash the intent was recorded for. */
  hash: string;
  /** The platform the change came from, not to be written back to. */
  except?: string;
  /** When the intent was recorded (epoch ms). */
  since: number;
}

/** Which intents to clear: each only while it is still the one for this content. */
export interface IntentDone {
  diamondId: string;
  hash: string;
}

/** The pending sync intents. */
export interface Outbox {
  /** Up to `count` (default 500) intents recorded at or before `before` (epoch ms), oldest first. */
  pending(options: { before: number; count?: number }): Promise<SyncIntent[]>;
  /**
   * Clears intents whose jobs now exist, in one round trip; an intent a newer save replaced stays, for
   * that save's own enqueue. Answers how many were cleared.
   */
  clear(done: readonly IntentDone[]): Promise<number>;
  /** How many intents are pending. */
  count(): Promise<number>;
  /** The stone's pending intent (its hash and `except`), or null when its jobs were queued. */
  intentOf(diamondId: string): Promise<Omit<SyncIntent, 'since'> | null>;
}

/** The outbox over `keys`. */
export function createOutbox(redis: RedisClient, keys: StoreKeys): Outbox {
  return {
    // Oldest first within each shard, a shard at a time, until the page is full.
    async pending({ before, count = 500 }) {
      const entries = await dueInShards(
        redis,
        keys.shards,
        (shard) => keys.syncIntents(shard),
        before,
        count,
      );
      const intents = await perShard(
        entries,
        ({ id }) => keys.shardOf(id),
        (group) =>
          pipelined(redis, group, (pipeline, { id }) => pipeline.hget(keys.diamond(id), 'syncIntent')),
      );
      return entries.map(({ id, since }, i) => {
        const json = intents[i];
        // An index entry without its intent is a leftover the next clear drops; here it is owed nothing.
        if (typeof json !== 'string') return { diamondId: id, hash: '', since };
        return { ...parseIntent(id, json), since };
      });
    },
    async intentOf(diamondId) {
      const json = await redis.hget(keys.diamond(assertDiamondId(diamondId)), 'syncIntent');
      return typeof json === 'string' ? parseIntent(diamondId, json) : null;
    },
    async clear(done) {
      const cleared = await clearEach(
        redis,
        keys,
        clearIntentsScript,
        (shard) => keys.syncIntents(shard),
        done.map(({ diamondId, hash }) => ({ id: assertDiamondId(diamondId), owed: hash })),
      );
      return cleared.reduce((sum: number, each) => sum + Number(each), 0);
    },
    count: () => countInShards(redis, keys.shards, (shard) => keys.syncIntents(shard)),
  };

  function parseIntent(diamondId: string, json: string): Omit<SyncIntent, 'since'> {
    const parsed = parseJson(`${keys.diamond(diamondId)} syncIntent`, json) as {
      hash?: unknown;
      except?: unknown;
    };
    if (typeof parsed.hash !== 'string')
      throw new CorruptEntryError(keys.diamond(diamondId), 'syncIntent lacks its content hash');
    return {
      diamondId,
      hash: parsed.hash,
      ...(typeof parsed.except === 'string' ? { except: parsed.except } : {}),
    };
  }
}
