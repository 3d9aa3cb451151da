/**
 * The bridge on a real Redis Cluster (three masters, a replica each), from the same code path as on one
 * node: rough stones registered, synced to the GIA-style registry and the Tracr-style ledger while the
 * master holding the bridge's keys is killed with SIGKILL and its replica takes over, then found by their
 * identifiers, looked up across the platforms and reconciled. Exactly once is judged by the simulators' own state. The stones' keys are
 * spread over the store's shards and the sync jobs over the queue partitions, so every master holds a share
 * of both.
 */
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giaAdapter } from '../../src/adapters/gia/index.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { createLookup } from '../../src/lookup/lookup.js';
import { reconcileAll } from '../../src/reconcile/execute-run.js';
import { createReplicas } from '../../src/store/index.js';
import { partitionPrefix } from '../../src/queue/partitions.js';
import { registerMany } from '../../src/sync/register.js';
import type { TestRedisCluster } from '../support/redis-cluster.js';
import { startClusterWorld, type ClusterWorld } from './support.js';
import {
  jobCounts,
  openBridge,
  roughStone,
  simulatorClients,
  testConfig,
  waitUntil,
  type TestBridge,
} from '../queue/support.js';

const STONES = 200;
// As many stones as it takes for each master's share of them to be measured, not guessed.
const SPREAD_STONES = 3_000;

