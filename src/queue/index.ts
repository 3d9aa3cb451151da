/** The sync engine: queues, ingestion, workers, change feeds, and the job views the API serves. */
export { createPutBatcher, type PutBatcher, type PutBatcherOptions } from './batcher.js';
export { platformHolds, recordForPlatform } from './compare.js';
export { connectClients, type ConnectedClients } from './clients.js';
export {
  createFeedProcessor,
  pullFeed,
  scheduleFeeds,
  type FeedContext,
  type FeedPullResult,
} from './feeds.js';
export {
  ingestPlatformRecords,
  type InboundContext,
  type InboundOptions,
  type InboundOutcome,
  type InboundResult,
} from './inbound.js';
export {
  register,
  registerMany,
  RegistrationError,
  type IngestContext,
  type RegisterOptions,
  type Registration,
} from './ingest.js';
export {
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
} from './jobs.js';
export {
  identityResolver,
  lineageEdges,
  nativeLineage,
  withBridgeLineage,
  withEdge,
  type LineageEdge,
  type RefResolver,
} from './lineage.js';
export { mergePlatformView, unionEvents, type MergeSource } from './merge.js';
export { BACKOFF_TYPE, jitterBackoff, jobFailure, retryAfterOf, type BackoffSettings } from './policy.js';
export {
  createQueues,
  enqueueSync,
  queueConnection,
  syncJobOptions,
  type BridgeQueues,
  type EnqueuedJob,
  type SyncRequest,
} from './queues.js';
export {
  listRejectedChanges,
  recordRejectedChanges,
  REJECTED_CHANGES_KEPT,
  type RejectedChangeEntry,
  type Rejection,
} from './rejected.js';
export { createSyncProcessor, type SyncContext } from './sync-worker.js';
export { chooseTargets, type SkippedTarget, type TargetChoice } from './targets.js';
export { startWorkers, type RunningWorkers, type WorkerDependencies } from './workers.js';
