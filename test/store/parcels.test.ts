import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { freshPrefix, roughStone, suiteRedis } from './fixtures.js';

const who = { actor: 'api:test', action: 'register' };
const ofCertificate = (producerRef: string, kpCertificate: string): DiamondRecord => {
  const rough = roughStone(producerRef);
  return { ...rough, identifiers: { ...rough.identifiers, kpCertificate } };
};

// On one shard, as a single node keeps it, and on eight, as a cluster spreads it.
describe.each([1, 8])(
  'group identifiers: a Kimberley Process certificate covers a parcel of stones (%i shards)',
  (shards) => {
    const redisOf = suiteRedis();
    let redis: Redis;
    beforeEach(() => {
      redis = redisOf();
    });

    it('accepts two stones of one KP certificate and answers both for it, paged', async () => {
      const store = createStore(redis, { prefix: freshPrefix(), shards });
      const first = await store.diamonds.save(ofCertificate('LOT-1', 'BW-KP-2026-004711'), who);
      const second = await store.diamonds.save(ofCertificate('LOT-2', 'BW-KP-2026-004711'), who);
      await store.diamonds.save(ofCertificate('LOT-3', 'BW-KP-2026-004712'), who);
      const both = [first.id, second.id].sort();
      expect((await store.identity.parcel('kpCertificate', 'BW-KP-2026-004711')).ids).toEqual(both);
      const page = await store.identity.parcel('kpCertificate', 'BW-KP-2026-004711', { count: 1 });
      expect(page.ids).toEqual([both[0]]);
      const next = await store.identity.parcel('kpCertificate', 'BW-KP-2026-004711', {
        count: 1,
        cursor: page.cursor,
      });
      expect(next.ids).toEqual([both[1]]);
      const last = { count: 1, cursor: next.cursor };
      expect(await store.identity.parcel('kpCertificate', 'BW-KP-2026-004711', last)).toEqual({
        ids: [],
        cursor: null,
      });
      // A group identifier names no one stone.
      expect(await store.identity.findByIdentifier('kpCertificate', 'BW-KP-2026-004711')).toBeNull();
    });

    it('moves a stone to another certificate: the old parcel no longer lists it', async () => {
      const store = createStore(redis, { prefix: freshPrefix(), shards });
      const stone = await store.diamonds.save(ofCertificate('LOT-9', 'CA-KP-2026-000318'), who);
      await store.diamonds.save({ ...ofCertificate('LOT-9', 'CA-KP-2026-000319'), id: stone.id }, who);
      expect((await store.identity.parcel('kpCertificate', 'CA-KP-2026-000318')).ids).toEqual([]);
      expect((await store.identity.parcel('kpCertificate', 'CA-KP-2026-000319')).ids).toEqual([stone.id]);
    });
  },
);