describe('on a Redis Cluster', () => {
  let world: ClusterWorld;
  let cluster: TestRedisCluster;
  let gia: ClusterWorld['gia'];
  let tracr: ClusterWorld['tracr'];
  let bridge: TestBridge;

  beforeAll(async () => {
    world = await startClusterWorld();
    ({ cluster, gia, tracr, bridge } = world);
  }, 120_000);
  afterAll(() => world?.close(), 120_000);

  it('spreads 3,000 stones and their sync jobs over every master, and syncs each stone once', async () => {
    // A fixed prefix, so which master serves each partition's slot is the same on every run.
    const partitioned = openBridge(
      testConfig(cluster, {
        prefix: '{tbpart}',
        // Enough partitions that every master serves some, whichever slots their tags hash to.
        queuePartitions: 12,
        queueDefaults: { concurrency: 8, ratePerSec: 0, attempts: 100 },
      }),
      [giaAdapter, tracrAdapter],
    );
    try {
      const registeredBefore =
        (
          (await (await fetch(`${tracr.url}/admin/state`)).json()) as {
            committedByType: Record<string, number>;
          }
        ).committedByType.REGISTER_ROUGH ?? 0;
      const stones = Array.from({ length: SPREAD_STONES }, (_, i) => roughStone(i, 'PT'));
      for (let from = 0; from < SPREAD_STONES; from += 500)
        await registerMany(partitioned, stones.slice(from, from + 500), {
          actor: 'test',
          org: 'demo-mining',
        });
      expect((await jobCounts(partitioned.queues)).waiting).toBe(2 * SPREAD_STONES);

      const redis = partitioned.connection as Cluster;
      // Each master's share of the stones' own keys (records, audit streams) and of the queued jobs.
      const perMaster = await Promise.all(
        redis.nodes('master').map(async (node) => {
          const stoneKeys = (await node.keys('{tbpart-s*')).filter((key) => /:(diamond|audit):tb_/.test(key));
          const jobs = (await node.keys('{tbpart-p*')).filter((key) => /:sync-[a-z]+-tb_[^:]+$/.test(key));
          return { stoneKeys: stoneKeys.length, jobs: jobs.length };
        }),
      );
      const total = (field: 'stoneKeys' | 'jobs') => perMaster.reduce((sum, each) => sum + each[field], 0);
      expect(total('stoneKeys')).toBe(2 * SPREAD_STONES);
      expect(total('jobs')).toBe(2 * SPREAD_STONES);
      for (const each of perMaster) {
        for (const field of ['stoneKeys', 'jobs'] as const) {
          const share = each[field] / total(field);
          expect(share, `${field} ${JSON.stringify(perMaster)}`).toBeGreaterThanOrEqual(0.2);
          expect(share, `${field} ${JSON.stringify(perMaster)}`).toBeLessThanOrEqual(0.45);
        }
      }
      const tags = Array.from({ length: 12 }, (_, partition) => partitionPrefix('{tbpart}', partition, 12));
      // Each master's keys of the partitions: every partition's keys on one master.
      const held = await Promise.all(
        redis.nodes('master').map(async (node) => {
          const keys = await node.keys('{tbpart-p*');
          return new Set(keys.map((key) => key.slice(0, key.indexOf('}') + 1)));
        }),
      );
      for (const tag of tags) expect(held.filter((partitions) => partitions.has(tag))).toHaveLength(1);
      // What was queued is on a replica of every master it went to, as a 202 waits for.
      expect(
        await createReplicas(
          [redis],
          tags.map((tag) => `${tag}:sync`),
        ).confirm(),
      ).toBe(1);

      await partitioned.startWorkers(simulatorClients(gia.url, tracr.url));
      await waitUntil(
        'every partitioned sync job completes',
        async () => {
          const counts = await jobCounts(partitioned.queues);
          return counts.waiting === 0 && counts.active === 0 && counts.delayed === 0;
        },
        240_000,
      );
      expect((await jobCounts(partitioned.queues)).failed).toBe(0);
      const created = gia.state.intake.writes.filter(
        (write) => write.op === 'create' && write.rough_control_no.startsWith('RCN-PT-'),
      );
      expect(new Set(created.map((write) => write.rough_control_no)).size).toBe(SPREAD_STONES);
      expect(created).toHaveLength(SPREAD_STONES);
      const registeredAfter = (
        (await (await fetch(`${tracr.url}/admin/state`)).json()) as {
          committedByType: Record<string, number>;
        }
      ).committedByType.REGISTER_ROUGH!;
      expect(registeredAfter - registeredBefore).toBe(SPREAD_STONES);
    } finally {
      await partitioned.close();
    }
  }, 400_000);

  it('syncs every stone exactly once to both platforms through a failover, then finds and reconciles them', async () => {
    const ledgerState = async (): Promise<{ committedByType: Record<string, number> }> =>
      (await (await fetch(`${tracr.url}/admin/state`)).json()) as { committedByType: Record<string, number> };
    // The ledger starts with sample stones of its own.
    const registeredBefore = (await ledgerState()).committedByType.REGISTER_ROUGH ?? 0;
    const stones = Array.from({ length: STONES }, (_, i) => roughStone(i, 'CL'));
    const registrations = await registerMany(bridge, stones, { actor: 'test', org: 'demo-mining' });
    expect(registrations.every((r) => r.jobs.length === 2)).toBe(true);
    // Platforms that take a while per call keep the sync going well past the failover below.
    gia.faults.set({ latencyMs: 100 });
    tracr.faults.set({ latencyMs: 100 });
    await bridge.startWorkers(simulatorClients(gia.url, tracr.url));
    await waitUntil('the first sync jobs complete', async () => {
      return ((await jobCounts(bridge.queues)).completed ?? 0) >= 20;
    });

    // The master serving the first shard of the bridge's stones dies mid-sync; its replica is promoted.
    const key = bridge.store.keys.members(0);
    // What the bridge acknowledges is on the replica that is about to take over.
    const replicas = createReplicas([bridge.store.redis], key);
    expect(await replicas.confirm()).toBe(1);
    expect((await jobCounts(bridge.queues)).completed).toBeLessThan(2 * STONES);
    const killed = await cluster.failOver(key);
    expect(await cluster.masterOf(key)).not.toBe(killed);
    // The promoted master has no replica of its own: there is nothing to wait for. The confirmation that
    // knew the dead master asks the new one, as the API's does on its next acknowledgement.
    expect(await replicas.confirm()).toBe(0);
    expect(await createReplicas([bridge.store.redis], key).confirm()).toBe(0);

    await waitUntil(
      'every sync job completes',
      async () => {
        const counts = await jobCounts(bridge.queues);
        return (
          counts.waiting === 0 && counts.active === 0 && counts.delayed === 0 && (counts.completed ?? 0) > 0
        );
      },
      180_000,
    );
    expect((await jobCounts(bridge.queues)).failed).toBe(0);

    const created = gia.state.intake.writes.filter(
      (write) => write.op === 'create' && write.rough_control_no.startsWith('RCN-CL-'),
    );
    expect(new Set(created.map((write) => write.rough_control_no)).size).toBe(STONES);
    expect(created).toHaveLength(STONES);
    expect((await ledgerState()).committedByType.REGISTER_ROUGH! - registeredBefore).toBe(STONES);

    for (const { id } of registrations.slice(0, 10)) {
      const stored = await bridge.store.diamonds.get(id);
      expect(Object.keys(stored?.record.sources ?? {}).sort()).toEqual(['gia', 'tracr']);
    }
    expect(await bridge.store.identity.findByIdentifier('producerRef', 'CL-00007', 'demo-mining')).toBe(
      registrations[7]!.id,
    );
    // A cross-platform lookup by the ledger's ID finds the stone in the store and on both platforms.
    const clients = simulatorClients(gia.url, tracr.url);
    const lookup = createLookup({
      store: bridge.store,
      platforms: [giaAdapter, tracrAdapter].map((adapter) => ({
        ...adapter,
        client: clients.get(adapter.name)!,
      })),
      timeoutMs: 5_000,
    });
    const tracrId = (await bridge.store.diamonds.get(registrations[7]!.id))!.record.identifiers!.tracrId!;
    const answer = await lookup({ name: 'tracrId', value: tracrId });
    expect(answer.diamondId).toBe(registrations[7]!.id);
    expect(answer.platforms.tracr?.status).toBe('found');
    expect(answer.platforms.gia?.status).toBe('found');

    const { progress } = await reconcileAll(bridge.store, [tracrAdapter, giaAdapter], { actor: 'test' });
    expect(progress).toEqual({ done: STONES, total: STONES });
  }, 300_000);
});
