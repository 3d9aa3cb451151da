/**
 * Sync throughput: rough stones per second synced to both platforms end to end (registration, the store,
 * BullMQ, the workers, the simulators in processes of their own), against the same stones written straight
 * to both simulators by bare batching clients (the ledger's largest signed batches, the same calls in
 * flight) with no bridge and no Redis: what the platforms can take from a good client. Also the queues' own
 * Redis footprint after the measured batches against after a warm-up batch, once retention has trimmed both.
 *
 * The two paths take turns, round after round, with the simulators reset before each; each round's ratio is
 * the bridge's rate over the bare clients' rate of the same round, and the figure is the median round with
 * the spread. Each round's wall and CPU seconds go to stderr.
 */
import type { JobType } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PlatformClient } from '../src/adapters/contract.js';
import { giaAdapter } from '../src/adapters/gia/index.js';
import type { AnyAdapter } from '../src/adapters/registry.js';
import { tracrAdapter } from '../src/adapters/tracr/index.js';
import { loadConfig, queueConfigFor, type BridgeConfig } from '../src/config.js';
import { connectClients } from '../src/connect-clients.js';
import { registerMany } from '../src/sync/register.js';
import { queueConnection, syncJobCounts } from '../src/queue/queues.js';
import { startWorkers, type RunningWorkers } from '../src/workers.js';
import { createStore, newDiamondId, type Store } from '../src/store/index.js';
import type { DiamondRecord } from '../src/types/diamond.js';
import { startRedis } from '../test/support/redis.js';
import { figure, repeatedFigure, type Benchmark } from './figure.js';
import {
  benchParticipant,
  benchParticipantKey,
  cpuSnapshot,
  cpuSpent,
  forEachLimited,
  ownCpuSeconds,
  redisCpuSeconds,
  roughStone,
  secondsSince,
  simulatorAdmin,
  spawnSimulator,
  waitFor,
  type SpawnedSimulator,
} from './support.js';

const stonesPerRound = Number(process.env.TRACEBRIDGE_BENCH_SYNC_STONES ?? 500);
const rounds = 3;
/** Enough for every queue's event stream to reach its cap, so "before" is BullMQ's steady state. */
const warmUpStones = 300;
/** The key prefix the sync benches' bridges run under. */
export const prefix = '{tbbench}';
/** Finished jobs kept per queue: small, so the bench sees retention at work rather than its ceiling. */
const keepCompleted = 100;

/** The adapters the sync benches write through. */
export const adapters = new Map<string, AnyAdapter>([
  [giaAdapter.name, giaAdapter],
  [tracrAdapter.name, tracrAdapter],
]);

/** Wall seconds of one batch and the CPU seconds each process spent on it. */
interface Round {
  seconds: number;
  /** CPU seconds per process, as `bridge 1.2, tracr 0.4, ...`. */
  cpu: string;
  /** Where part of the time went, for the bridge: how long registering the stones took. */
  note?: string;
}

