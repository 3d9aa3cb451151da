import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { storeKeys } from '../../src/store/keys.js';
import { watchLegacyIndex } from '../../src/store/legacy-index.js';
import { freshPrefix, suiteRedis } from './fixtures.js';

describe('the watch over the index an earlier version wrote', () => {
  const redisOf = suiteRedis();
  let redis: Redis;
  beforeEach(() => {
    redis = redisOf();
  });

  it('answers present while the old index holds entries, and gone once it is empty', async () => {
    const keys = storeKeys(freshPrefix());
    await redis.hset(keys.legacyIdentifier('roughControlNumber'), 'RC-1', 'tb_0000000001');
    const present = watchLegacyIndex(redis, keys, 0);
    expect(await present()).toBe(true);
    await redis.del(keys.legacyIdentifier('roughControlNumber'));
    expect(await present()).toBe(false);
  });

  it('trusts "gone" only until its recheck, then asks Redis again', async () => {
    const keys = storeKeys(freshPrefix());
    const present = watchLegacyIndex(redis, keys, 150);
    expect(await present()).toBe(false);
    // An earlier version still running beside this one writes an entry.
    await redis.hset(keys.legacyIdentifier('producerRef'), 'R-1', 'tb_0000000001');
    expect(await present()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await present()).toBe(true);
  });
});
