/**
 * Audit retention: the per-stone and global audit streams stay bounded by length and by age, whatever
 * writes to them (saves, links, rejected changes), so a Redis under `noeviction` never fills with history.
 */
import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { recordRejectedChanges } from '../../src/sync/rejected.js';
import { createStore, DEFAULT_AUDIT_RETENTION } from '../../src/store/index.js';
import { freshPrefix, polishedStone, suiteRedis } from './fixtures.js';

const feed = { actor: 'worker:gia', action: 'change-feed', platform: 'gia' };
// Small listpack nodes on this suite's own server, so approximate trimming shows within a few entries.
const NODE = 10;

describe('audit retention', () => {
  const redisOf = suiteRedis();
  let redis: Redis;
  beforeEach(async () => {
    redis = redisOf();
    await redis.config('SET', 'stream-node-max-entries', String(NODE));
  });

  it("an often-edited stone's history stays bounded, and so does the global log", async () => {
    const store = createStore(redis, {
      prefix: freshPrefix(),
      audit: { maxLen: 60, stoneMaxLen: 20, maxAgeMs: 0 },
    });
    let id = '';
    for (let i = 0; i < 200; i++) {
      const record = polishedStone({ ...(id ? { id } : {}), rough: { caratWeight: i + 1 } });
      id = (await store.diamonds.save(record, feed)).id;
      await store.identity.link(id, 'gia', `REF-${i}`, { actor: 'worker:gia', action: 'link' });
    }
    const stoneLength = await redis.xlen(store.keys.stoneAudit(id));
    expect(stoneLength).toBeGreaterThanOrEqual(20);
    expect(stoneLength).toBeLessThanOrEqual(20 + NODE);
    const globalLength = await redis.xlen(store.keys.auditLog);
    expect(globalLength).toBeGreaterThanOrEqual(60);
    expect(globalLength).toBeLessThanOrEqual(60 + NODE);
    // What is kept is the newest: the latest save is still in the stone's history.
    const history = await store.audit.history(id);
    expect(history.at(-1)?.action).toBe('link');
    expect(history.filter((entry) => entry.version !== undefined).at(-1)?.version).toBe(200);
  });

  it('entries older than the age limit are dropped from both streams on the next write', async () => {
    const maxAgeMs = 24 * 3_600_000;
    const store = createStore(redis, {
      prefix: freshPrefix(),
      audit: { maxLen: 0, stoneMaxLen: 0, maxAgeMs },
    });
    const { id } = await store.diamonds.save(polishedStone(), feed);
    // Three nodes' worth of entries from 2020, as a bridge running for years would hold.
    const old = Date.parse('2020-01-01T00:00:00Z');
    await redis.del(store.keys.stoneAudit(id), store.keys.auditLog);
    for (let i = 0; i < 3 * NODE; i++) {
      const fields = ['at', '2020-01-01T00:00:00Z', 'actor', 'cli', 'action', 'register', 'diamondId', id];
      await redis.xadd(store.keys.auditLog, `${old + i}-0`, ...fields);
      await redis.xadd(store.keys.stoneAudit(id), `${old + i}-0`, ...fields);
    }
    await store.diamonds.save(polishedStone({ id, rough: { caratWeight: 9.99 } }), feed);
    const cutoff = Date.now() - maxAgeMs;
    for (const key of [store.keys.stoneAudit(id), store.keys.auditLog]) {
      const ids = (await redis.xrange(key, '-', '+')).map(([entryId]) => Number(entryId.split('-')[0]));
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.filter((ms) => ms < cutoff)).toEqual([]);
    }
  });

  it('rejected changes trim the streams they append to', async () => {
    const store = createStore(redis, {
      prefix: freshPrefix(),
      audit: { maxLen: 15, stoneMaxLen: 15, maxAgeMs: 0 },
    });
    const { id } = await store.diamonds.save(polishedStone(), feed);
    for (let i = 0; i < 10; i++) {
      await recordRejectedChanges(
        store,
        'gia',
        Array.from({ length: 10 }, (_, j) => ({ ref: `R${i}-${j}`, reason: 'cannot map', diamondId: id })),
        { actor: 'feed:gia' },
      );
    }
    expect(await redis.xlen(store.keys.stoneAudit(id))).toBeLessThanOrEqual(15 + NODE);
    expect(await redis.xlen(store.keys.auditLog)).toBeLessThanOrEqual(15 + NODE);
  });

  it('is on by default and read from TRACEBRIDGE_AUDIT_MAX_LEN, _STONE_MAX_LEN and _MAX_AGE', () => {
    expect(loadConfig({}, {}).audit).toEqual(DEFAULT_AUDIT_RETENTION);
    expect(DEFAULT_AUDIT_RETENTION.maxLen).toBeGreaterThan(0);
    expect(DEFAULT_AUDIT_RETENTION.stoneMaxLen).toBeGreaterThan(0);
    expect(DEFAULT_AUDIT_RETENTION.maxAgeMs).toBeGreaterThan(0);
    const config = loadConfig(
      {},
      {
        TRACEBRIDGE_AUDIT_MAX_LEN: '5000',
        TRACEBRIDGE_AUDIT_STONE_MAX_LEN: '200',
        TRACEBRIDGE_AUDIT_MAX_AGE: '30d',
      },
    );
    expect(config.audit).toEqual({ maxLen: 5000, stoneMaxLen: 200, maxAgeMs: 30 * 86_400_000 });
    expect(loadConfig({}, { TRACEBRIDGE_AUDIT_MAX_AGE: '0' }).audit.maxAgeMs).toBe(0);
    expect(() => loadConfig({}, { TRACEBRIDGE_AUDIT_MAX_AGE: 'forever' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { TRACEBRIDGE_AUDIT_MAX_AGE: 'forever' })).toThrow(
      'TRACEBRIDGE_AUDIT_MAX_AGE',
    );
    expect(() => loadConfig({}, { TRACEBRIDGE_AUDIT_MAX_LEN: '-1' })).toThrow('TRACEBRIDGE_AUDIT_MAX_LEN');
  });
});
