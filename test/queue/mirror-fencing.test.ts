/**
 * Regression: a sync worker whose lease on a stone was lost (lapsed, or taken by the next job) saved the
 * platform's view as the stone's mirror anyway, and a late write with a later read time replaced the
 * mirror the lease's current holder had just saved. Mirror saves are fenced like sync records.
 */
import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { createStore, FencedWriteError, type Store } from '../../src/store/index.js';
import { freshPrefix, polishedStone, suiteRedis } from '../store/fixtures.js';

describe('mirror saves under a sync lease', () => {
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

  it('a worker whose lease was lost does not overwrite the mirror its successor saved', async () => {
    const stale = { key: leaseKey, holder: 'job-1:token#1' };
    const current = { key: leaseKey, holder: 'job-2:token#2' };
    await redis.set(leaseKey, current.holder, 'PX', 10_000);
    const fresh = polishedStone({ origin: { country: 'BW', mine: 'Orapa' } });
    expect(
      await store.mirrors.save(id, 'tracr', fresh, { readAt: '2026-01-01T00:00:01.000Z', fence: current }),
    ).toBe(true);

    const late = store.mirrors.save(id, 'tracr', polishedStone(), {
      readAt: '2026-01-01T00:00:02.000Z',
      fence: stale,
    });
    await expect(late).rejects.toThrow(FencedWriteError);
    expect((await store.mirrors.get(id))['tracr']?.view).toEqual(fresh);
  });

  it('a lapsed lease with no holder saves no mirror either', async () => {
    const save = store.mirrors.save(id, 'tracr', polishedStone(), {
      readAt: '2026-01-01T00:00:02.000Z',
      fence: { key: leaseKey, holder: 'job-1:token#1' },
    });
    await expect(save).rejects.toThrow(FencedWriteError);
    expect(await store.mirrors.get(id)).toEqual({});
  });
});
