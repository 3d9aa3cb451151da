/**
 * Sync jobs as the API and operators see them: list by state and platform, inspect one, retry a failed
 * one. Backs `GET /v1/jobs?state=`, `GET /v1/jobs/:id` and `POST /v1/jobs/:id/retry`.
 */
import type { Job, Queue } from 'bullmq';
import type { SyncJobData, SyncJobResult } from './job-ids.js';
import { diamondOfJobId, platformOfJobId } from './job-ids.js';
import type { BridgeQueues } from './queues.js';

/** The states a sync job can be listed by. */
export const JOB_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;

/** One of {@link JOB_STATES}. */
export type JobState = (typeof JOB_STATES)[number];

/** A sync job for people and the API. */
export interface JobView {
  id: string;
  platform: string;
  state: string;
  data: SyncJobData;
  /** Attempts made so far and attempts allowed. */
  attemptsMade: number;
  attempts: number;
  failedReason?: string;
  result?: SyncJobResult;
  /** Epoch ms: created, last attempt started, finished. */
  createdAt: number;
  processedAt?: number;
  finishedAt?: number;
  /** Per-attempt notes: when a retry started, why an attempt failed, what Retry-After asked for. */
  log: unknown[];
}

/** Options of {@link listJobs}. */
export interface ListJobsOptions {
  state: JobState;
  /** Only this platform's jobs; default every platform. */
  platform?: string;
  /** Most jobs answered, per platform. Default 100. */
  limit?: number;
  /** Skip this many, per platform. */
  offset?: number;
}

/** A job that cannot be found or acted on. */
export class JobNotFoundError extends Error {
  override readonly name = 'JobNotFoundError';
  constructor(readonly jobId: string) {
    super(`[tracebridge] [queue] no sync job ${jobId}`);
  }
}

/** Sync jobs in one state, newest first. */
export async function listJobs(queues: BridgeQueues, options: ListJobsOptions): Promise<JobView[]> {
  if (!(JOB_STATES as readonly string[]).includes(options.state)) {
    throw new RangeError(
      `[tracebridge] [queue] state ${JSON.stringify(options.state)} is not one of ${JOB_STATES.join(', ')}`,
    );
  }
  const platforms = options.platform === undefined ? queues.platforms : [options.platform];
  const offset = options.offset ?? 0;
  const limit = options.limit ?? 100;
  const lists = await Promise.all(
    platforms.map(async (platform) => {
      // The first `offset + limit` of every partition hold the platform's first `offset + limit`, merged
      // newest created first (one partition keeps BullMQ's own order for the state, as it always has).
      const partitions = queues.syncPartitions(platform);
      const start = partitions.length === 1 ? offset : 0;
      const read = await Promise.all(
        partitions.map(async (queue) => {
          const jobs = await queue.getJobs([options.state], start, offset + limit - 1);
          return Promise.all(
            jobs.filter(Boolean).map((job) => jobView(queue, job, platform, options.state, false)),
          );
        }),
      );
      if (partitions.length === 1) return read[0]!;
      return read
        .flat()
        .sort((a, b) => b.createdAt - a.createdAt)
        .slice(offset, offset + limit);
    }),
  );
  return lists.flat();
}

/** The platform and queue partition of the sync job `id`; undefined when no queue here holds such a job. */
function queueOfJob(
  queues: BridgeQueues,
  id: string,
): { platform: string; queue: Queue<SyncJobData, SyncJobResult> } | undefined {
  const platform = platformOfJobId(id);
  const diamondId = diamondOfJobId(id);
  if (platform === undefined || diamondId === undefined || !queues.platforms.includes(platform))
    return undefined;
  return { platform, queue: queues.sync(platform, diamondId) };
}

/** One sync job with its data, attempts, failure reason, timestamps and log; null when there is none. */
export async function getJob(queues: BridgeQueues, id: string): Promise<JobView | null> {
  const found = queueOfJob(queues, id);
  if (!found) return null;
  const { platform, queue } = found;
  // The state is read first: a job read after it is at least as far along, so a completed job always
  // carries its answer (read the other way round, it could finish in between and show none).
  const state = await queue.getJobState(id);
  const job = await queue.getJob(id);
  if (!job) return null;
  return jobView(queue, job, platform, state, true);
}

/** Retries a failed job from the start (a fresh set of attempts). Throws when there is no failed job `id`. */
export async function retryJob(queues: BridgeQueues, id: string): Promise<JobView> {
  const found = queueOfJob(queues, id);
  const job = found ? await found.queue.getJob(id) : undefined;
  if (!job || !found) throw new JobNotFoundError(id);
  const state = await job.getState();
  if (state !== 'failed') throw new JobStateError(id, state);
  await job.retry('failed');
  return (await getJob(queues, id)) ?? jobView(found.queue, job, found.platform, 'waiting', false);
}

/** A job that is not in a state the action applies to. */
export class JobStateError extends Error {
  override readonly name = 'JobStateError';
  constructor(
    readonly jobId: string,
    readonly state: string,
  ) {
    super(`[tracebridge] [queue] sync job ${jobId} is ${state}; only failed jobs can be retried`);
  }
}

/** A BullMQ job as a {@link JobView}; with `withLog`, its per-attempt log is read too. */
export async function jobView(
  queue: Queue<SyncJobData, SyncJobResult>,
  job: Job<SyncJobData, SyncJobResult>,
  platform: string,
  state: string,
  withLog: boolean,
): Promise<JobView> {
  const log = withLog ? (await queue.getJobLogs(job.id ?? '')).logs.map(parseLogLine) : [];
  return {
    id: job.id ?? '',
    platform,
    state,
    data: job.data,
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    ...(job.failedReason ? { failedReason: job.failedReason } : {}),
    ...(job.returnvalue ? { result: job.returnvalue } : {}),
    createdAt: job.timestamp,
    ...(job.processedOn === undefined ? {} : { processedAt: job.processedOn }),
    ...(job.finishedOn === undefined ? {} : { finishedAt: job.finishedOn }),
    log,
  };
}

function parseLogLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return line;
  }
}
