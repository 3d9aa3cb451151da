/**
 * The composition root: every bridge process (`serve`, `worker`, `reconcile`, `demo`, the benchmarks and the
 * tests) starts here. It loads and checks the adapters, connects each client once with the adapter's own
 * options, wraps every client once (timing, failure classes and write outcomes for `/metrics`), connects
 * Redis and opens the sync queues, so the API and the workers of one process share the same wrapped clients.
 */
import type { PlatformClient } from './adapters/contract.js';
import { loadAdapters, type AnyAdapter } from './adapters/registry.js';
import { instrumentClient } from './metrics/instrument-client.js';
import { createMetrics, type BridgeMetrics } from './metrics/bridge-metrics.js';
import type { BridgeConfig } from './config.js';
import { createParticipants, ledgerShorthand, type Participants } from './participants/registry.js';
import { adaptersInPlay, connectClients, type ConnectedClients } from './connect-clients.js';
import { createQueues, syncJobCounts, syncPartitionPrefixes, type BridgeQueues } from './queue/queues.js';
import {
  startWorkers as startQueueWorkers,
  type RunningWorkers,
  type WorkerDependencies,
} from './workers.js';
import {
  connectRedis,
  createReplicas,
  createStore,
  redisTarget,
  type RedisClient,
  type Replicas,
  type Store,
} from './store/index.js';

/** Options of {@link createBridge}. */
export interface BridgeOptions {
  /**
   * Clients already connected (tests, benchmarks), used instead of connecting from configuration; each is
   * wrapped like a configured one. The ledger shorthand then comes from `config.adapterOptions` only.
   */
  clients?: ReadonlyMap<string, PlatformClient>;
  /** Open the sync queues (registration and job routes need them). Default true. */
  queues?: boolean;
  /**
   * The store's commands wait out a Redis outage, as a worker's jobs do, and share the workers' connection.
   * Default false: they fail after two retries, so the API answers at once instead of hanging.
   */
  storeWaitsForRedis?: boolean;
  /** A connection of the caller's for the store (a command-line run that fails fast when Redis is down). */
  storeConnection?: RedisClient;
  /** Where a lost Redis connection is reported. Default nowhere: ioredis reconnects by itself. */
  onRedisError?: (error: Error) => void;
  /** Where adapters' options are read from. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** A bridge's parts, built once. */
export interface Bridge {
  readonly config: BridgeConfig;
  /** The adapters in play: each connected one and each format-only one. */
  readonly adapters: ReadonlyMap<string, AnyAdapter>;
  /** One wrapped client per connected adapter. */
  readonly clients: ReadonlyMap<string, PlatformClient>;
  /** Adapters left out, with the reason. */
  readonly unconnected: ConnectedClients['unconnected'];
  readonly metrics: BridgeMetrics;
  readonly participants: Participants;
  readonly store: Store;
  /** Confirms on a replica what the store and the queues wrote, before a write is acknowledged. */
  readonly replicas: Replicas;
  /** The sync queues of the writable platforms; undefined with `queues: false`. */
  readonly queues: BridgeQueues | undefined;
  /** Runs the sync and feed workers of this bridge over its wrapped clients, until closed. */
  startWorkers(
    options?: Partial<Pick<WorkerDependencies, 'feeds' | 'batchLingerMs' | 'onError'>>,
  ): Promise<RunningWorkers>;
  /** Closes the queues, the clients and the Redis connections (workers are closed by their own `close`). */
  close(): Promise<void>;
}

/** Builds a bridge from `config`: adapters, wrapped clients, metrics, store and queues. */
export async function createBridge(config: BridgeConfig, options: BridgeOptions = {}): Promise<Bridge> {
  const target = redisTarget(config);
  if (target === undefined)
    throw new Error(
      '[tracebridge] neither REDIS_URL nor REDIS_CLUSTER_NODES is set: the bridge keeps its state and queues in Redis',
    );
  const loaded = await loadAdapters({ enabled: config.adapters, modules: config.adapterModules });
  const connected: ConnectedClients = options.clients
    ? { clients: new Map(options.clients), options: new Map(), unconnected: [] }
    : connectClients(config, loaded, options.env);
  const adapters = adaptersInPlay(loaded, connected.clients);
  const metrics = createMetrics();
  const clients = new Map(
    [...connected.clients].map(([name, client]) => [name, instrumentClient(name, client, metrics)]),
  );
  const participants = createParticipants(
    config.orgs,
    ledgerShorthand({ ...config.adapterOptions, ...Object.fromEntries(connected.options) }),
  );
  const onRedisError = options.onRedisError ?? (() => undefined);
  const connection = connectRedis(target, 'queue');
  connection.on('error', onRedisError);
  const ownStoreRedis = options.storeConnection === undefined && !options.storeWaitsForRedis;
  const storeRedis =
    options.storeConnection ?? (options.storeWaitsForRedis ? connection : connectRedis(target, 'store'));
  if (ownStoreRedis) storeRedis.on('error', onRedisError);
  const store = createStore(storeRedis, {
    prefix: `${config.prefix}:`,
    audit: config.audit,
    shards: config.storeShards,
  });
  const writable = [...adapters.values()]
    .filter((adapter) => adapter.capabilities.write && clients.has(adapter.name))
    .map((adapter) => adapter.name);
  const queues = options.queues === false ? undefined : createQueues(connection, config, writable);
  if (queues) metrics.watchQueues({ depths: () => queueDepths(queues) });

  return {
    config,
    adapters,
    clients,
    unconnected: connected.unconnected,
    metrics,
    participants,
    store,
    // A 202's stones, their identifiers and their sync jobs may sit on any master: each shard's and each
    // partition's is waited on.
    replicas: createReplicas(
      [storeRedis, connection],
      [
        ...Array.from({ length: store.keys.shards }, (_, shard) => store.keys.members(shard)),
        ...syncPartitionPrefixes(config).map((prefix) => `${prefix}:sync`),
      ],
    ),
    queues,
    startWorkers: (workerOptions = {}) =>
      startQueueWorkers(config, { ...workerOptions, adapters, clients, store, connection, participants }),
    async close() {
      await queues?.close();
      await Promise.allSettled([...connected.clients.values()].map(async (client) => client.close?.()));
      if (ownStoreRedis) storeRedis.disconnect();
      connection.disconnect();
    },
  };
}

async function queueDepths(
  queues: BridgeQueues,
): Promise<Array<{ platform: string; state: string; count: number }>> {
  const counts = await Promise.all(
    queues.platforms.map(
      async (platform) =>
        [
          platform,
          await syncJobCounts(queues, platform, 'waiting', 'active', 'delayed', 'failed', 'completed'),
        ] as const,
    ),
  );
  return counts.flatMap(([platform, byState]) =>
    Object.entries(byState).map(([state, count]) => ({ platform, state, count })),
  );
}
