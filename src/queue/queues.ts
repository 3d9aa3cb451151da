/**
 * The bridge's BullMQ queues: one sync queue per target platform (`sync-<platform>`), so each has its own
 * concurrency, rate limit and backoff, split into partitions (see partitions.ts) that a Redis Cluster
 * spreads over its masters; and one queue each for change-feed pulls, reconciliation runs and imports,
 * under the store's hash tag. Finished jobs are trimmed by count and age so Redis memory stays flat
 * however many stones pass through.
 */
import { Queue, type JobType, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { BridgeConfig } from '../config.js';
import { BACKOFF_TYPE, UNCOUNTED_ATTEMPTS } from './policy.js';
import {
  FEED_QUEUE,
  syncJobId,
  syncQueueName,
  RECONCILE_QUEUE,
  IMPORT_QUEUE,
  type FeedJobData,
  type ImportJobData,
  type ReconcileJobData,
  type SyncJobData,
  type SyncJobResult,
} from './job-ids.js';
import { partitionOf, partitionPrefix } from './partitions.js';
import type { RedisClient } from '../store/index.js';

/** The sync queues, the feed queue and the reconcile queue over one connection. */
export interface BridgeQueues {
  /** The BullMQ prefix (the hash tag), e.g. `{tracebridge}`. */
  readonly prefix: string;
  /** The platforms that have a sync queue. */
  readonly platforms: readonly string[];
  /** How many partitions each platform's sync queue has (`TRACEBRIDGE_QUEUE_PARTITIONS`). */
  readonly partitions: number;
  /**
   * The sync queue partition of `platform` that holds the jobs of the stone `diamondId`; throws naming
   * the known platforms when there is none.
   */
  sync(platform: string, diamondId: string): Queue<SyncJobData, SyncJobResult>;
  /** Every sync queue partition of `platform`, by partition number; throws as {@link sync} does. */
  syncPartitions(platform: string): readonly Queue<SyncJobData, SyncJobResult>[];
  readonly feeds: Queue<FeedJobData>;
  readonly reconcile: Queue<ReconcileJobData>;
  readonly imports: Queue<ImportJobData>;
  close(): Promise<void>;
}

/** One sync job to enqueue. */
export interface SyncRequest extends SyncJobData {
  target: string;
  /**
   * The content changed (it was not a re-delivery): a finished job with the same ID, left from when the
   * stone last had this content, is retried rather than taken as done, or A -> B -> A would stop at B.
   */
  changed?: boolean;
}

/** A sync job as enqueued. */
export interface EnqueuedJob {
  id: string;
  platform: string;
}

/** A connection as BullMQ needs it: commands wait through a Redis restart instead of failing. */
export function queueConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** The job options of a sync job on `platform`. */
export function syncJobOptions(config: BridgeConfig, _platform: string): JobsOptions {
  const { retention, retry } = config;
  return {
    // Retried until the job is older than `retry.maxAgeMs` (see the sync processor), never by a count.
    attempts: UNCOUNTED_ATTEMPTS,
    backoff: { type: BACKOFF_TYPE, delay: retry.backoffBaseMs },
    removeOnComplete: { age: retention.completedAgeSec, count: retention.completedCount },
    removeOnFail: { age: retention.failedAgeSec, count: retention.failedCount },
    keepLogs: 20,
  };
}

/** The BullMQ prefix of each sync queue partition, by partition number (workers use the same ones). */
export function syncPartitionPrefixes(config: BridgeConfig): string[] {
  return Array.from({ length: config.queuePartitions }, (_, partition) =>
    partitionPrefix(config.prefix, partition, config.queuePartitions),
  );
}

/** Opens the queues of `platforms` over `connection` (see {@link queueConnection}). */
export function createQueues(
  connection: RedisClient,
  config: BridgeConfig,
  platforms: readonly string[],
): BridgeQueues {
  // BullMQ's event stream per queue is for QueueEvents listeners, which the bridge has none of (job state
  // and logs are read from the jobs): the last hundred events are enough for an operator's own listener,
  // and a thousand cost each queue about 250 KB.
  const common = { connection, prefix: config.prefix, streams: { events: { maxLen: 100 } } };
  const sync = new Map<string, Queue<SyncJobData, SyncJobResult>[]>();
  for (const platform of platforms) {
    sync.set(
      platform,
      syncPartitionPrefixes(config).map(
        (prefix) =>
          new Queue<SyncJobData, SyncJobResult>(syncQueueName(platform), {
            ...common,
            prefix,
            defaultJobOptions: syncJobOptions(config, platform),
          }),
      ),
    );
  }
  const partitionsOf = (platform: string): Queue<SyncJobData, SyncJobResult>[] => {
    const queues = sync.get(platform);
    if (!queues) {
      throw new Error(
        `[tracebridge] [queue] no sync queue for platform '${platform}'; known: ${[...sync.keys()].join(', ')}`,
      );
    }
    return queues;
  };
  const feeds = new Queue<FeedJobData>(FEED_QUEUE, {
    ...common,
    defaultJobOptions: {
      attempts: 1,
      removeOnComplete: { count: 100 },
      removeOnFail: { age: config.retention.failedAgeSec, count: 1_000 },
    },
  });
  const reconcile = new Queue<ReconcileJobData>(RECONCILE_QUEUE, {
    ...common,
    defaultJobOptions: {
      // A run that failed on a Redis or platform hiccup starts over; the run's report says why it stopped.
      attempts: 3,
      backoff: { type: 'exponential', delay: 2_000 },
      removeOnComplete: { count: 1_000 },
      removeOnFail: { count: 1_000, age: 7 * 24 * 3600 },
    },
  });
  const imports = new Queue<ImportJobData>(IMPORT_QUEUE, {
    ...common,
    defaultJobOptions: {
      // An import resumes from its last committed batch, so a retry after a Redis hiccup loses nothing.
      attempts: 5,
      backoff: { type: 'exponential', delay: 2_000 },
      removeOnComplete: { count: 1_000 },
      removeOnFail: { count: 1_000, age: 7 * 24 * 3600 },
    },
  });
  return {
    prefix: config.prefix,
    platforms: [...platforms],
    partitions: config.queuePartitions,
    sync: (platform, diamondId) => partitionsOf(platform)[partitionOf(diamondId, config.queuePartitions)]!,
    syncPartitions: partitionsOf,
    feeds,
    reconcile,
    imports,
    async close() {
      await Promise.all(
        [...[...sync.values()].flat(), feeds, reconcile, imports].map((queue) => queue.close()),
      );
    },
  };
}

/** Job counts of `platform`'s sync queue in `states`, summed over its partitions. */
export async function syncJobCounts(
  queues: BridgeQueues,
  platform: string,
  ...states: JobType[]
): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const counts of await Promise.all(
    queues.syncPartitions(platform).map((queue) => queue.getJobCounts(...states)),
  )) {
    for (const [state, count] of Object.entries(counts)) totals[state] = (totals[state] ?? 0) + count;
  }
  return totals;
}

