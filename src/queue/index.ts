/** BullMQ mechanics: queues, put batching, job ids, job views and pages, leases, retry policy. */
export { createPutBatcher, type PutBatcher, type PutBatcherOptions } from './batcher.js';
export {
  diamondOfJobId,
  FEED_QUEUE,
  feedSchedulerId,
  platformOfJobId,
  syncJobId,
  syncQueueName,
  type FeedJobData,
  type SyncJobData,
  type SyncJobResult,
} from './job-ids.js';
export {
  JobCursorError,
  listJobPage,
  retryJobs,
  type JobFilter,
  type JobPage,
  type JobPageOptions,
  type RetryFilter,
  type RetryOutcome,
} from './job-pages.js';
export {
  getJob,
  JOB_STATES,
  JobNotFoundError,
  JobStateError,
  listJobs,
  retryJob,
  type JobState,
  type JobView,
  type ListJobsOptions,
} from './job-views.js';
export { partitionOf, partitionPrefix } from './partitions.js';
export { BACKOFF_TYPE, jitterBackoff, jobFailure, retryAfterOf, type BackoffSettings } from './policy.js';
export {
  createQueues,
  enqueueSync,
  queueConnection,
  syncJobCounts,
  syncJobOptions,
  syncPartitionPrefixes,
  type BridgeQueues,
  type EnqueuedJob,
  type SyncRequest,
} from './queues.js';
