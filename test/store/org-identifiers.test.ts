import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { createStore, IdentifierConflictError, type Store } from '../../src/store/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { freshPrefix, roughStone, suiteRedis } from './fixtures.js';

const who = { actor: 'api:test', action: 'register' };
const ownedBy = (org: string, producerRef: string, roughControlNumber?: string): DiamondRecord => {
  const rough = roughStone(producerRef);
  return {
    ...rough,
    owner: { org },
    identifiers: { ...rough.identifiers, ...(roughControlNumber ? { roughControlNumber } : {}) },
  };
};

// On one shard, as a single node keeps it, and on eight, as a cluster spreads it.
describe.each([1, 8])(
  'producerRef and roughControlNumber are unique within an organisation only (%i shards)',
  (shards) => {
    const redisOf = suiteRedis();
    let redis: Redis;
    let store: Store;
    beforeEach(() => {
      redis = redisOf();
      store = createStore(redis, { prefix: freshPrefix(), shards });
    });

    it('accepts a stone "R-1" of each of two organisations and finds each by its own organisation', async () => {
      const demo = await store.diamonds.save(ownedBy('demo-mining', 'R-1', 'RCN-1'), who);
      const kalahari = await store.diamonds.save(ownedBy('kalahari', 'R-1', 'RCN-1'), who);
      for (const name of ['producerRef', 'roughControlNumber'] as const) {
        const value = name === 'producerRef' ? 'R-1' : 'RCN-1';
        expect(await store.identity.findByIdentifier(name, value, 'demo-mining')).toBe(demo.id);
        expect(await store.identity.findByIdentifier(name, value, 'kalahari')).toBe(kalahari.id);
        // An organisation that is a prefix of another's name is still another organisation.
        expect(await store.identity.findByIdentifier(name, value, 'demo')).toBeNull();
        expect((await store.identity.holdersOf(name, value)).sort()).toEqual([demo.id, kalahari.id].sort());
      }
    });

    it('refuses a second stone "R-1" in the same organisation', async () => {
      const first = await store.diamonds.save(ownedBy('kalahari', 'R-1'), who);
      const refused = store.diamonds.save(ownedBy('kalahari', 'R-1'), who);
      await expect(refused).rejects.toThrow(IdentifierConflictError);
      await expect(refused).rejects.toMatchObject({
        identifier: 'producerRef',
        value: 'R-1',
        ownerId: first.id,
      });
    });

    it('moves the identifier with the stone when its owner changes', async () => {
      const stone = await store.diamonds.save(ownedBy('kalahari', 'R-7'), who);
      await store.diamonds.save({ ...ownedBy('demo-mining', 'R-7'), id: stone.id }, who);
      expect(await store.identity.findByIdentifier('producerRef', 'R-7', 'kalahari')).toBeNull();
      expect(await store.identity.findByIdentifier('producerRef', 'R-7', 'demo-mining')).toBe(stone.id);
      // Kalahari may use "R-7" again.
      await store.diamonds.save(ownedBy('kalahari', 'R-7'), who);
    });

    it('lets a stone keep its reference when it passes to an organisation holding a stone of the same one', async () => {
      const sold = await store.diamonds.save(ownedBy('kalahari', 'R-3'), who);
      const buyers = await store.diamonds.save(ownedBy('demo-mining', 'R-3'), who);
      // The sale is a fact of the world: the seller's reference comes along and refuses nothing.
      await store.diamonds.save({ ...ownedBy('demo-mining', 'R-3'), id: sold.id }, who);
      expect((await store.identity.holdersOf('producerRef', 'R-3')).sort()).toEqual(
        [sold.id, buyers.id].sort(),
      );
      expect(await store.identity.findByIdentifier('producerRef', 'R-3', 'kalahari')).toBeNull();
      // A new claim of it is still refused.
      await expect(store.diamonds.save(ownedBy('demo-mining', 'R-3'), who)).rejects.toThrow(
        IdentifierConflictError,
      );
    });

    it('reads and honours index entries written before identifiers were kept per organisation', async () => {
      const old = await store.diamonds.save(ownedBy('demo-mining', 'R-9'), who);
      // The index as an earlier version left it: one holder per value for every organisation.
      await redis.del(`${store.keys.prefix}identifier-org:producerRef`);
      await redis.hset(`${store.keys.prefix}identifier:producerRef`, 'R-9', old.id);
      await redis.hset(store.keys.diamond(old.id), 'ident:producerRef', 'R-9');
      // A bridge started on that Redis after the upgrade (this store's process saw no old index yet).
      store = createStore(redis, { prefix: store.keys.prefix, shards });

      expect(await store.identity.findByIdentifier('producerRef', 'R-9', 'demo-mining')).toBe(old.id);
      expect(await store.identity.findByIdentifier('producerRef', 'R-9', 'kalahari')).toBeNull();
      expect(await store.identity.holdersOf('producerRef', 'R-9')).toEqual([old.id]);
      await expect(store.diamonds.save(ownedBy('demo-mining', 'R-9'), who)).rejects.toThrow(
        IdentifierConflictError,
      );
      const other = await store.diamonds.save(ownedBy('kalahari', 'R-9'), who);
      expect(await store.identity.findByIdentifier('producerRef', 'R-9', 'kalahari')).toBe(other.id);

      // The old stone's next change moves its entry to the new index.
      await store.diamonds.save(
        { ...ownedBy('demo-mining', 'R-9'), id: old.id, rough: { caratWeight: 1 } },
        who,
      );
      expect(await redis.hget(`${store.keys.prefix}identifier:producerRef`, 'R-9')).toBeNull();
      expect(await store.identity.findByIdentifier('producerRef', 'R-9', 'demo-mining')).toBe(old.id);
    });
  },
);
