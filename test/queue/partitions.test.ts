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
import { newDiamondId } from '../../src/store/index.js';

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

  it('put the partition number inside the hash tag with more, keeping what follows the tag', () => {
    expect(partitionPrefix('{tracebridge}', 3, 4)).toBe('{tracebridge-p3}');
    expect(partitionPrefix('{tb}blue', 0, 2)).toBe('{tb-p0}blue');
    expect(syncPartitionPrefixes(loadConfig({}, { TRACEBRIDGE_QUEUE_PARTITIONS: '3' }))).toEqual([
      '{tracebridge-p0}',
      '{tracebridge-p1}',
      '{tracebridge-p2}',
    ]);
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
