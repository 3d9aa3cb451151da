/**
 * The partition a stone's sync jobs go to, the prefix each partition's queue lives under, and the
 * `TRACEBRIDGE_QUEUE_PARTITIONS` setting. The choice is pinned: a hash that changed between releases
 * would strand every waiting job in a partition its stone no longer maps to.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { diamondOfJobId, platformOfJobId, syncJobId } from '../../src/queue/job-ids.js';
import { partitionOf, partitionPrefix } from '../../src/queue/partitions.js';
import { syncPartitionPrefixes } from '../../src/queue/queues.js';
import { newDiamondId, tagSlot } from '../../src/store/index.js';

describe('the partition of a stone', () => {
  it('is FNV-1a of the bridge ID, the same in every process and release', () => {
    expect(partitionOf('tb_0000000000aaaaaaaaaaaaaaaa', 256)).toBe(20);
    expect(partitionOf('tb_01jf8m2k4q7r9t3v5w8x0y2z4a', 256)).toBe(209);
    const id = newDiamondId();
    expect(partitionOf(id, 7)).toBe(partitionOf(id, 7));
    expect(partitionOf(id, 1)).toBe(0);
  });

  it('spreads 3,000 stones over 3 partitions, each with 20 to 45 percent of them', () => {
    // Minted within a few milliseconds, as a bulk import mints them: the IDs share their time part.
    const start = Date.now();
    const counts = [0, 0, 0];
    for (let i = 0; i < 3_000; i++) counts[partitionOf(newDiamondId(start + (i % 3)), 3)]! += 1;
    for (const count of counts) {
      expect(count).toBeGreaterThanOrEqual(600);
      expect(count).toBeLessThanOrEqual(1_350);
    }
  });

  it('is read back from a sync job ID, whatever dashes the platform and the stone hold', () => {
    const id = 'tb_0000000000a-b_c';
    const jobId = syncJobId('my-shop', id, 'ab'.repeat(32));
    expect(platformOfJobId(jobId)).toBe('my-shop');
    expect(diamondOfJobId(jobId)).toBe(id);
    expect(diamondOfJobId('feed-gia')).toBeUndefined();
  });
});

describe('partition prefixes', () => {
  it('keep the bridge prefix as it is with one partition', () => {
    expect(partitionPrefix('{tracebridge}', 0, 1)).toBe('{tracebridge}');
    expect(syncPartitionPrefixes(loadConfig({}, {}))).toEqual(['{tracebridge}']);
  });

  it('give each partition a hash tag of its own, spread evenly over the slot ring, keeping what follows the tag', () => {
    // CRC16 (XMODEM) of "123456789" is 0x31C3, the check value Redis Cluster's key slot is built on.
    expect(tagSlot('123456789')).toBe(0x31c3);
    for (const partitions of [3, 6, 12, 48]) {
      // Three masters holding a third of the slots each, as a new cluster has them.
      const perMaster = [0, 0, 0];
      for (let partition = 0; partition < partitions; partition++) {
        const prefix = partitionPrefix('{tb}blue', partition, partitions);
        const tag = /^\{(tb-p(\d+)(\.\d+)?)\}blue$/.exec(prefix);
        expect(tag, prefix).not.toBeNull();
        expect(Number(tag![2])).toBe(partition);
        // A partition keeps its tag whatever the count: repartitioning moves only what changes partition.
        expect(partitionPrefix('{tb}blue', partition, partitions + 5)).toBe(prefix);
        perMaster[Math.floor((tagSlot(tag![1]!) * 3) / 16384)]! += 1;
      }
      expect(perMaster, `${partitions} partitions`).toEqual([1, 1, 1].map(() => partitions / 3));
    }
    const prefixes = syncPartitionPrefixes(loadConfig({}, { TRACEBRIDGE_QUEUE_PARTITIONS: '3' }));
    expect(prefixes).toEqual([0, 1, 2].map((partition) => partitionPrefix('{tracebridge}', partition, 3)));
    expect(new Set(prefixes).size).toBe(3);
  });
});

describe('TRACEBRIDGE_QUEUE_PARTITIONS', () => {
  it('defaults to 1 and takes 1 to 256, from the environment or from code', () => {
    expect(loadConfig({}, {}).queuePartitions).toBe(1);
    expect(loadConfig({}, { TRACEBRIDGE_QUEUE_PARTITIONS: '256' }).queuePartitions).toBe(256);
    expect(loadConfig({ queuePartitions: 4 }, { TRACEBRIDGE_QUEUE_PARTITIONS: '2' }).queuePartitions).toBe(4);
  });

  it.each(['0', '257', '-1', '2.5', 'three'])('refuses %j naming the variable', (value) => {
    expect(() => loadConfig({}, { TRACEBRIDGE_QUEUE_PARTITIONS: value })).toThrow(ConfigError);
    expect(() => loadConfig({}, { TRACEBRIDGE_QUEUE_PARTITIONS: value })).toThrow(
      /TRACEBRIDGE_QUEUE_PARTITIONS=.* expected a whole number from 1 to 256/,
    );
  });

  it('refuses a count out of range given in code', () => {
    expect(() => loadConfig({ queuePartitions: 0 }, {})).toThrow(/TRACEBRIDGE_QUEUE_PARTITIONS=0/);
    expect(() => loadConfig({ queuePartitions: 1.5 }, {})).toThrow(ConfigError);
  });
});