export const syncBenchmark: Benchmark = {
  name: 'sync',
  async run() {
    const redis = await startRedis();
    const sims: SpawnedSimulator[] = [];
    let connection: Redis | undefined;
    let workers: RunningWorkers | undefined;
    try {
      const [tracr, gia] = await Promise.all([spawnSimulator('tracr'), spawnSimulator('gia')]);
      sims.push(tracr, gia);
      const config = benchConfig(redis.url, tracr.url, gia.url);
      const concurrency = Math.min(
        queueConfigFor(config, 'tracr').concurrency,
        queueConfigFor(config, 'gia').concurrency,
      );
      const queueRedis = queueConnection(config.redisUrl!);
      connection = queueRedis;
      const store = createStore(queueRedis, { prefix: `${prefix}:` });
      workers = await startWorkers(config, {
        adapters,
        clients: connect(config),
        store,
        connection: queueRedis,
        feeds: false,
        onError: (error, where) => process.stderr.write(`bench sync: [${where}] ${error.message}\n`),
      });
      const running = workers;
      const parts = {
        bridge: ownCpuSeconds,
        tracr: tracr.cpuSeconds,
        gia: gia.cpuSeconds,
        redis: () => redisCpuSeconds(queueRedis),
      };
      const measure = async (work: () => Promise<string | void>): Promise<Round> => {
        // Both paths meet a ledger and a registry as empty as the other did.
        await Promise.all(sims.map((sim) => simulatorAdmin(sim.url, '/admin/reset')));
        const before = await cpuSnapshot(parts);
        const started = process.hrtime.bigint();
        const note = await work();
        const seconds = secondsSince(started);
        return { seconds, cpu: cpuSpent(before, await cpuSnapshot(parts)), ...(note ? { note } : {}) };
      };
      const direct = (lotName: string, count: number): Promise<Round> =>
        measure(() => writeDirect(connect(config), lot(lotName, count), concurrency));
      const bridge = (lotName: string, count: number): Promise<Round> =>
        measure(() => syncThroughBridge(store, running, lot(lotName, count)));

      await direct('WARM-D', 100);
      await bridge('WARM-B', warmUpStones);
      await waitForRetention(running);
      const queueBytesBefore = await queueMemory(queueRedis);
      const directRounds: Round[] = [];
      const bridgeRounds: Round[] = [];
      for (let round = 1; round <= rounds; round++) {
        directRounds.push(await direct(`D${round}`, stonesPerRound));
        bridgeRounds.push(await bridge(`B${round}`, stonesPerRound));
        report(round, 'direct', directRounds.at(-1)!);
        report(round, 'bridge', bridgeRounds.at(-1)!);
      }
      await waitForRetention(running);
      const queueBytesAfter = await queueMemory(queueRedis);
      const failed = await countJobs(running, 'failed');
      if (failed > 0) throw new Error(`bench sync: ${failed} sync jobs failed`);

      return [
        repeatedFigure(
          `sync: rough stones/s to both platforms, bridge vs bare batching clients (${concurrency} calls in flight, ${rounds}x${stonesPerRound})`,
          directRounds.map((direct, i) => ({
            value: stonesPerRound / bridgeRounds[i]!.seconds,
            baseline: stonesPerRound / direct.seconds,
          })),
          'stones/s',
          { ratio: 0.5, better: 'higher' },
        ),
        figure(
          `sync: Redis memory of the queue keys after ${rounds * stonesPerRound} more stones vs before (keep ${keepCompleted} done)`,
          { value: queueBytesAfter / 1024, baseline: queueBytesBefore / 1024, unit: 'KiB' },
          { ratio: 1.1, better: 'lower' },
        ),
      ];
    } finally {
      await workers?.close(5_000);
      connection?.disconnect();
      await Promise.all(sims.map((sim) => sim.stop()));
      await redis.stop();
    }
  },
};

export function lot(name: string, count: number): DiamondRecord[] {
  return Array.from({ length: count }, (_, n) => roughStone(name, n));
}

function report(round: number, path: string, { seconds, cpu, note }: Round): void {
  process.stderr.write(
    `  round ${round} ${path}: ${(stonesPerRound / seconds).toFixed(1)} stones/s in ${seconds.toFixed(1)} s; CPU s: ${cpu}${note ? `; ${note}` : ''}\n`,
  );
}

/** The bridge's settings for a sync bench over `redis` (a single node's URL, or a cluster and partitions). */
export function benchConfig(
  redis: string | { clusterNodes: readonly string[]; partitions: number },
  tracrUrl: string,
  giaUrl: string,
): BridgeConfig {
  const concurrency = process.env.TRACEBRIDGE_BENCH_SYNC_CONCURRENCY;
  // An empty environment otherwise: the figures must not depend on what the shell running the bench exports.
  return loadConfig(
    {
      ...(typeof redis === 'string'
        ? { redisUrl: redis }
        : { redisClusterNodes: redis.clusterNodes, queuePartitions: redis.partitions }),
      prefix,
      adapters: ['gia', 'tracr'],
      adapterOptions: {
        tracr: { url: tracrUrl, participantId: benchParticipant, privateKey: benchParticipantKey },
        gia: { url: `${giaUrl}/graphql` },
      },
      retention: { completedCount: keepCompleted, completedAgeSec: 3_600 },
      ...(concurrency === undefined
        ? {}
        : { queueDefaults: { concurrency: Number(concurrency), ratePerSec: 0, attempts: 12 } }),
    },
    {},
  );
}

