/**
 * Identifiers on a sharded store, where a value's index entry and the record holding it lie in different
 * slots: what a save that died half way leaves, and what the next reader and writer make of it. Each case
 * puts the store in the state a crash at that point leaves (a claim taken and no record; a record saved
 * and its old value not released), then checks what the index answers and who may take the value.
 */
import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { createStore, IdentifierConflictError, type Store } from '../../src/store/index.js';
import { CLAIM_TTL_MS } from '../../src/store/scripts.js';
import { freshPrefix, polishedStone, suiteRedis } from './fixtures.js';

const who = { actor: 'producer:demo-mining', action: 'register' };
const SHARDS = 8;

describe('identifier claims on a sharded store', () => {
  const redisOf = suiteRedis();
  let redis: Redis;
  let store: Store;
  beforeEach(() => {
    redis = redisOf();
    store = createStore(redis, { prefix: freshPrefix(), shards: SHARDS });
  });

  const report = (giaReportNumber: string) => polishedStone({ identifiers: { giaReportNumber } });
  const reportIndex = (value: string) => store.keys.identifier('giaReportNumber', value);

  it('waits out a claim whose save died, then takes the value over', async () => {
    // A save of another stone claimed the value most of a claim's life ago and never stored its record.
    const dead = 'tb_01DEADDEADDEADDEADDEADDEAD';
    const claimedAt = Date.now() - CLAIM_TTL_MS + 1_000;
    await redis.hset(reportIndex('6100000001'), '6100000001', `${dead}\n${claimedAt}-x`);
    expect(await store.identity.findByIdentifier('giaReportNumber', '6100000001')).toBeNull();

    const started = Date.now();
    const saved = await store.diamonds.save(report('6100000001'), who);
    expect(saved.outcome).toBe('created');
    // It waited for the claim to run out rather than refusing a value no stone holds.
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(await store.identity.findByIdentifier('giaReportNumber', '6100000001')).toBe(saved.id);
    expect(await redis.hget(reportIndex('6100000001'), '6100000001')).toMatch(new RegExp(`^${saved.id}\n`));
  });

  it('refuses a value another stone holds, whichever shards the two lie in', async () => {
    const first = await store.diamonds.save(report('6100000002'), who);
    expect(store.keys.shards).toBe(SHARDS);
    const refused = store.diamonds.save(report('6100000002'), who);
    await expect(refused).rejects.toThrow(IdentifierConflictError);
    await expect(refused).rejects.toThrow(first.id);
    expect(await store.diamonds.count()).toBe(1);
  });

  it('lets exactly one of many stones saved at once with one value have it', async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, () => store.diamonds.save(report('6100000003'), who)),
    );
    const won = attempts.filter((attempt) => attempt.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const attempt of attempts)
      if (attempt.status === 'rejected') expect(attempt.reason).toBeInstanceOf(IdentifierConflictError);
    const winner = (won[0] as PromiseFulfilledResult<{ id: string }>).value.id;
    expect(await store.identity.findByIdentifier('giaReportNumber', '6100000003')).toBe(winner);
    expect(await store.diamonds.count()).toBe(1);
  });

  it('answers no one for a value a record dropped before its release, which the next stone may take', async () => {
    const { id } = await store.diamonds.save(report('6100000004'), who);
    const token = (await redis.hget(store.keys.diamond(id), 'claim:giaReportNumber'))!;
    await store.diamonds.save({ ...report('6100000005'), id }, who);
    // The crash, a while ago: the record moved on to the new report, and the old entry and the owed
    // release remain. (Within a claim's life of the crash, the next stone would wait that long first.)
    const aged = `${id}\n${Date.now() - CLAIM_TTL_MS}-x`;
    await leaveUnreleased(id, 'giaReportNumber', 'g', '6100000004', token, aged);

    expect(await store.identity.findByIdentifier('giaReportNumber', '6100000004')).toBeNull();
    expect(await store.identity.findByIdentifier('giaReportNumber', '6100000005')).toBe(id);
    const next = await store.diamonds.save(report('6100000004'), who);
    expect(await store.identity.findByIdentifier('giaReportNumber', '6100000004')).toBe(next.id);
  });

  it('finishes the releases a crash left owed, and a late one never undoes a newer claim', async () => {
    const { id } = await store.diamonds.save(report('6100000006'), who);
    const entry = (await redis.hget(reportIndex('6100000006'), '6100000006'))!;
    const token = (await redis.hget(store.keys.diamond(id), 'claim:giaReportNumber'))!;
    await store.diamonds.save({ ...report('6100000007'), id }, who);
    await leaveUnreleased(id, 'giaReportNumber', 'g', '6100000006', token, entry);

    // The repair sweep's pass: only what is older than its grace is owed.
    expect(await store.diamonds.finishReleases({ before: Date.now() - 60_000 })).toBe(0);
    expect(await store.diamonds.finishReleases({ before: Date.now() + 1 })).toBe(1);
    expect(await redis.hget(reportIndex('6100000006'), '6100000006')).toBeNull();
    expect(await redis.hget(store.keys.diamond(id), 'indexIntent')).toBeNull();
    expect(await redis.zcard(store.keys.indexIntents(store.keys.shardOf(id)))).toBe(0);

    // The stone takes its old report back under a new claim; the old release, run late, leaves it be.
    await store.diamonds.save({ ...report('6100000006'), id }, who);
    await leaveUnreleased(id, 'giaReportNumber', 'g', '6100000006', token);
    expect(await store.diamonds.finishReleases({ before: Date.now() + 1 })).toBe(1);
    expect(await store.identity.findByIdentifier('giaReportNumber', '6100000006')).toBe(id);
    await expect(store.diamonds.save(report('6100000006'), who)).rejects.toThrow(IdentifierConflictError);
  });

  it('lists a parcel only with the stones whose records are in it', async () => {
    const parcel = (kpCertificate: string, id?: string) =>
      polishedStone({
        ...(id === undefined ? {} : { id }),
        identifiers: { kpCertificate },
      });
    const a = await store.diamonds.save(parcel('KP-0001'), who);
    const b = await store.diamonds.save(parcel('KP-0001'), who);
    const entry = `KP-0001\n${a.id}`;
    const claim = await redis.hget(store.keys.identifierClaims('kpCertificate', 'KP-0001'), entry);
    await store.diamonds.save(parcel('KP-0002', a.id), who);
    // The crash: a's old membership was never released.
    const index = store.keys.identifier('kpCertificate', 'KP-0001');
    await redis.zadd(index, 0, entry);
    expect(claim).not.toBeNull();
    const page = await store.identity.parcel('kpCertificate', 'KP-0001');
    expect(page.ids).toEqual([b.id]);
  });

  // What a crash between a save and its release leaves: the save's intent to release `value` (held under
  // `token`) on the stone and in its shard's set, and the old index entry, when given, put back.
  async function leaveUnreleased(
    id: string,
    name: string,
    kind: string,
    value: string,
    token: string,
    entry?: string,
  ): Promise<void> {
    if (entry !== undefined) await redis.hset(store.keys.identifier('giaReportNumber', value), value, entry);
    await redis.hset(store.keys.diamond(id), 'indexIntent', JSON.stringify([[name, kind, value, token]]));
    await redis.zadd(store.keys.indexIntents(store.keys.shardOf(id)), Date.now() - 1, id);
  }
});
