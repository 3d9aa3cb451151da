import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { createStore, IdentifierConflictError } from '../../src/store/index.js';
import { freshPrefix, polishedStone, roughStone, snapshot, suiteRedis } from './fixtures.js';

const feed = { actor: 'worker:gia', action: 'change-feed', platform: 'gia' };

describe('change-feed cursors and the audit log', () => {
  const redisOf = suiteRedis();
  let redis: Redis;
  beforeEach(() => {
    redis = redisOf();
  });

  it('stores and reads a cursor per adapter', async () => {
    const store = createStore(redis, { prefix: freshPrefix() });
    expect(await store.cursors.getCursor('gia')).toBeNull();
    await store.cursors.setCursor('gia', '2024-05-01T10:00:00Z');
    await store.cursors.setCursor('tracr', '1042');
    expect(await store.cursors.getCursor('gia')).toBe('2024-05-01T10:00:00Z');
    expect(await store.cursors.getCursor('tracr')).toBe('1042');
  });

  it('advances the cursor together with the page of changes it covers', async () => {
    const store = createStore(redis, { prefix: freshPrefix() });
    const page = [roughStone('LOT-1'), roughStone('LOT-2')].map((record) => ({ record }));
    const results = await store.cursors.saveChangesAndAdvance('gia', 'page-2', page, feed);
    expect(results.map((result) => result.outcome)).toEqual(['created', 'created']);
    expect(await store.cursors.getCursor('gia')).toBe('page-2');
    const again = await store.cursors.saveChangesAndAdvance(
      'gia',
      'page-2',
      page.map(({ record }, i) => ({ record: { ...record, id: results[i]?.id ?? '' } })),
      feed,
    );
    expect(again.map((result) => result.outcome)).toEqual(['unchanged', 'unchanged']);
  });

  it('leaves the cursor and every record where they were when one change of the page is refused', async () => {
    const store = createStore(redis, { prefix: freshPrefix() });
    await store.cursors.saveChangesAndAdvance('gia', 'page-1', [{ record: polishedStone() }], feed);
    const before = await snapshot(redis);
    const page = [{ record: roughStone('LOT-NEW') }, { record: polishedStone() }];
    await expect(store.cursors.saveChangesAndAdvance('gia', 'page-2', page, feed)).rejects.toThrow(
      IdentifierConflictError,
    );
    expect(await snapshot(redis)).toEqual(before);
    expect(await store.cursors.getCursor('gia')).toBe('page-1');
  });

  it('appends one audit entry per stored change, in order, to the stone and to the global log', async () => {
    const store = createStore(redis, { prefix: freshPrefix() });
    const { id } = await store.diamonds.save(polishedStone(), {
      actor: 'producer:demo-mining',
      action: 'register',
      detail: { request: 'r-1' },
    });
    await store.diamonds.save(polishedStone({ id, origin: { country: 'ZA' } }), feed);
    await store.identity.link(id, 'tracr', 'TRC-0001', { actor: 'worker:tracr' });
    const history = await store.audit.history(id);
    expect(history.map(({ action, version, outcome }) => ({ action, version, outcome }))).toEqual([
      { action: 'register', version: 1, outcome: 'created' },
      { action: 'change-feed', version: 2, outcome: 'updated' },
      { action: 'link', version: undefined, outcome: undefined },
    ]);
    expect(history[0]).toMatchObject({
      actor: 'producer:demo-mining',
      diamondId: id,
      detail: { request: 'r-1' },
    });
    expect(history[1]?.platform).toBe('gia');
    expect(history[2]).toMatchObject({ platform: 'tracr', detail: { ref: 'TRC-0001' } });
    expect(Date.parse(history[0]?.at ?? '')).not.toBeNaN();
    const recent = await store.audit.recent();
    expect(recent.map((entry) => entry.entryId)).toEqual(history.map((entry) => entry.entryId).reverse());
  });

  it("gives an entry the same ID in both logs, and the stone's log an ID of its own when that one is taken", async () => {
    const store = createStore(redis, { prefix: freshPrefix() });
    const { id } = await store.diamonds.save(polishedStone(), feed);
    const [globalEntry] = await redis.xrange(store.keys.auditLog, '-', '+');
    const [stoneEntry] = await redis.xrange(store.keys.stoneAudit(id), '-', '+');
    const [stoneId, fields] = stoneEntry ?? ['', []];
    const globalId = globalEntry?.[0];
    expect(stoneId).toBe(globalId);
    // A stone log ahead of the global one (say the global log was deleted and the clock went back).
    await redis.xadd(store.keys.stoneAudit(id), `${Date.now() + 86_400_000}-0`, ...fields);
    await store.diamonds.save(polishedStone({ id, origin: { country: 'ZA' } }), feed);
    expect((await store.audit.history(id)).map((entry) => entry.version)).toEqual([1, 1, 2]);
  });

  it('pages backwards through the global log with before', async () => {
    const store = createStore(redis, { prefix: freshPrefix() });
    for (let i = 0; i < 7; i++) await store.diamonds.save(roughStone(`LOT-${i}`), feed);
    const newest = await store.audit.recent({ count: 3 });
    const older = await store.audit.recent({ count: 10, before: newest.at(-1)?.entryId ?? '' });
    const refs = [...newest, ...older].map((entry) => entry.diamondId);
    expect(refs).toHaveLength(7);
    expect(new Set(refs).size).toBe(7);
    await expect(store.audit.recent({ before: '1-0 +' })).rejects.toThrow('audit before');
  });

  it('trims only the global log when only its length is limited', async () => {
    const store = createStore(redis, {
      prefix: freshPrefix(),
      audit: { maxLen: 10, stoneMaxLen: 0, maxAgeMs: 0 },
    });
    let id = '';
    for (let i = 0; i < 300; i++) {
      id = (
        await store.diamonds.save(
          polishedStone({ ...(id ? { id } : {}), rough: { caratWeight: i + 1 } }),
          feed,
        )
      ).id;
    }
    expect(await store.audit.history(id)).toHaveLength(300);
    expect(await redis.xlen(store.keys.auditLog)).toBeLessThan(300);
    expect(await redis.xlen(store.keys.auditLog)).toBeGreaterThanOrEqual(10);
  });
});
