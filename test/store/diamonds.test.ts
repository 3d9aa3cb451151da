import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { contentHash } from '../../src/mapping/content-hash.js';
import {
  CorruptEntryError,
  createStore,
  IdentifierConflictError,
  StoreInputError,
  VersionConflictError,
} from '../../src/store/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { freshPrefix, polishedStone, roughStone, snapshot, suiteRedis } from './fixtures.js';

const who = { actor: 'producer:demo-mining', action: 'register' };

// On one shard, as a single node keeps it, and on eight, as a cluster spreads it.
describe.each([1, 8])('diamonds store (%i shards)', (shards) => {
  const redisOf = suiteRedis();
  let redis: Redis;
  beforeEach(() => {
    redis = redisOf();
  });

  it('assigns a sortable tb_ ID matching the schema and stores version 1', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const saved = await store.diamonds.save(polishedStone(), who);
    expect(saved.outcome).toBe('created');
    expect(saved.version).toBe(1);
    expect(saved.id).toMatch(/^tb_[0-9A-Z]{26}$/);
    const stored = await store.diamonds.get(saved.id);
    const expected: DiamondRecord = { ...polishedStone(), id: saved.id };
    expect(stored?.record).toEqual(expected);
    expect(stored?.version).toBe(1);
    expect(stored?.hash).toBe(contentHash(expected));
    expect(Date.parse(stored?.updatedAt ?? '')).not.toBeNaN();
  });

  it('bumps the version on a changed record and reports updated', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const { id } = await store.diamonds.save(polishedStone(), who);
    const next = polishedStone({ id, polished: { shape: 'round', caratWeight: 1.02 } });
    expect(await store.diamonds.save(next, { ...who, expectedVersion: 1 })).toEqual({
      id,
      version: 2,
      outcome: 'updated',
      hash: contentHash(next),
    });
    expect((await store.diamonds.get(id))?.record.polished?.caratWeight).toBe(1.02);
  });

  it('refuses a stale expectedVersion with a VersionConflictError naming the stone and both versions', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const { id } = await store.diamonds.save(polishedStone(), who);
    await store.diamonds.save(polishedStone({ id, origin: { country: 'ZA' } }), who);
    const stale = store.diamonds.save(polishedStone({ id, origin: { country: 'NA' } }), {
      ...who,
      expectedVersion: 1,
    });
    await expect(stale).rejects.toThrow(VersionConflictError);
    await expect(stale).rejects.toThrow(`diamond ${id} is at version 2, not the expected version 1`);
    expect((await store.diamonds.get(id))?.record.origin?.country).toBe('ZA');
  });

  it('treats expectedVersion 0 as create-only', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const { id } = await store.diamonds.save(polishedStone(), { ...who, expectedVersion: 0 });
    await expect(
      store.diamonds.save(polishedStone({ id, kind: 'polished', owner: { org: 'other' } }), {
        ...who,
        expectedVersion: 0,
      }),
    ).rejects.toThrow(VersionConflictError);
  });

  it('lets exactly one of many concurrent saves from the same version win', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const { id } = await store.diamonds.save(polishedStone(), who);
    const writers = Array.from({ length: 12 }, (_, i) =>
      store.diamonds.save(polishedStone({ id, rough: { caratWeight: 2 + i } }), {
        ...who,
        expectedVersion: 1,
      }),
    );
    const settled = await Promise.allSettled(writers);
    expect(settled.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const refused = settled.filter((result) => result.status === 'rejected');
    expect(refused.every((result) => result.reason instanceof VersionConflictError)).toBe(true);
    expect((await store.diamonds.get(id))?.version).toBe(2);
    expect(await store.audit.history(id)).toHaveLength(2);
  });

  it('writes nothing for a re-delivered record with the same content, not even an audit entry', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const { id } = await store.diamonds.save(polishedStone(), who);
    const before = await snapshot(redis);
    const again = await store.diamonds.save(polishedStone({ id }), { ...who, expectedVersion: 7 });
    expect(again).toEqual({ id, version: 1, outcome: 'unchanged', hash: contentHash(polishedStone({ id })) });
    expect(await snapshot(redis)).toEqual(before);
    expect(await store.audit.history(id)).toHaveLength(1);
  });

  it('leaves every key untouched when a save conflicts on version', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const { id } = await store.diamonds.save(polishedStone(), who);
    const before = await snapshot(redis);
    const changed = polishedStone({ id, identifiers: { giaReportNumber: '9999999999' } });
    await expect(store.diamonds.save(changed, { ...who, expectedVersion: 3 })).rejects.toThrow(
      VersionConflictError,
    );
    expect(await snapshot(redis)).toEqual(before);
  });

  it('refuses a second stone with the same GIA report number, naming the identifier, and changes nothing', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const first = await store.diamonds.save(polishedStone(), who);
    const before = await snapshot(redis);
    const twin = polishedStone({ identifiers: { giaReportNumber: '2141438171', tracrId: 'TRC-0002' } });
    const refused = store.diamonds.save(twin, who);
    await expect(refused).rejects.toThrow(IdentifierConflictError);
    await expect(refused).rejects.toThrow(
      `identifiers.giaReportNumber "2141438171" already belongs to diamond ${first.id}`,
    );
    expect(await snapshot(redis)).toEqual(before);
    expect(await store.diamonds.count()).toBe(1);
  });

  it('refuses a whole batch when two of its stones claim one identifier', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const before = await snapshot(redis);
    const batch = [roughStone('LOT-1'), roughStone('LOT-1')].map((record) => ({ record }));
    await expect(store.diamonds.saveMany(batch, who)).rejects.toThrow('identifiers.producerRef "LOT-1"');
    expect(await snapshot(redis)).toEqual(before);
  });

  it('finds stones by normalised identifiers and releases an identifier the stone no longer carries', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const { id } = await store.diamonds.save(polishedStone(), who);
    expect(await store.identity.findByIdentifier('inscription', '  gia   2141438171 ')).toBe(id);
    expect(await store.identity.findByIdentifier('giaReportNumber', '2141438171')).toBe(id);
    await store.diamonds.save(polishedStone({ id, identifiers: { giaReportNumber: '5555555555' } }), who);
    expect(await store.identity.findByIdentifier('giaReportNumber', '2141438171')).toBeNull();
    expect(await store.identity.findByIdentifier('tracrId', 'TRC-0001')).toBeNull();
    expect(await store.identity.findByIdentifier('giaReportNumber', '5555555555')).toBe(id);
    const other = await store.diamonds.save(polishedStone(), who);
    expect(other.outcome).toBe('created');
  });

  it('keeps sources beside the record without counting them as content', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const gia = { ref: '2141438171', syncedAt: '2024-05-01T10:00:00Z', hash: `sha256:${'a'.repeat(64)}` };
    const { id } = await store.diamonds.save(polishedStone({ sources: { gia } }), who);
    expect((await store.diamonds.get(id))?.record.sources).toEqual({ gia });
    const resynced = { ...gia, syncedAt: '2024-05-02T10:00:00Z' };
    const again = await store.diamonds.save(polishedStone({ id, sources: { gia: resynced } }), who);
    expect(again.outcome).toBe('unchanged');
  });

  it('reads many stones in one call, in order, with null for unknown IDs', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const results = await store.diamonds.saveMany(
      ['A', 'B', 'C'].map((lot) => ({ record: roughStone(lot) })),
      who,
    );
    const ids = results.map((result) => result.id);
    const many = await store.diamonds.getMany([ids[2] ?? '', 'tb_unknown000', ids[0] ?? '']);
    expect(many.map((stored) => stored?.record.identifiers?.producerRef ?? null)).toEqual(['C', null, 'A']);
  });

  it('pages through 5,000 stones with a small page size, visiting each exactly once', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const saved = new Set<string>();
    for (let start = 0; start < 5000; start += 500) {
      const batch = Array.from({ length: 500 }, (_, i) => ({ record: roughStone(`LOT-${start + i}`) }));
      for (const result of await store.diamonds.saveMany(batch, who)) saved.add(result.id);
    }
    const visited: string[] = [];
    for await (const id of store.diamonds.ids({ pageSize: 37 })) visited.push(id);
    expect(visited).toHaveLength(5000);
    expect(new Set(visited)).toEqual(saved);
    expect(await store.diamonds.count()).toBe(5000);
    const page = await store.diamonds.list({ count: 10 });
    expect(page.ids).toEqual(visited.slice(0, 10));
    expect(page.cursor).toBe(visited[9]);
  });

  it('lists a sparse store of many shards in a few round trips a page, each stone once and in shard order', async () => {
    const sparse = createStore(redis, { prefix: freshPrefix(), shards: 128 * shards });
    const saved = await sparse.diamonds.saveMany(
      Array.from({ length: 12 }, (_, i) => ({ record: roughStone(`SPARSE-${i}`) })),
      who,
    );
    const inOrder = saved
      .map(({ id }) => id)
      .sort((a, b) => sparse.keys.shardOf(a) - sparse.keys.shardOf(b) || (a < b ? -1 : 1));
    // A round trip: reads sent while none is under way. One shard is read, then twice as many at each
    // step: 8 steps over 128 shards, 11 over 1,024.
    const read = redis.zrangebylex.bind(redis);
    let roundTrips = 0;
    let underWay = 0;
    const counting = (...args: Parameters<typeof read>) => {
      if (underWay++ === 0) roundTrips++;
      return read(...args).finally(() => underWay--);
    };
    redis.zrangebylex = counting as typeof redis.zrangebylex;
    try {
      expect(await sparse.diamonds.list({ count: 500 })).toEqual({ ids: inOrder, cursor: null });
    } finally {
      redis.zrangebylex = read;
    }
    expect(roundTrips).toBe(shards === 1 ? 8 : 11);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await sparse.diamonds.list({ cursor, count: 5 });
      expect(page.ids.length).toBeLessThanOrEqual(5);
      paged.push(...page.ids);
      cursor = page.cursor;
    } while (cursor !== null);
    expect(paged).toEqual(inOrder);
  });

  it('rejects IDs and values that could reach into other keys', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const before = await snapshot(redis);
    for (const id of ['tb_{tracebridge}', 'tb_abc\ndef', 'diamond:tb_x', '', 'tb_a']) {
      await expect(store.diamonds.get(id)).rejects.toThrow(StoreInputError);
      await expect(store.diamonds.save(polishedStone({ id }), who)).rejects.toThrow(StoreInputError);
    }
    const braced = polishedStone({ identifiers: { producerRef: 'LOT{tracebridge}' } });
    await expect(store.diamonds.save(braced, who)).rejects.toThrow('identifiers.producerRef');
    await expect(store.diamonds.save(polishedStone(), { ...who, actor: 'a\u0000b' })).rejects.toThrow(
      'actor',
    );
    expect(await snapshot(redis)).toEqual(before);
  });

  it('reports a record whose stored JSON is broken as an error naming the key', async () => {
    const store = createStore(redis, { prefix: freshPrefix(), shards });
    const { id } = await store.diamonds.save(polishedStone(), who);
    await redis.hset(store.keys.diamond(id), 'record', '{"schemaVersion":');
    const read = store.diamonds.get(id);
    await expect(read).rejects.toThrow(CorruptEntryError);
    await expect(read).rejects.toThrow(`${store.keys.diamond(id)} record`);
  });
});