export function connect(config: BridgeConfig): Map<string, PlatformClient> {
  return connectClients(config, adapters, {}).clients;
}

/**
 * The baseline, and the limit: every stone written straight to both platforms by a good client with no
 * bridge and no Redis. A platform with batch writes (the ledger) gets signed batches of its largest size,
 * `concurrency` calls in flight; one without gets one stone per call, `concurrency` in flight. The bridge
 * IDs are assigned up front, as registration would.
 */
async function writeDirect(
  clients: Map<string, PlatformClient>,
  batch: readonly DiamondRecord[],
  concurrency: number,
): Promise<void> {
  const withIds = batch.map((record) => ({ ...record, id: newDiamondId() }));
  await Promise.all(
    [...clients].map(async ([platform, client]) => {
      const items = withIds.map((record) => ({ record, idempotencyKey: `bench-${platform}-${record.id}` }));
      const size = adapters.get(platform)?.capabilities.batchWriteSize ?? 1;
      if (client.putMany !== undefined && size > 1) {
        const putMany = client.putMany.bind(client);
        const calls = Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
          items.slice(i * size, (i + 1) * size),
        );
        await forEachLimited(calls, concurrency, async (call) => {
          const refused = (await putMany(call)).filter((result) => result.status === 'rejected');
          if (refused.length > 0) throw new Error(`bench sync: ${platform} refused ${refused.length} stones`);
        });
      } else {
        await forEachLimited(items, concurrency, async ({ record, idempotencyKey }) => {
          await client.put(record, { idempotencyKey });
        });
      }
    }),
  );
  await Promise.all([...clients.values()].map(async (client) => client.close?.()));
}

/**
 * Registers `batch` and waits until no sync job is left waiting, running or delayed (any follow-up that a
 * Tracr ID's write-back causes included), then checks every stone is linked on both platforms. Answers
 * how long the registration itself took.
 */
export async function syncThroughBridge(
  store: Store,
  workers: RunningWorkers,
  batch: readonly DiamondRecord[],
): Promise<string> {
  const started = process.hrtime.bigint();
  const registered = await registerMany({ store, queues: workers.queues, adapters }, batch, {
    actor: 'bench',
    org: benchParticipant,
  });
  const registering = secondsSince(started);
  await waitFor(
    `${batch.length} stones to sync`,
    async () => (await countJobs(workers, 'waiting', 'active', 'delayed', 'prioritized')) === 0,
    600_000,
  );
  const refs = await Promise.all(registered.map(({ id }) => store.identity.refs(id)));
  const unsynced = refs.filter((linked) => linked.gia === undefined || linked.tracr === undefined).length;
  if (unsynced > 0) throw new Error(`bench sync: ${unsynced} stones are not on both platforms`);
  return `registered in ${registering.toFixed(2)} s`;
}

async function countJobs(workers: RunningWorkers, ...states: JobType[]): Promise<number> {
  let total = 0;
  for (const platform of workers.queues.platforms) {
    const counts = await syncJobCounts(workers.queues, platform, ...states);
    for (const count of Object.values(counts)) total += count;
  }
  return total;
}

/** Waits until each queue holds no more finished jobs than retention keeps. */
async function waitForRetention(workers: RunningWorkers): Promise<void> {
  await waitFor(
    'retention to trim finished jobs',
    async () => {
      for (const platform of workers.queues.platforms) {
        const { completed = 0 } = await syncJobCounts(workers.queues, platform, 'completed');
        if (completed > keepCompleted) return false;
      }
      return true;
    },
    30_000,
  );
}

/**
 * Bytes Redis spends on BullMQ's keys (every sync queue and the feed queue), by MEMORY USAGE of each key.
 * The store's records are left out on purpose: they are the bridge's data, which grows with every stone,
 * not queue overhead.
 */
async function queueMemory(redis: Redis): Promise<number> {
  let bytes = 0;
  for (const pattern of [`${prefix}:sync-*`, `${prefix}:feeds:*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) bytes += (await redis.memory('USAGE', key, 'SAMPLES', 0)) ?? 0;
    } while (cursor !== '0');
  }
  return bytes;
}
