/**
 * The store on a real Redis Cluster with its stones spread over shards: every step the store takes runs
 * here as on one node, where a script or pipeline that reached across two slots would be refused with
 * CROSSSLOT. Saves and their claims, look-ups, links under a lease, mirrors, the outbox, the audit log read
 * across every master, lists and counts, a feed page with its cursor, rejected feed records, a rejected
 * match, and the repair of a release a crash left owed.
 */
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/store/connection.js';
import { createStore, IdentifierConflictError, keySlot, type Store } from '../../src/store/index.js';
import { createProposal, rejectProposal } from '../../src/store/match-proposals.js';
import { recordRejectedChanges } from '../../src/sync/rejected.js';
import { startRedisCluster, type TestRedisCluster } from '../support/redis-cluster.js';
import { polishedStone, roughStone } from '../store/fixtures.js';

const who = { actor: 'producer:demo-mining', action: 'register' };
const STONES = 300;

describe('the store on a Redis Cluster, spread over shards', () => {
  let cluster: TestRedisCluster;
  let redis: Cluster;
  let store: Store;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    redis = connectRedis({ clusterNodes: cluster.nodes }, 'store') as Cluster;
    store = createStore(redis, { prefix: '{tbstore}:', shards: 64 });
  }, 120_000);
  afterAll(async () => {
    redis?.disconnect();
    await cluster?.stop();
  });

  it('places every key in the slot the cluster itself computes for it', async () => {
    const keys = [
      store.keys.members(0),
      store.keys.members(63),
      store.keys.diamond('tb_01HZZZZZZZZZZZZZZZZZZZZZZZ'),
      store.keys.identifier('producerRef', 'LOT-1'),
      '{tbstore}:cursors',
      'no-tag-at-all',
      'empty{}tag',
      'two{first}{second}',
      '{}{second}',
    ];
    for (const key of keys)
      expect(keySlot(key), key).toBe(Number(await redis.call('CLUSTER', 'KEYSLOT', key)));
  });

  it('saves a batch over many shards, and lists, counts and reads back every stone once', async () => {
    const batch = Array.from({ length: STONES }, (_, i) => ({
      record: { ...roughStone(`CS-${i}`), owner: { org: 'demo-mining' } },
    }));
    const saved = await store.diamonds.saveMany(batch, { ...who, syncIntent: {} });
    expect(saved.every((result) => result.outcome === 'created')).toBe(true);
    const ids = saved.map((result) => result.id);
    expect(new Set(ids.map((id) => store.keys.shardOf(id))).size).toBeGreaterThan(32);

    expect(await store.diamonds.count()).toBe(STONES);
    const listed: string[] = [];
    for await (const id of store.diamonds.ids({ pageSize: 37 })) listed.push(id);
    expect(listed.sort()).toEqual([...ids].sort());
    const read = await store.diamonds.getMany(ids);
    expect(read.map((stone) => stone?.record.identifiers?.producerRef)).toEqual(
      batch.map(({ record }) => record.identifiers?.producerRef),
    );
    const found = await store.identity.findManyByIdentifier(
      ids.map((_, i) => ({ name: 'producerRef', value: `CS-${i}`, org: 'demo-mining' })),
    );
    expect(found).toEqual(ids);

    // The outbox holds each stone's intent in its shard until the enqueue clears it.
    expect(await store.outbox.count()).toBe(STONES);
    const pending = await store.outbox.pending({ before: Date.now() + 1, count: STONES });
    expect(pending.map((intent) => intent.diamondId).sort()).toEqual([...ids].sort());
    expect(await store.outbox.clear(pending)).toBe(STONES);
    expect(await store.outbox.count()).toBe(0);

    // The bridge-wide audit log is every shard's stream, merged newest first.
    const recent = await store.audit.recent({ count: STONES });
    expect(new Set(recent.map((entry) => entry.diamondId)).size).toBe(STONES);
  });

  it('lets one of many stones saved at once with one report number have it', async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 12 }, () =>
        store.diamonds.save(polishedStone({ identifiers: { giaReportNumber: '7200000001' } }), who),
      ),
    );
    const won = attempts.flatMap((attempt) => (attempt.status === 'fulfilled' ? [attempt.value] : []));
    expect(won).toHaveLength(1);
    for (const attempt of attempts)
      if (attempt.status === 'rejected') expect(attempt.reason).toBeInstanceOf(IdentifierConflictError);
    expect(await store.identity.findByIdentifier('giaReportNumber', '7200000001')).toBe(won[0]!.id);
  });

  it('links, mirrors and syncs a stone under a lease held in its own shard', async () => {
    const { id } = await store.diamonds.save(
      polishedStone({ identifiers: { giaReportNumber: '7200000002', kpCertificate: 'KP-CS-1' } }),
      who,
    );
    const lease = store.keys.syncLease('tracr', id);
    await redis.set(lease, 'job-1:1', 'PX', 10_000);
    const fence = { key: lease, holder: 'job-1:1' };
    const source = { ref: 'TRC-CS-2', syncedAt: new Date().toISOString(), hash: `sha256:${'b'.repeat(64)}` };
    expect(await store.identity.recordSync(id, 'tracr', source, { actor: 'worker:tracr', fence })).toBe(
      'linked',
    );
    expect(await store.identity.resolve('tracr', 'TRC-CS-2')).toBe(id);
    expect(await store.identity.refs(id)).toEqual({ tracr: 'TRC-CS-2' });
    const view = { schemaVersion: '1', kind: 'polished' } as const;
    expect(await store.mirrors.save(id, 'tracr', view, { readAt: new Date(), fence })).toBe(true);
    expect((await store.mirrors.getMany([id]))[0]?.tracr?.view).toEqual(view);
    expect((await store.identity.parcel('kpCertificate', 'KP-CS-1')).ids).toEqual([id]);
    expect((await store.audit.history(id)).map((entry) => entry.action)).toEqual(['register', 'sync']);
  });

  it('stores a feed page with its cursor, and records what the feed and a person rejected', async () => {
    const page = [roughStone('CS-FEED-1'), roughStone('CS-FEED-2')].map((record) => ({ record }));
    const [first] = await store.cursors.saveChangesAndAdvance('tracr', '42', page, {
      actor: 'feed:tracr',
      action: 'change-feed',
      platform: 'tracr',
    });
    expect(await store.cursors.getCursor('tracr')).toBe('42');
    await recordRejectedChanges(
      store,
      'tracr',
      [
        { ref: 'TRC-BAD-1', reason: 'no mapping' },
        { ref: 'TRC-BAD-2', reason: 'proof fails', diamondId: first!.id },
      ],
      { actor: 'feed:tracr' },
    );
    const rejected = (await store.audit.recent({ count: 10 })).filter(
      (entry) => entry.action === 'change-rejected',
    );
    expect(rejected.map((entry) => entry.diamondId).sort()).toEqual(['', first!.id]);

    const { proposal } = await createProposal(
      store,
      { platform: 'gia', ref: '7200000099', diamondId: first!.id, grade: 'possible', score: 40, reasons: [] },
      { actor: 'reconcile' },
    );
    await rejectProposal(store, proposal!.proposalId, { actor: 'compliance:demo' });
    expect((await store.audit.history(first!.id)).map((entry) => entry.action)).toContain('match.reject');
  });

  it('finishes a release a crash left owed', async () => {
    const { id } = await store.diamonds.save(
      polishedStone({ identifiers: { giaReportNumber: '7200000003' } }),
      who,
    );
    const index = store.keys.identifier('giaReportNumber', '7200000003');
    const entry = (await redis.hget(index, '7200000003'))!;
    const token = (await redis.hget(store.keys.diamond(id), 'claim:giaReportNumber'))!;
    await store.diamonds.save(polishedStone({ id, identifiers: { giaReportNumber: '7200000004' } }), who);
    await redis.hset(index, '7200000003', entry);
    await redis.hset(
      store.keys.diamond(id),
      'indexIntent',
      JSON.stringify([['giaReportNumber', 'g', '7200000003', token]]),
    );
    await redis.zadd(store.keys.indexIntents(store.keys.shardOf(id)), Date.now() - 1, id);
    expect(await store.identity.findByIdentifier('giaReportNumber', '7200000003')).toBeNull();
    expect(await store.diamonds.finishReleases({ before: Date.now() + 1 })).toBe(1);
    expect(await redis.hget(index, '7200000003')).toBeNull();
  });
});