/**
 * Adds sync jobs, pipelined per queue partition. A job whose ID already exists (the same change enqueued
 * again) is not added twice: BullMQ answers the existing job. Answers each request's job, in the order
 * asked.
 */
export async function enqueueSync(
  queues: BridgeQueues,
  requests: readonly SyncRequest[],
): Promise<EnqueuedJob[]> {
  const byQueue = new Map<Queue<SyncJobData, SyncJobResult>, SyncRequest[]>();
  for (const request of requests) {
    const queue = queues.sync(request.target, request.diamondId);
    const list = byQueue.get(queue) ?? [];
    list.push(request);
    byQueue.set(queue, list);
  }
  await Promise.all(
    [...byQueue].map(async ([queue, list]) => {
      await Promise.all(
        list.filter((request) => request.changed).map((request) => takeOverExisting(queue, request)),
      );
      await queue.addBulk(
        list.map(({ target, changed: _changed, ...data }) => ({
          name: 'sync',
          data,
          opts: { jobId: syncJobId(target, data.diamondId, data.hash) },
        })),
      );
    }),
  );
  return requests.map((request) => ({
    id: syncJobId(request.target, request.diamondId, request.hash),
    platform: request.target,
  }));
}

/**
 * A job with this request's ID already exists: it takes this request's data, so it carries the new
 * request's guard (`afterVersion`) rather than the one it was first enqueued with, and a finished one runs
 * again. Without the new guard, an A -> B -> A change from a feed could run before A's save, write B, and
 * leave A unsynced. A running job's data is its worker's to change, so it is left alone.
 */
async function takeOverExisting(
  queue: Queue<SyncJobData, SyncJobResult>,
  request: SyncRequest,
): Promise<void> {
  const job = await queue.getJob(syncJobId(request.target, request.diamondId, request.hash));
  if (!job) return;
  const state = await job.getState();
  if (state === 'active') return;
  const { target: _target, changed: _changed, ...data } = request;
  await job.updateData(data);
  if (state === 'completed' || state === 'failed') await job.retry(state);
}
