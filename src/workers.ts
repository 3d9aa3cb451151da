/**
 * Worker processes: one BullMQ worker per target platform and queue partition (each platform with its own
 * concurrency, rate limit and backoff), one for change-feed pulls, and the outbox sweeper. They run inside
 * the API process for the embedded default, or alone under `tracebridge worker` to scale out. Closing
 * stops taking jobs and waits, for a bounded time, for the running ones, then cuts the connections; a
 * worker that dies instead has its jobs brought back by BullMQ's stalled-job check.
 */
import { Worker } from 'bullmq';
import type { PlatformClient } from './adapters/contract.js';
import type { AnyAdapter } from './adapters/registry.js';
import { jobConcurrencyFor, queueConfigFor, type BridgeConfig } from './config.js';
import type { Store, RedisClient } from './store/index.js';
import { createPutBatcher } from './queue/batcher.js';
import { createFeedProcessor, scheduleFeeds } from './sync/feeds.js';
import { watchHealth, type HealthWatch } from './queue/health-watch.js';
import { FEED_QUEUE, syncQueueName } from './queue/job-ids.js';
import { startOutboxSweeper } from './sync/outbox-sweeper.js';
import { jitterBackoff } from './queue/policy.js';
import { createQueues, syncPartitionPrefixes, type BridgeQueues } from './queue/queues.js';
import { createImportWorker } from './import/import-jobs.js';
import { createParticipants, type Participants } from './participants/registry.js';
import { createReconcileWorker } from './reconcile/run-jobs.js';
import { createSyncProcessor } from './sync/sync-worker.js';
import { connectRedis, redisTarget } from './store/index.js';

/** What the workers run against. */
export interface WorkerDependencies {
  adapters: ReadonlyMap<string, AnyAdapter>;
  /** A connected client per adapter; adapters without one get no worker. */
  clients: ReadonlyMap<string, PlatformClient>;
  store: Store;
  /** A BullMQ-ready connection (see `connectRedis`); default one to the configured Redis. */
  connection?: RedisClient;
  /** Pull change feeds here too. Default true. */
  feeds?: boolean;
  /** How long a put waits for others to share a `putMany` call, in milliseconds. Default 5. */
  batchLingerMs?: number;
  /** The participants registry, for custody changes the feeds read. Default: `config.orgs` alone. */
  participants?: Participants;
  /** Where worker errors go (a lost Redis connection, a processor bug). Default stderr. */
  onError?: (error: Error, where: string) => void;
}

/** Running workers. */
export interface RunningWorkers {
  readonly queues: BridgeQueues;
  readonly workers: readonly Worker[];
  /**
   * Stops taking jobs and waits up to `timeoutMs` (default 10 s) for running ones; jobs still running then
   * are abandoned to the stalled-job check, which hands them to another worker.
   */
  close(timeoutMs?: number): Promise<void>;
}

