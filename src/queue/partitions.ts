/**
 * Sync queue partitions: each platform's sync queue is split into `TRACEBRIDGE_QUEUE_PARTITIONS` BullMQ
 * queues, so on a Redis Cluster a platform's jobs spread over several slots (and masters) instead of one.
 * A stone always lands in the same partition, chosen from its bridge ID alone: its jobs keep their order
 * and a job ID names one job, however often the same change is enqueued. This file is the one place
 * that chooses.
 */
import { fnv1a, spreadPrefix } from '../store/index.js';

/** The partition of the stone `diamondId` among `partitions`: {@link fnv1a} of the ID, mod the count. */
export function partitionOf(diamondId: string, partitions: number): number {
  return partitions <= 1 ? 0 : fnv1a(diamondId) % partitions;
}

/**
 * The BullMQ prefix of partition `partition` of `partitions`. With one partition it is the bridge's own
 * prefix, unchanged, so a deployment that never set partitions keeps its queues where they are. With more,
 * the hash tag is the partition's own (`{tracebridge}` -> `{tracebridge-p3.12}`, store/spread.ts: the
 * partitions' tags spread evenly over the slot ring, so over the masters), anything after the tag kept.
 * All of one partition's keys (which BullMQ's scripts touch together) still share one slot. The tag does
 * not depend on the count, so partition 0 of 3 is partition 0 of 2: repartitioning moves only the jobs
 * whose partition changes.
 */
export function partitionPrefix(prefix: string, partition: number, partitions: number): string {
  return partitions <= 1 ? prefix : spreadPrefix(prefix, 'p', partition);
}
