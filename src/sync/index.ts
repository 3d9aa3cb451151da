/** The sync domain: registration, inbound changes, placement, merge, lineage, targets, the sync worker, change feeds, rejected changes. */
export { platformHolds, recordForPlatform } from './compare.js';
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
} from './inbound-records.js';
export {
  register,
  registerMany,
  RegistrationError,
  type IngestContext,
  type RegisterOptions,
  type Registration,
} from './register.js';
export {
  identityResolver,
  lineageEdges,
  nativeLineage,
  withBridgeLineage,
  withEdge,
  type LineageEdge,
  type RefResolver,
} from './lineage-links.js';
export { mergePlatformView, unionEvents, type MergeSource } from './merge.js';
export {
  listRejectedChanges,
  recordRejectedChanges,
  REJECTED_CHANGES_KEPT,
  type RejectedChangeEntry,
  type Rejection,
} from './rejected.js';
export { createSyncProcessor, type SyncContext } from './sync-worker.js';
export { chooseTargets, type SkippedTarget, type TargetChoice } from './targets.js';
