/**
 * Sync jobs a page at a time, across every platform's queue partitions and states, with an opaque cursor,
 * and bulk retries by filter. A caller's filter (a producer sees only its own organisation's stones) is applied
 * while paging, before the page limit, so what one caller may see never hides behind what it may not.
 * Backs `GET /v1/jobs` and `POST /v1/jobs/retry`.
 */
import { createHash } from 'node:crypto';
import { JOB_STATES, jobView, type JobState, type JobView } from './job-views.js';
import type { BridgeQueues } from './queues.js';

/** Keeps the jobs a caller may see (and act on); called on each batch read. */
export type JobFilter = (jobs: JobView[]) => Promise<JobView[]>;

/** Options of {@link listJobPage}. */
export interface JobPageOptions {
  /** Platforms to page through, in order; default every platform. */
  platforms?: readonly string[];
  /** States to page through, in order; default every state. */
  states?: readonly JobState[];
  /** Most jobs on the page. */
  limit: number;
  /** From a previous page's `cursor`; absent for the first page. */
  cursor?: string;
  keep?: JobFilter;
  /**
   * Most jobs read for one page, kept or not: a filter that keeps few jobs answers a short page (with a
   * cursor to go on) rather than reading every queue in one request. Default 5,000.
   */
  scanBudget?: number;
}

/** A page of jobs; `cursor` is null once every job has been read. */
export interface JobPage {
  jobs: JobView[];
  cursor: string | null;
}

/** A cursor that is malformed or was made for another listing. */
export class JobCursorError extends Error {
  override readonly name = 'JobCursorError';
  constructor(readonly cursor: string) {
    super(`[tracebridge] [queue] cursor ${JSON.stringify(cursor.slice(0, 80))} is not one this listing gave`);
  }
}

const BATCH = 200;

/** One page of jobs, newest first within each platform, state and queue partition. */
export async function listJobPage(queues: BridgeQueues, options: JobPageOptions): Promise<JobPage> {
  const platforms = options.platforms ?? queues.platforms;
  const states = options.states ?? JOB_STATES;
  // Each (platform, state) is read partition by partition; the partition count is part of the listing,
  // so a cursor from before a repartition is refused rather than read against other queues.
  const pairs = platforms.flatMap((platform) =>
    states.flatMap((state) =>
      queues.syncPartitions(platform).map((queue, partition) => ({ platform, state, queue, partition })),
    ),
  );
  const named = pairs.map(({ platform, state, partition }) =>
    queues.partitions === 1 ? [platform, state] : [platform, state, partition],
  );
  const listing = createHash('sha256').update(JSON.stringify(named)).digest('base64url').slice(0, 12);
  let { pair, offset } =
    options.cursor === undefined ? { pair: 0, offset: 0 } : decode(options.cursor, listing);
  const budget = options.scanBudget ?? 5_000;
  const jobs: JobView[] = [];
  let read = 0;
  while (pair < pairs.length && jobs.length < options.limit && read < budget) {
    const { platform, state, queue } = pairs[pair]!;
    const count = Math.min(BATCH, budget - read);
    const batch = await queue.getJobs([state], offset, offset + count - 1);
    const views = await Promise.all(
      batch.filter(Boolean).map((job) => jobView(queue, job, platform, state, false)),
    );
    const kept = new Set((options.keep ? await options.keep(views) : views).map((view) => view.id));
    const byId = new Map(views.map((view) => [view.id, view]));
    let taken = 0;
    for (const job of batch) {
      taken += 1;
      const view = job?.id === undefined ? undefined : byId.get(job.id);
      if (view && kept.has(view.id)) jobs.push(view);
      if (jobs.length === options.limit) break;
    }
    read += taken;
    offset += taken;
    if (taken === batch.length && batch.length < count) {
      pair += 1;
      offset = 0;
    }
  }
  return { jobs, cursor: pair < pairs.length ? encode(listing, pair, offset) : null };
}

/** What {@link retryJobs} retries. */
export interface RetryFilter {
  /** Platforms whose jobs are retried; default every platform. */
  platforms?: readonly string[];
  /** `failed` (default): start again from the first attempt; `delayed`: run now instead of after the backoff. */
  state?: 'failed' | 'delayed';
  /** Only jobs whose failure reason contains this text, ignoring case. */
  failedReason?: string;
  keep?: JobFilter;
}

/** What {@link retryJobs} did. */
export interface RetryOutcome {
  /** Jobs queued again. */
  retried: number;
  /** The same, per platform. */
  platforms: Record<string, number>;
}

/**
 * Retries every job the filter matches: failed jobs from their first attempt, or delayed ones at once. The
 * matching jobs are found first, then each is retried if it is still in that state (another operator or
 * worker may have moved it meanwhile), so nothing is retried twice.
 */
export async function retryJobs(queues: BridgeQueues, filter: RetryFilter): Promise<RetryOutcome> {
  const state = filter.state ?? 'failed';
  const reason = filter.failedReason?.toLowerCase();
  const keep: JobFilter = async (jobs) => {
    const matching =
      reason === undefined
        ? jobs
        : jobs.filter((job) => (job.failedReason ?? '').toLowerCase().includes(reason));
    return filter.keep ? filter.keep(matching) : matching;
  };
  const matched: JobView[] = [];
  let cursor: string | undefined;
  do {
    const page = await listJobPage(queues, {
      ...(filter.platforms === undefined ? {} : { platforms: filter.platforms }),
      states: [state],
      limit: 1_000,
      keep,
      scanBudget: Number.MAX_SAFE_INTEGER,
      ...(cursor === undefined ? {} : { cursor }),
    });
    matched.push(...page.jobs);
    cursor = page.cursor ?? undefined;
  } while (cursor !== undefined);
  const outcome: RetryOutcome = { retried: 0, platforms: {} };
  for (const view of matched) {
    const job = await queues.sync(view.platform, view.data.diamondId).getJob(view.id);
    if (!job || (await job.getState()) !== state) continue;
    if (state === 'failed') await job.retry('failed');
    else await job.promote();
    outcome.retried += 1;
    outcome.platforms[view.platform] = (outcome.platforms[view.platform] ?? 0) + 1;
  }
  return outcome;
}

function encode(listing: string, pair: number, offset: number): string {
  return Buffer.from(JSON.stringify([listing, pair, offset])).toString('base64url');
}

function decode(cursor: string, listing: string): { pair: number; offset: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new JobCursorError(cursor);
  }
  if (
    !Array.isArray(parsed) ||
    parsed[0] !== listing ||
    !Number.isSafeInteger(parsed[1]) ||
    !Number.isSafeInteger(parsed[2]) ||
    (parsed[1] as number) < 0 ||
    (parsed[2] as number) < 0
  )
    throw new JobCursorError(cursor);
  return { pair: parsed[1] as number, offset: parsed[2] as number };
}
