/**
 * Sync queue partitions: each platform's sync queue is split into `TRACEBRIDGE_QUEUE_PARTITIONS` BullMQ
 * queues, so on a Redis Cluster a platform's jobs spread over several slots (and masters) instead of one.
 * A stone always lands in the same partition, chosen from its bridge ID alone: its jobs keep their order
 * and a job ID names one job, however often the same change is enqueued. This file is the one place
 * that chooses.
 */

/**
 * The partition of the stone `diamondId` among `partitions`: FNV-1a (32-bit) over the ID's UTF-16 code
 * units, mod the count. FNV is stable across processes and Node versions, cheap, and spreads IDs that
 * differ only in their last characters, which bridge IDs minted in a row do.
 */
export function partitionOf(diamondId: string, partitions: number): number {
  if (partitions <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < diamondId.length; i++) {
    hash ^= diamondId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

/**
 * The BullMQ prefix of partition `partition` of `partitions`. With one partition it is the bridge's own
 * prefix, unchanged, so a deployment that never set partitions keeps its queues where they are. With more,
 * the partition's number goes inside the hash tag (`{tracebridge}` -> `{tracebridge-p3}`, anything after
 * the tag kept): Redis Cluster hashes only the tag, so each partition gets a slot of its own, while all of
 * one partition's keys (which BullMQ's scripts touch together) still share one. The number does not depend
 * on the count, so `-p0` of 3 partitions is `-p0` of 2: repartitioning moves only the jobs whose partition
 * changes.
 */
export function partitionPrefix(prefix: string, partition: number, partitions: number): string {
  if (partitions <= 1) return prefix;
  const close = prefix.indexOf('}');
  return `${prefix.slice(0, close)}-p${partition}${prefix.slice(close)}`;
}
