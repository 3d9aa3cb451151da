/**
 * Moves the jobs still to run from one sync queue partition layout to another (`tracebridge queues
 * repartition N`). Each waiting, delayed or prioritized job whose stone belongs to another partition under
 * the new count is added to that partition with the same job ID, data, options, creation time and due
 * time, and only then removed from its old one. A failed job, and a completed one that found the act not
 * permitted, is queued again in its new partition (as `jobs retry` would; it reads the platform before
 * writing, so it writes nothing twice) and ends there as it ended before or better, so a stone's sync
 * status still shows it; other completed jobs stay behind and age out. A run stopped half-way leaves each
 * job in its old partition, in its new one, or (between the two steps) in both; a second run adds nothing
 * twice (the job ID is taken) and removes the old copy, so runs converge. Running jobs cannot be moved:
 * the bridge's workers are stopped first, and a layout with active jobs is refused.
 */
import { Queue, type Job, type JobsOptions } from 'bullmq';
import { diamondOfJobId, syncQueueName, type SyncJobData, type SyncJobResult } from './job-ids.js';
import { partitionOf, partitionPrefix } from './partitions.js';
import type { RedisClient } from '../store/index.js';

/** What {@link repartition} moves. */
export interface RepartitionOptions {
  /** The bridge's prefix (`TRACEBRIDGE_PREFIX`). */
  prefix: string;
  /** The platforms whose sync queues are moved. */
  platforms: readonly string[];
  /** The partition count the jobs are in now. */
  from: number;
  /** The partition count they are moved to. */
  to: number;
}

/** What {@link repartition} did, per platform. */
export interface RepartitionOutcome {
  /** Jobs added to their new partition and removed from their old one. */
  moved: Record<string, number>;
  /** Of those, failed or not-permitted jobs queued again in their new partition. */
  requeued: Record<string, number>;
  /** Jobs whose partition is the same under both counts: left where they are. */
  kept: Record<string, number>;
  /** Jobs whose ID names no stone, left where they are (no sync job the bridge makes is one). */
  unplaced: string[];
}

/** Jobs are running in the partitions to move from: the workers must be stopped first. */
export class ActiveJobsError extends Error {
  override readonly name = 'ActiveJobsError';
  constructor(readonly active: Record<string, number>) {
    const total = Object.values(active).reduce((sum, count) => sum + count, 0);
    const where = Object.entries(active)
      .filter(([, count]) => count > 0)
      .map(([platform, count]) => `${platform}: ${count}`)
      .join(', ');
    super(
      `[tracebridge] [queue] ${total} sync job${total === 1 ? ' is' : 's are'} active (${where}): stop every bridge process (workers and API) and run again`,
    );
  }
}

/**
 * The states a job is moved from: those it waits in, and the finished ones whose answer a stone's sync
 * status shows (a failure, an act not permitted), which are queued again in their new partition.
 */
const STATES_TO_MOVE = ['waiting', 'delayed', 'prioritized', 'failed', 'completed'] as const;
const BATCH = 500;

