import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createStore,
  IdentityConflictError,
  StoreInputError,
  UnknownDiamondError,
} from '../../src/store/index.js';
import { freshPrefix, polishedStone, roughStone, snapshot, suiteRedis } from './fixtures.js';

const who = { actor: 'worker:gia', action: 'register' };
const giaSource = { ref: '2141438171', syncedAt: '2024-05-01T10:00:00Z', hash: `sha256:${'b'.repeat(64)}` };

// On one shard, as a single node keeps it, and on eight, as a cluster spreads it.
describe.each([1, 8])('identity map (%i shards)', (shards) => {
  const redisOf = suiteRedis();
  let redis: Redis;
  beforeEach(() => {
    redis = redisOf();
  });

  it('maps a native ref to the stone and the stone to its refs', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const { id } = await store.diamonds.save(polishedStone(), who);
    expect(await store.identity.link(id, 'tracr', 'TRC-0001', who)).toBe('linked');
    expect(await store.identity.link(id, 'gia', '2141438171', who)).toBe('linked');
    expect(await store.identity.resolve('tracr', 'TRC-0001')).toBe(id);
    expect(await store.identity.resolve('gia', 'TRC-0001')).toBeNull();
    expect(await store.identity.refs(id)).toEqual({ tracr: 'TRC-0001', gia: '2141438171' });
  });

  it('treats linking the same ref again as a no-op with no audit entry', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const { id } = await store.diamonds.save(polishedStone(), who);
    await store.identity.link(id, 'tracr', 'TRC-0001', who);
    const before = await snapshot(redis);
    expect(await store.identity.link(id, 'tracr', 'TRC-0001', who)).toBe('unchanged');
    expect(await snapshot(redis)).toEqual(before);
  });

  it('refuses a ref that already belongs to another stone and changes nothing', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const first = await store.diamonds.save(roughStone('LOT-1'), who);
    const second = await store.diamonds.save(roughStone('LOT-2'), who);
    await store.identity.link(first.id, 'tracr', 'TRC-9', who);
    const before = await snapshot(redis);
    const refused = store.identity.link(second.id, 'tracr', 'TRC-9', who);
    await expect(refused).rejects.toThrow(IdentityConflictError);
    await expect(refused).rejects.toThrow(
      `tracr ref "TRC-9" already belongs to diamond ${first.id}, not ${second.id}`,
    );
    expect(await snapshot(redis)).toEqual(before);
  });

  it('refuses to link a stone the store does not hold', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    await expect(store.identity.link('tb_NOSUCHSTONE', 'gia', '1234567', who)).rejects.toThrow(
      UnknownDiamondError,
    );
    expect(await redis.dbsize()).toBe(0);
  });

  it('keeps resolving a superseded ref to the stone after it is relinked to a new one', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const { id } = await store.diamonds.save(polishedStone(), who);
    await store.identity.link(id, 'gia', '2141438171', who);
    await store.identity.link(id, 'gia', '6222222222', who);
    expect(await store.identity.refs(id)).toEqual({ gia: '6222222222' });
    expect(await store.identity.resolve('gia', '2141438171')).toBe(id);
  });

  it('records a sync as the platform source and link without a new version', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const { id } = await store.diamonds.save(polishedStone(), who);
    const worker = { actor: 'worker:gia' };
    expect(await store.identity.recordSync(id, 'gia', giaSource, worker)).toBe('linked');
    const stored = await store.diamonds.get(id);
    expect(stored?.version).toBe(1);
    expect(stored?.record.sources).toEqual({ gia: giaSource });
    expect(await store.identity.resolve('gia', '2141438171')).toBe(id);
    expect(await store.identity.recordSync(id, 'gia', giaSource, worker)).toBe('unchanged');
    const later = { ...giaSource, syncedAt: '2024-06-01T10:00:00Z' };
    expect(await store.identity.recordSync(id, 'gia', later, worker)).toBe('linked');
    expect((await store.diamonds.get(id))?.record.sources?.['gia']).toEqual(later);
    const actions = (await store.audit.history(id)).map((entry) => entry.action);
    expect(actions).toEqual(['register', 'sync', 'sync']);
  });

  it('rejects platform names and refs that could reach into other keys', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const { id } = await store.diamonds.save(polishedStone(), who);
    const before = await snapshot(redis);
    await expect(store.identity.link(id, 'gia}:x', '1', who)).rejects.toThrow(StoreInputError);
    await expect(store.identity.link(id, 'GIA', '1', who)).rejects.toThrow(StoreInputError);
    await expect(store.identity.link(id, 'gia', '{tracebridge}', who)).rejects.toThrow('gia ref');
    await expect(store.identity.link(id, 'gia', 'a\rb', who)).rejects.toThrow('gia ref');
    await expect(store.identity.resolve('gia', '')).rejects.toThrow(StoreInputError);
    expect(await snapshot(redis)).toEqual(before);
  });
});