/** Starts the sync workers of every writable adapter with a client, and the change-feed worker. */
export async function startWorkers(
  config: BridgeConfig,
  dependencies: WorkerDependencies,
): Promise<RunningWorkers> {
  const { adapters, clients, store } = dependencies;
  const ownConnection = dependencies.connection === undefined;
  const target = redisTarget(config);
  if (ownConnection && target === undefined) {
    throw new Error(
      '[tracebridge] [worker] neither REDIS_URL nor REDIS_CLUSTER_NODES is set: the workers need a Redis to take jobs from',
    );
  }
  const connection = dependencies.connection ?? connectRedis(target!, 'queue');
  const writable = [...adapters.values()].filter((a) => a.capabilities.write && clients.has(a.name));
  const queues = createQueues(
    connection,
    config,
    writable.map((a) => a.name),
  );
  const onError =
    dependencies.onError ??
    ((error, where) => process.stderr.write(`[tracebridge] [${where}] ${error.message}\n`));
  const common = {
    connection,
    prefix: config.prefix,
    lockDuration: config.retry.lockDurationMs,
    stalledInterval: config.retry.stalledIntervalMs,
    // A job whose worker was killed comes back; only a job that keeps killing workers is failed.
    maxStalledCount: 5,
  };
  const workers: Worker[] = [];
  for (const adapter of writable) {
    const client = clients.get(adapter.name)!;
    const settings = queueConfigFor(config, adapter.name);
    const processor = createSyncProcessor({
      adapter,
      client,
      batcher: createPutBatcher(client, {
        maxBatch: adapter.capabilities.batchWriteSize,
        concurrency: settings.concurrency,
        ...(dependencies.batchLingerMs === undefined ? {} : { lingerMs: dependencies.batchLingerMs }),
      }),
      store,
      queues,
      adapters: [...adapters.values()],
      redis: connection,
      prefix: config.prefix,
      lockMs: config.retry.lockDurationMs,
      retryMaxAgeMs: config.retry.maxAgeMs,
    });
    const partitions = config.queuePartitions;
    // More jobs than calls where puts are batched: the batcher, shared by the platform's partitions, keeps
    // the calls to `concurrency`. The process's jobs are shared out among the partitions (rounded up), so
    // however many there are it runs about as many jobs at once as one queue would: their lock renewals
    // keep up.
    const jobs = jobConcurrencyFor(settings, {
      batchWriteSize: adapter.capabilities.batchWriteSize,
      putMany: client.putMany !== undefined,
    });
    for (const prefix of syncPartitionPrefixes(config)) {
      workers.push(
        new Worker(syncQueueName(adapter.name), processor, {
          ...common,
          prefix,
          concurrency: Math.ceil(jobs / partitions),
          // BullMQ limits each queue on its own: each partition gets its share of the platform's rate,
          // as `ratePerSec` jobs per `partitions` seconds, so together they start `ratePerSec` a second.
          ...(settings.ratePerSec > 0
            ? { limiter: { max: settings.ratePerSec, duration: 1_000 * partitions } }
            : {}),
          settings: { backoffStrategy: jitterBackoff(config.retry) },
        }),
      );
    }
  }
  if (dependencies.feeds ?? true) {
    const feedProcessor = createFeedProcessor({
      adapters,
      clients,
      store,
      queues,
      redis: connection,
      prefix: config.prefix,
      leaseMs: config.retry.lockDurationMs,
      participants: dependencies.participants ?? createParticipants(config.orgs),
    });
    workers.push(new Worker(FEED_QUEUE, feedProcessor, { ...common, concurrency: 4 }));
    await scheduleFeeds(
      queues,
      [...adapters.values()].filter((a) => clients.get(a.name)?.changes !== undefined),
      config.feedIntervalMs,
    );
  }
  // Reconciliation runs queued by the API run in whichever bridge process has workers.
  workers.push(
    createReconcileWorker({
      connection,
      prefix: config.prefix,
      store,
      adapters: [...adapters.values()],
      clients,
      lockDuration: config.retry.lockDurationMs,
      stalledInterval: config.retry.stalledIntervalMs,
    }),
  );
  // Bulk imports queued by the API, registered through the same ingest path as single stones.
  workers.push(
    createImportWorker({
      connection,
      prefix: config.prefix,
      ingest: { store, queues, adapters },
      batchSize: config.importBatchSize,
      lockDuration: config.retry.lockDurationMs,
      stalledInterval: config.retry.stalledIntervalMs,
    }),
  );
  for (const worker of workers) worker.on('error', (error) => onError(error, worker.name));
  const health: HealthWatch | undefined =
    config.retry.healthIntervalMs > 0 && writable.length > 0
      ? watchHealth({
          queues: new Map(writable.map((adapter) => [adapter.name, queues.syncPartitions(adapter.name)])),
          clients,
          redis: connection,
          prefix: config.prefix,
          intervalMs: config.retry.healthIntervalMs,
          onError,
          onChange: (platform, paused, detail) =>
            process.stderr.write(
              `[tracebridge] [health] ${platform} ${paused ? 'paused' : 'resumed'}: ${detail}\n`,
            ),
        })
      : undefined;
  // Stones saved whose sync jobs never came (a crash between the two) get them here.
  const sweeper = startOutboxSweeper(
    { store, queues, adapters, redis: connection, prefix: config.prefix },
    {
      intervalMs: config.outbox.sweepIntervalMs,
      graceMs: config.outbox.graceMs,
      leaseMs: config.retry.lockDurationMs,
      holder: `worker-${process.pid}`,
      onError,
    },
  );

  return {
    queues,
    workers,
    async close(timeoutMs = 10_000) {
      await health?.stop();
      await sweeper.stop();
      const graceful = Promise.all(workers.map((worker) => worker.close()));
      if ((await within(graceful, timeoutMs)) === 'timeout') {
        // A second close, even forced, only answers the first one's promise. After a failover the first
        // can wait for ever on a blocking connection to the dead master, so the connections are cut; a
        // cluster client cut that way may never report its end, so that is not waited for either.
        for (const worker of workers) worker.disconnect().catch(() => undefined);
        await within(graceful, 2_000);
      }
      await queues.close();
      if (ownConnection) connection.disconnect();
    },
  };
}

/** Waits for `work`, or answers 'timeout' after `ms`. */
async function within(work: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
