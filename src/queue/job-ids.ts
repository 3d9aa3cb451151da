/**
 * Names of queues and jobs. A sync job's ID is derived from (target, stone, content hash), so enqueueing
 * the same change twice is one job. BullMQ refuses custom IDs that contain ':' or are integers; bridge IDs
 * and hex hashes contain neither.
 */

/** What a sync job carries: which stone, which content, and what the enqueuer knew. */
export interface SyncJobData {
  /** The bridge ID of the stone. */
  diamondId: string;
  /** The content hash the job was enqueued for. */
  hash: string;
  /**
   * The stored version the change was merged onto, when the job is enqueued before its change is saved
   * (change feeds): until the store holds a later version the job waits rather than write stale content.
   */
  afterVersion?: number;
  /** When the job's first attempt started (epoch ms), recorded at its first failure: its retries' age. */
  firstAttemptAt?: number;
}

/** What a change-feed pull job carries. */
export interface FeedJobData {
  /** The adapter whose change feed to read. */
  adapter: string;
  /** Instead of the feed: read these records again, rejected changes an operator asked to retry. */
  retry?: string[];
}

/** What a sync job answers when it completes. */
export interface SyncJobResult {
  /** `not_permitted`: no signer the bridge holds may take an act the stone needs there (see `reason`). */
  outcome: 'created' | 'updated' | 'unchanged' | 'not_permitted';
  ref: string;
  /** Why the platform was not written, for `not_permitted`. */
  reason?: string;
}

/** The queue of sync jobs for one target platform. */
export function syncQueueName(platform: string): string {
  return `sync-${platform}`;
}

/** The one queue of change-feed pulls. */
export const FEED_QUEUE = 'feeds';

/** The queue reconciliation runs wait in. */
export const RECONCILE_QUEUE = 'reconcile';

/** What a reconciliation run's job carries. */
export interface ReconcileJobData {
  runId: string;
  /** Re-read the platforms for the run's stones before comparing (for small runs). */
  refresh?: boolean;
}

/** The job ID of a run: one job per run, however often it is queued. */
export function reconcileJobId(runId: string): string {
  return `reconcile-${runId}`;
}

/** The queue bulk imports wait in. */
export const IMPORT_QUEUE = 'imports';

/** What an import's job carries. */
export interface ImportJobData {
  importId: string;
}

/** The job ID of an import: one job per import, however often it is queued. */
export function importJobId(importId: string): string {
  return `import-${importId}`;
}

/** `sync-<target>-<diamondId>-<first 16 hex digits of the content hash>`. */
export function syncJobId(target: string, diamondId: string, hash: string): string {
  return `sync-${target}-${diamondId}-${hash.slice(0, 16)}`;
}

/** The job scheduler that pulls one adapter's change feed. */
export function feedSchedulerId(adapter: string): string {
  return `feed-${adapter}`;
}

/** The target platform of a sync job ID, or undefined when the ID is not one. */
export function platformOfJobId(jobId: string): string | undefined {
  return SYNC_JOB_ID.exec(jobId)?.[1];
}

/** The bridge ID of the stone a sync job ID is for (which names its queue partition), or undefined. */
export function diamondOfJobId(jobId: string): string | undefined {
  return SYNC_JOB_ID.exec(jobId)?.[2];
}

// Platform names hold no '_', so the first '-tb_' ends the platform; the hash part holds no '-'.
const SYNC_JOB_ID = /^sync-([a-z][a-z0-9-]*?)-(tb_[0-9A-Za-z_-]+)-[0-9A-Za-z]+$/;
