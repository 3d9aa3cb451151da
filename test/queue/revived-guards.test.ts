/**
 * A sync job that already exists under a change's ID takes the new change's guard: revived after it
 * finished, or still waiting, it must not run before the new change's save (an A -> B -> A change arriving
 * through a feed would otherwise write B and leave A unsynced).
 */
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueSync } from '../../src/queue/queues.js';
import { syncJobId, syncQueueName } from '../../src/queue/job-ids.js';
import { newDiamondId } from '../../src/store/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { inventoryAdapter, openBridge, testConfig, waitUntil, type TestBridge } from './support.js';

describe('a sync job revived for a new change', () => {
  let redis: TestRedis;
  let bridge: TestBridge;
  const hashOfA = 'a'.repeat(64);

  beforeAll(async () => {
    redis = await startRedis();
    bridge = openBridge(testConfig(redis), [inventoryAdapter]);
  });
  afterAll(async () => {
    await bridge.close();
    await redis.stop();
  });

  const jobOf = async (diamondId: string) => {
    const job = await bridge.queues
      .sync('inventory', diamondId)
      .getJob(syncJobId('inventory', diamondId, hashOfA));
    if (!job) throw new Error(`no job for ${diamondId}`);
    return job;
  };

  it('a revived finished job carries the new afterVersion, not the one it first ran with', async () => {
    const diamondId = newDiamondId();
    await enqueueSync(bridge.queues, [{ target: 'inventory', diamondId, hash: hashOfA, afterVersion: 1 }]);
    // A plain worker finishes the first job, as the sync worker would once A was written.
    const worker = new Worker(
      syncQueueName('inventory'),
      () => Promise.resolve({ outcome: 'created', ref: 'x' }),
      {
        connection: bridge.connection,
        prefix: bridge.config.prefix,
      },
    );
    await waitUntil(
      'the first job completes',
      async () => (await (await jobOf(diamondId)).getState()) === 'completed',
    );
    await worker.close();

    await enqueueSync(bridge.queues, [
      { target: 'inventory', diamondId, hash: hashOfA, afterVersion: 3, changed: true },
    ]);
    const revived = await jobOf(diamondId);
    expect(await revived.getState()).toBe('waiting');
    expect(revived.data.afterVersion).toBe(3);
  });

  it('a waiting job for the same content takes the later change guard', async () => {
    const diamondId = newDiamondId();
    await enqueueSync(bridge.queues, [{ target: 'inventory', diamondId, hash: hashOfA, afterVersion: 2 }]);
    await enqueueSync(bridge.queues, [
      { target: 'inventory', diamondId, hash: hashOfA, afterVersion: 4, changed: true },
    ]);
    expect((await jobOf(diamondId)).data.afterVersion).toBe(4);
  });
});
