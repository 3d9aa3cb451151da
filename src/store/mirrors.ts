import { createHash } from 'node:crypto';
import { canonicalJson } from '../mapping/content-hash.js';
import type { DiamondRecord } from '../types/diamond.js';
import { parseJson } from './audit.js';
import { StoreInputError } from './errors.js';
import { assertFenceHeld, FENCE_LUA, fenceKey, type Fence } from './fence.js';
import { assertDiamondId, assertPlatformName, assertSafeText, type StoreKeys } from './keys.js';
import { perShard, pipelined, runScript, type RedisClient, type StoreScript } from './scripts.js';

/**
 * Mirrors: per stone and platform, the canonical view the bridge last read from that platform. The sync
 * worker writes one after every read-before-write and write, the change-feed pull after every page;
 * reconciliation compares them. A mirror is a cache of the far side, not the bridge's own truth, so it
 * carries no version and no audit entry.
 */

/** One platform's view of one stone. */
export interface MirrorEntry {
  /** The stone as that platform holds it, translated to canonical. */
  view: DiamondRecord;
  /** When the bridge read it (ISO 8601, UTC). */
  readAt: string;
  /** The platform's own reference for the stone, when the reader knew it. */
  ref?: string;
}

/** Every platform's view of one stone, keyed by platform name; empty when no platform was read yet. */
export type StoneMirrors = Record<string, MirrorEntry>;

/** Options for {@link Mirrors.save}. */
export interface MirrorSaveOptions {
  /** When the view was read from the platform; an older read never replaces a newer one. */
  readAt: string | Date;
  /** The platform's own reference for the stone. */
  ref?: string;
  /**
   * The lease the view was read under (a sync worker's): refused ({@link FencedWriteError}) unless it
   * still holds, so a worker that lost its hold never overwrites what the next holder saved.
   */
  fence?: Fence;
}

/** Reads and writes the platform views of stones. */
export interface Mirrors {
  /**
   * Stores `view` as what `platform` holds for stone `id`, unless the stored view was read later (a slow
   * worker must not overwrite a fresher change-feed read). Answers whether it was stored.
   */
  save(id: string, platform: string, view: DiamondRecord, options: MirrorSaveOptions): Promise<boolean>;
  /** Every platform's view of the stone. */
  get(id: string): Promise<StoneMirrors>;
  /** {@link Mirrors.get} for many stones in one pipelined round trip, in the order asked. */
  getMany(ids: readonly string[]): Promise<StoneMirrors[]>;
  /** Forgets what `platform` held for the stone (the platform no longer holds it). */
  remove(id: string, platform: string): Promise<void>;
}

// Writes the entry only when the fence (KEYS[2], when given) still holds and the stored one is absent or
// was read no later. `readAt` strings are all `Date#toISOString()` output, so comparing them as strings
// compares the instants.
const saveMirrorSource = `${FENCE_LUA}
if ARGV[4] ~= '' and not fenceHolds(KEYS[2], ARGV[4]) then return 'fenced' end
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored then
  local ok, entry = pcall(cjson.decode, stored)
  if ok and type(entry) == 'table' and type(entry.readAt) == 'string' and entry.readAt > ARGV[2] then
    return 0
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`;
const saveMirrorScript: StoreScript = {
  source: saveMirrorSource,
  sha: createHash('sha1').update(saveMirrorSource).digest('hex'),
};

/** The mirrors part of the store over `keys`. */
export function createMirrors(redis: RedisClient, keys: StoreKeys): Mirrors {
  const parse = (id: string, fields: Record<string, string>): StoneMirrors => {
    const mirrors: StoneMirrors = {};
    for (const [platform, json] of Object.entries(fields)) {
      mirrors[platform] = parseJson(`${keys.mirror(id)} ${platform}`, json) as MirrorEntry;
    }
    return mirrors;
  };

  return {
    async save(id, platform, view, { readAt, ref, fence }) {
      const key = keys.mirror(assertDiamondId(id));
      assertPlatformName(platform);
      if (view === null || typeof view !== 'object' || Array.isArray(view)) {
        throw new StoreInputError(`${platform} view of ${id}`, view, 'a canonical diamond record object');
      }
      const at = readAt instanceof Date ? readAt : new Date(readAt);
      if (Number.isNaN(at.getTime())) {
        throw new StoreInputError(`${platform} readAt of ${id}`, readAt, 'an ISO 8601 date-time or a Date');
      }
      const entry: MirrorEntry = { view, readAt: at.toISOString() };
      if (ref !== undefined) entry.ref = assertSafeText(ref, `${platform} ref`, 128);
      const stored = await runScript(
        redis,
        saveMirrorScript,
        fence === undefined ? [key] : [key, fenceKey(fence, keys.shardPrefix(keys.shardOf(id)))],
        [platform, entry.readAt, canonicalJson(entry), fence?.holder ?? ''],
      );
      assertFenceHeld([stored], id, fence);
      return stored === 1;
    },
    async get(id) {
      return parse(id, await redis.hgetall(keys.mirror(assertDiamondId(id))));
    },
    async getMany(ids) {
      const replies = await perShard(
        ids.map((id) => assertDiamondId(id)),
        (id) => keys.shardOf(id),
        (group) => pipelined(redis, group, (pipeline, id) => pipeline.hgetall(keys.mirror(id))),
      );
      return ids.map((id, i) => parse(id, replies[i] as Record<string, string>));
    },
    async remove(id, platform) {
      await redis.hdel(keys.mirror(assertDiamondId(id)), assertPlatformName(platform));
    },
  };
}
