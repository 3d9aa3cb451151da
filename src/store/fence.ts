/**
 * Store-side fencing: a write made under a lease (a sync worker's hold on one stone and platform) names
 * the lease's key and the value its holder set there, and the store's script refuses the write unless the
 * key still holds that value. A holder whose lease lapsed (a long pause, a lost renewal) and was taken by
 * another cannot overwrite what the new holder records, however late its write arrives.
 */
import { FencedWriteError, StoreInputError } from './errors.js';

/** The lease a write is made under. */
export interface Fence {
  /** The lease's Redis key; it shares the stone's shard tag (the same Redis Cluster slot). */
  readonly key: string;
  /** The value the holder set on the key, its fencing token included. */
  readonly holder: string;
}

/**
 * Lua: true when a fenced write may go ahead. `key` is '' for an unfenced write. Shared by the scripts that
 * take a fence, before they write anything.
 */
export const FENCE_LUA = `
local function fenceHolds(key, holder)
  return key == '' or redis.call('GET', key) == holder
end
`;

/** The fence's key, checked to lie under the stone's shard prefix (so a script never spans two slots). */
export function fenceKey(fence: Fence, prefix: string): string {
  if (!fence.key.startsWith(prefix))
    throw new StoreInputError('fence key', fence.key, `a lease key under the store's prefix ${prefix}`);
  return fence.key;
}

/** Throws when a script answered that the fence no longer holds. */
export function assertFenceHeld(reply: readonly unknown[], diamondId: string, fence?: Fence): void {
  if (reply[0] === 'fenced' && fence) throw new FencedWriteError(diamondId, fence);
}
