import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../src/mapping/content-hash.js';
import { createStore, DEFAULT_PREFIX, StoreInputError } from '../../src/store/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { connect, polishedStone, roughStone, snapshot } from './fixtures.js';

const who = { actor: 'producer:demo-mining', action: 'register', platform: 'tracr' };

describe('store keys and durability', () => {
  let server: TestRedis;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedis({ appendOnly: true });
    redis = connect(server);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('refuses prefixes whose hash tag is not the whole leading braces part', () => {
    for (const prefix of [
      'tracebridge:',
      '{}:',
      '{a}{b}:',
      'x{tracebridge}:',
      '{trace bridge}:',
      '{a}:b}',
      '',
    ]) {
      expect(() => createStore(redis, { prefix }), prefix).toThrow(StoreInputError);
    }
    expect(createStore(redis, { prefix: '{acme-prod}:tb:' }).keys.members(0)).toBe('{acme-prod}:tb:diamonds');
    // With shards, each one's number goes inside the tag; anything after the tag is kept.
    const sharded = createStore(redis, { prefix: '{acme-prod}:tb:', shards: 4 }).keys;
    expect(sharded.members(2)).toMatch(/^\{acme-prod-s2(\.\d+)?\}:tb:diamonds$/);
    expect(sharded.cursors).toBe('{acme-prod}:tb:cursors');
    for (const shards of [0, 1025, 1.5])
      expect(() => createStore(redis, { shards }), `${shards}`).toThrow(StoreInputError);
    expect(createStore(redis).keys.prefix).toBe(DEFAULT_PREFIX);
  });

  it('keeps every key it writes under the hash-tagged prefix', async () => {
    const store = createStore(redis);
    const page = [polishedStone(), roughStone('LOT-1')].map((record) => ({ record }));
    const [first] = await store.cursors.saveChangesAndAdvance('tracr', '17', page, who);
    await store.identity.link(first?.id ?? '', 'tracr', 'TRC-0001', who);
    const keys = [...(await snapshot(redis)).keys()];
    expect(keys.length).toBeGreaterThan(10);
    for (const key of keys) expect(key.startsWith('{tracebridge}:'), key).toBe(true);
  });

  it('reads back records, indexes, cursors and audit after a redis restart with AOF on', async () => {
    const store = createStore(redis, { prefix: '{restart}:' });
    const { id } = await store.diamonds.save(polishedStone(), who);
    await store.identity.link(id, 'tracr', 'TRC-0001', who);
    await store.cursors.setCursor('tracr', '99');
    const before = await snapshot(redis);
    await server.restart();
    expect(await redis.ping()).toBe('PONG');
    expect(await snapshot(redis)).toEqual(before);
    expect((await store.diamonds.get(id))?.record.identifiers?.giaReportNumber).toBe('2141438171');
    expect(await store.identity.findByIdentifier('giaReportNumber', '2141438171')).toBe(id);
    expect(await store.cursors.getCursor('tracr')).toBe('99');
    // The restarted server has no scripts cached: the save must reload its script by itself.
    const changed = polishedStone({ id, origin: { country: 'ZA' } });
    const next = await store.diamonds.save(changed, who);
    expect(next).toEqual({ id, version: 2, outcome: 'updated', hash: contentHash(changed) });
    expect(await store.audit.history(id)).toHaveLength(3);
  });
});
