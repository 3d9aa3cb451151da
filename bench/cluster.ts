/**
 * The bridge on a three-master Redis Cluster (a replica each) against one Redis node, in the same run and on
 * the same machine, where a cluster can only add overhead (two cores for six nodes): sync throughput
 * end to end (registration, the store, BullMQ with the queues in three partitions, the workers, the
 * simulators), the time of a reconciliation run over every stone, and how evenly the stones' own keys
 * spread over the masters (the largest master's share over the smallest's).
 *
 * Sync rounds take turns between the two, with the simulators reset before each; each round's ratio is the
 * cluster's rate over the single node's rate of the same round, and the figure is the median round.
 */
import type { Cluster } from 'ioredis';
import type { BridgeConfig } from '../src/config.js';
import { connectRedis, redisTarget } from '../src/store/connection.js';
import { createStore, type RedisClient, type Store } from '../src/store/index.js';
import { startWorkers, type RunningWorkers } from '../src/workers.js';
import { startRedis } from '../test/support/redis.js';
import { startRedisCluster } from '../test/support/redis-cluster.js';
import { figure, repeatedFigure, type Benchmark } from './figure.js';
import { load, runOnce } from './reconcile.js';
import { secondsSince, simulatorAdmin, spawnSimulator, type SpawnedSimulator } from './support.js';
import { adapters, benchConfig, connect, lot, prefix, syncThroughBridge } from './sync.js';

const stonesPerRound = Number(process.env.TRACEBRIDGE_BENCH_CLUSTER_STONES ?? 500);
const reconcileStones = Number(process.env.TRACEBRIDGE_BENCH_CLUSTER_RECONCILE_STONES ?? 20_000);
const rounds = 3;
const partitions = 3;

/** One bridge, its workers over one Redis layout. */
interface Side {
  config: BridgeConfig;
  connection: RedisClient;
  store: Store;
  workers: RunningWorkers;
}

export const clusterBenchmark: Benchmark = {
  name: 'cluster',
  async run() {
    const single = await startRedis();
    const cluster = await startRedisCluster();
    const sims: SpawnedSimulator[] = [];
    const sides: Side[] = [];
    try {
      const [tracr, gia] = await Promise.all([spawnSimulator('tracr'), spawnSimulator('gia')]);
      sims.push(tracr, gia);
      const open = async (config: BridgeConfig): Promise<Side> => {
        const connection = connectRedis(redisTarget(config)!, 'queue');
        const store = createStore(connection, { prefix: `${config.prefix}:`, shards: config.storeShards });
        const workers = await startWorkers(config, {
          adapters,
          clients: connect(config),
          store,
          connection,
          feeds: false,
          onError: (error, where) => process.stderr.write(`bench cluster: [${where}] ${error.message}\n`),
        });
        const side = { config, connection, store, workers };
        sides.push(side);
        return side;
      };
      const one = await open(benchConfig(single.url, tracr.url, gia.url));
      const many = await open(benchConfig({ clusterNodes: cluster.nodes, partitions }, tracr.url, gia.url));

      const syncRound = async (side: Side, name: string, count: number): Promise<number> => {
        await Promise.all(sims.map((sim) => simulatorAdmin(sim.url, '/admin/reset')));
        const started = process.hrtime.bigint();
        await syncThroughBridge(side.store, side.workers, lot(name, count));
        return secondsSince(started);
      };
      await syncRound(one, 'WARM-1', 100);
      await syncRound(many, 'WARM-C', 100);
      const syncRounds: { value: number; baseline: number }[] = [];
      for (let round = 1; round <= rounds; round++) {
        const oneSeconds = await syncRound(one, `S${round}`, stonesPerRound);
        const manySeconds = await syncRound(many, `C${round}`, stonesPerRound);
        syncRounds.push({ value: stonesPerRound / manySeconds, baseline: stonesPerRound / oneSeconds });
        process.stderr.write(
          `  round ${round}: one node ${(stonesPerRound / oneSeconds).toFixed(1)} stones/s, cluster ${(stonesPerRound / manySeconds).toFixed(1)} stones/s\n`,
        );
      }
      const spread = await stoneKeysPerMaster(many.connection as Cluster);
      process.stderr.write(`  stones' keys per master: ${spread.join(', ')}\n`);

      // Reconciliation over stones loaded beside the synced ones, under a prefix of their own.
      const reconcileStores = sides.map((side) =>
        createStore(side.connection, { prefix: '{tbrecon}:', shards: side.config.storeShards }),
      );
      for (const store of reconcileStores) await load(store, reconcileStones);
      const reconcileRounds: { value: number; baseline: number }[] = [];
      const timed = async (store: Store): Promise<number> => {
        const started = process.hrtime.bigint();
        await runOnce(store, reconcileStones);
        return secondsSince(started);
      };
      for (let round = 1; round <= rounds; round++) {
        const baseline = await timed(reconcileStores[0]!);
        reconcileRounds.push({ baseline, value: await timed(reconcileStores[1]!) });
        process.stderr.write(
          `  reconcile round ${round}: one node ${reconcileRounds.at(-1)!.baseline.toFixed(1)} s, cluster ${reconcileRounds.at(-1)!.value.toFixed(1)} s\n`,
        );
      }

      return [
        repeatedFigure(
          `cluster: sync stones/s on three masters (${partitions} queue partitions) vs one node (${rounds}x${stonesPerRound})`,
          syncRounds,
          'stones/s',
          { ratio: 0.7, better: 'higher' },
        ),
        repeatedFigure(
          `cluster: reconciliation run over ${reconcileStones} stones on three masters vs one node`,
          reconcileRounds,
          's',
          { ratio: 1.5, better: 'lower' },
        ),
        figure(
          `cluster: the stones' own keys on the fullest master vs the emptiest (${spread.reduce((a, b) => a + b, 0)} keys)`,
          { value: Math.max(...spread), baseline: Math.min(...spread), unit: 'keys' },
          { ratio: 1.5, better: 'lower' },
        ),
      ];
    } finally {
      for (const side of sides) {
        await side.workers.close(5_000);
        side.connection.disconnect();
      }
      await Promise.all(sims.map((sim) => sim.stop()));
      await cluster.stop();
      await single.stop();
    }
  },
};

/**
 * How many of the stones' own keys (record, versions, audit stream, mirrors, links: every key named after
 * a bridge ID that is not a queue's) each master holds.
 */
async function stoneKeysPerMaster(cluster: Cluster): Promise<number[]> {
  return Promise.all(
    cluster.nodes('master').map(async (node) => {
      let count = 0;
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', '*tb_*', 'COUNT', 1_000);
        cursor = next;
        // The stones' keys lie under the bridge's shard tags (`{tbsync-s3}`); the queues' are left out.
        count += keys.filter((key) => key.startsWith(prefix.slice(0, -1)) && !key.includes(':sync-')).length;
      } while (cursor !== '0');
      return count;
    }),
  );
}