/** Moves every sync job still to run, and every failed or not-permitted one, to its partition under `to`. */
export async function repartition(
  connection: RedisClient,
  options: RepartitionOptions,
): Promise<RepartitionOutcome> {
  const { prefix, platforms, from, to } = options;
  const open = (platform: string, count: number): SyncQueue[] =>
    Array.from(
      { length: count },
      (_, partition) =>
        new Queue<SyncJobData, SyncJobResult>(syncQueueName(platform), {
          connection,
          prefix: partitionPrefix(prefix, partition, count),
        }),
    );
  const layouts = platforms.map((platform) => ({
    platform,
    sources: open(platform, from),
    targets: open(platform, to),
  }));
  try {
    const active: Record<string, number> = {};
    // The new partitions too: a worker left running on them would take moved jobs mid-move.
    for (const { platform, sources, targets } of layouts) {
      const partitions = [
        ...sources,
        ...targets.filter((t) => !sources.some((s) => s.opts.prefix === t.opts.prefix)),
      ];
      const counts = await Promise.all(partitions.map((queue) => queue.getActiveCount()));
      active[platform] = counts.reduce((sum, count) => sum + count, 0);
    }
    if (Object.values(active).some((count) => count > 0)) throw new ActiveJobsError(active);
    const outcome: RepartitionOutcome = { moved: {}, requeued: {}, kept: {}, unplaced: [] };
    for (const { platform, sources, targets } of layouts) {
      // A platform paused (by its health watch or by hand) stays paused in its new partitions.
      if ((await Promise.all(sources.map((queue) => queue.isPaused()))).some(Boolean))
        await Promise.all(targets.map((queue) => queue.pause()));
      outcome.moved[platform] = 0;
      outcome.requeued[platform] = 0;
      outcome.kept[platform] = 0;
      // A job moved into a partition that is read later is not counted again there.
      const moved = new Set<string>();
      for (const source of sources) {
        for (const state of STATES_TO_MOVE) {
          // Moved jobs leave the list; the ones that stay keep their places ahead of those not yet read.
          let stayed = 0;
          for (;;) {
            const batch = await source.getJobs([state], stayed, stayed + BATCH - 1);
            if (batch.length === 0) break;
            for (const job of batch) {
              // An ID whose job is gone (BullMQ answers none for it) stays, and keeps its place counted;
              // so does a completed job that wrote the stone: the stone's record says it is in sync.
              if (!job || (state === 'completed' && job.returnvalue?.outcome !== 'not_permitted')) {
                stayed += 1;
                continue;
              }
              const diamondId = job.data?.diamondId ?? diamondOfJobId(job.id ?? '');
              const target = diamondId === undefined ? undefined : targets[partitionOf(diamondId, to)]!;
              if (target === undefined || target.opts.prefix === source.opts.prefix) {
                stayed += 1;
                if (target === undefined) outcome.unplaced.push(job.id ?? '');
                else if (!moved.has(job.id!)) outcome.kept[platform] += 1;
                continue;
              }
              await moveJob(connection, job, state, source, target);
              moved.add(job.id!);
              outcome.moved[platform] += 1;
              if (state === 'failed' || state === 'completed') outcome.requeued[platform] += 1;
            }
          }
        }
      }
    }
    return outcome;
  } finally {
    await Promise.all(
      layouts.flatMap(({ sources, targets }) => [...sources, ...targets].map((queue) => queue.close())),
    );
  }
}

type SyncQueue = Queue<SyncJobData, SyncJobResult>;

/** Adds `job` to `target` as it is (unless a run before this one did), then removes it from `source`. */
async function moveJob(
  redis: RedisClient,
  job: Job<SyncJobData, SyncJobResult>,
  state: (typeof STATES_TO_MOVE)[number],
  source: SyncQueue,
  target: SyncQueue,
): Promise<void> {
  const id = job.id!;
  const existing = await target.getJob(id);
  const existingState = existing ? await existing.getState() : undefined;
  // A finished job under the same ID is the stone's earlier sync of this content (A -> B -> A): the
  // waiting one carries the newer request and takes its place, as a changed save's enqueue would.
  if (existing && (existingState === 'completed' || existingState === 'failed')) await existing.remove();
  const copied = existing === undefined || existingState === 'completed' || existingState === 'failed';
  if (copied) {
    const { delay: _delay, jobId: _jobId, timestamp: _timestamp, ...opts } = job.opts;
    const due = state === 'delayed' ? await dueTime(redis, source, id) : undefined;
    const added = await target.add(job.name, job.data, {
      ...(opts as JobsOptions),
      jobId: id,
      // The same creation time, and a delayed job the same due time, so retry ages and backoffs hold.
      timestamp: job.timestamp,
      ...(due !== undefined && due > Date.now() ? { delay: due - job.timestamp } : {}),
    });
    // The attempts' notes follow the job; a crash before they are all copied loses notes, never the job.
    const { logs } = await source.getJobLogs(id);
    for (const line of logs) await added.log(line);
  }
  await source.remove(id);
}

/** When a delayed job is due (epoch ms): BullMQ scores the delayed set by due time times 0x1000. */
async function dueTime(redis: RedisClient, queue: SyncQueue, id: string): Promise<number | undefined> {
  const score = await redis.zscore(queue.keys.delayed!, id);
  return score === null ? undefined : Math.floor(Number(score) / 0x1000);
}
