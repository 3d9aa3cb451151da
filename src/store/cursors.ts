import type { DiamondChange, Diamonds, SaveResult, ChangeContext } from './diamonds.js';
import { assertPlatformName, assertSafeText, MAX_CURSOR_LENGTH, type StoreKeys } from './keys.js';
import type { RedisClient } from './scripts.js';

/**
 * Change-feed cursors, one per adapter. The contract: a cursor is stored only after the changes it covers
 * are stored. {@link Cursors.saveChangesAndAdvance} does both in one atomic step, so a crash can never
 * leave a cursor ahead of the records (changes lost) — at worst a page is pulled again, and re-saving the
 * same content is a no-op. A cursor may be up to {@link MAX_CURSOR_LENGTH} characters.
 */
export interface Cursors {
  /** The adapter's stored cursor, or null before its first page. */
  getCursor(adapter: string): Promise<string | null>;
  /** Stores a cursor on its own; only for pages that carried nothing to store. */
  setCursor(adapter: string, cursor: string): Promise<void>;
  /** Saves a page of changes and advances the adapter's cursor past them, all or nothing. */
  saveChangesAndAdvance(
    adapter: string,
    cursor: string,
    changes: readonly DiamondChange[],
    context: ChangeContext,
  ): Promise<SaveResult[]>;
}

/** The cursors part of the store over `keys`. */
export function createCursors(redis: RedisClient, keys: StoreKeys, diamonds: Diamonds): Cursors {
  return {
    async getCursor(adapter) {
      return redis.hget(keys.cursors, assertPlatformName(adapter, 'adapter'));
    },
    async setCursor(adapter, cursor) {
      await redis.hset(
        keys.cursors,
        assertPlatformName(adapter, 'adapter'),
        assertSafeText(cursor, `${adapter} cursor`, MAX_CURSOR_LENGTH),
      );
    },
    saveChangesAndAdvance: (adapter, cursor, changes, context) =>
      diamonds.saveMany(changes, { ...context, advanceCursor: { adapter, cursor } }),
  };
}
