/**
 * Store-side fencing: a sync worker records what it wrote under its lease on the stone, and the store's own
 * scripts refuse the record once that lease is no longer the worker's (lapsed, or taken by the next
 * holder with a higher fencing token). A stale holder's write changes nothing at all.
 */
import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { createStore, FencedWriteError, StoreInputError, type Store } from '../../src/store/index.js';
import { freshPrefix, polishedStone, snapshot, suiteRedis } from './fixtures.js';

const worker = { actor: 'worker:tracr' };
const source = { ref: 'TRACR-0001', syncedAt: '2026-01-01T00:00:00.000Z', hash: 'a'.repeat(64) };

describe('store-side fencing of sync writes', () => {
  const redisOf = suiteRedis();
  let redis: Redis;
  let store: Store;
  let id: string;
  let leaseKey: string;

  beforeEach(async () => {
    redis = redisOf();
    const prefix = freshPrefix();
    store = createStore(redis, { prefix });
    id = (await store.diamonds.save(polishedStone(), { actor: 'test', action: 'register' })).id;
    leaseKey = `${prefix}lease:sync:tracr:${id}`;
  });

  it('takes a sync record and a save from the holder of the lease', async () => {
    await redis.set(leaseKey, 'job-1:token#1', 'PX', 10_000);
    const fence = { key: leaseKey, holder: 'job-1:token#1' };
    expect(await store.identity.recordSync(id, 'tracr', source, { ...worker, fence })).toBe('linked');
    const stored = (await store.diamonds.get(id))!;
    const linked = { ...stored.record, identifiers: { ...stored.record.identifiers, tracrId: 'TRACR-0001' } };
    const saved = await store.diamonds.save(linked, { ...worker, action: 'linked', fence });
    expect(saved.version).toBe(stored.version + 1);
  });

  it.each([
    ['taken by the next holder', 'job-2:token#2'],
    ['lapsed with no holder', null],
  ])('refuses a stale holder once its lease is %s, writing nothing', async (_case, next) => {
    const fence = { key: leaseKey, holder: 'job-1:token#1' };
    if (next === null) await redis.del(leaseKey);
    else await redis.set(leaseKey, next, 'PX', 10_000);
    const stored = (await store.diamonds.get(id))!;
    const before = await snapshot(redis);

    const sync = store.identity.recordSync(id, 'tracr', source, { ...worker, fence });
    await expect(sync).rejects.toThrow(FencedWriteError);
    await expect(sync).rejects.toThrow(`lease ${leaseKey}`);
    const linked = { ...stored.record, identifiers: { ...stored.record.identifiers, tracrId: 'TRACR-0001' } };
    const save = store.diamonds.save(linked, { ...worker, action: 'linked', fence });
    await expect(save).rejects.toThrow(FencedWriteError);

    expect(await snapshot(redis)).toEqual(before);
  });

  it('refuses a fence whose key lies outside the store, naming it', async () => {
    const fence = { key: '{elsewhere}:lease', holder: 'job-1:token#1' };
    await expect(store.identity.recordSync(id, 'tracr', source, { ...worker, fence })).rejects.toThrow(
      StoreInputError,
    );
    await expect(store.identity.recordSync(id, 'tracr', source, { ...worker, fence })).rejects.toThrow(
      'fence key',
    );
  });
});
