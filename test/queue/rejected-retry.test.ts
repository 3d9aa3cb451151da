/**
 * A rejected change is read again when asked: a ledger stone set aside because its state failed its proof
 * (or set aside by hand) is refused again while it is still broken (recorded once, with today's reason), and stored once the
 * ledger serves it whole, leaving the rejected list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformClient } from '../../src/adapters/contract.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { Worker } from 'bullmq';
import { FEED_QUEUE } from '../../src/queue/job-ids.js';
import {
  createFeedProcessor,
  pullFeed,
  queueRejectedRetry,
  retryRejected,
  type FeedContext,
} from '../../src/sync/feeds.js';
import { listRejectedChanges, recordRejectedChanges } from '../../src/sync/rejected.js';
import { participantKeyFromSeed, startTracrSimulator } from '../../sim/tracr/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { openBridge, testConfig, waitUntil, type TestBridge } from './support.js';

describe('retrying a rejected change', () => {
  let redis: TestRedis;
  let tracr: Awaited<ReturnType<typeof startTracrSimulator>>;
  let bridge: TestBridge;
  let context: FeedContext;
  const poisoned = 'TRACR-0985A0000004';

  const tamper = async (patch: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const answer = await fetch(`${tracr.url}/admin/tamper`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ diamondId: poisoned, patch }),
    });
    expect(answer.ok).toBe(true);
    return (await answer.json()) as Record<string, unknown>;
  };

  beforeAll(async () => {
    redis = await startRedis();
    tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-key', blockIntervalMs: 0 });
    bridge = openBridge(testConfig(redis), [tracrAdapter]);
    const { privateKey } = participantKeyFromSeed('tracr-sim:demo-mining');
    context = {
      adapters: bridge.adapters,
      clients: new Map<string, PlatformClient>([
        [
          'tracr',
          tracrAdapter.connect({
            url: tracr.url,
            apiKey: 'tracr-key',
            participantId: 'demo-mining',
            privateKey,
          }),
        ],
      ]),
      store: bridge.store,
      queues: bridge.queues,
      redis: bridge.connection,
      prefix: bridge.config.prefix,
      leaseMs: 30_000,
      maxPages: 100,
    };
  });
  afterAll(async () => {
    await bridge.close();
    await tracr.close();
    await redis.stop();
  });

  it('is refused again while the record is still broken, and stored once it is whole', async () => {
    // An empty patch answers the stone as it stands, to put back afterwards.
    const { caratWeight } = await tamper({});
    await tamper({ caratWeight: 9.85 });
    expect((await pullFeed(context, 'tracr')).rejected).toBe(1);
    const [first] = await listRejectedChanges(bridge.store, { platform: 'tracr' });
    expect(first).toMatchObject({ ref: poisoned });
    expect(await bridge.store.identity.findByIdentifier('tracrId', poisoned)).toBeNull();

    const again = await retryRejected(context, 'tracr', [poisoned]);
    expect(again).toMatchObject({ changes: 1, stored: 0, rejected: 1 });
    const kept = await listRejectedChanges(bridge.store, { platform: 'tracr' });
    expect(kept).toHaveLength(1);
    expect(kept[0]!.actor).toBe('retry:tracr');
    expect(kept[0]!.reason).toMatch(/tampered record/);

    await tamper({ caratWeight });
    const stored = await retryRejected(context, 'tracr', [poisoned]);
    expect(stored).toMatchObject({ changes: 1, rejected: 0 });
    expect(stored.stored + stored.proposed).toBe(1);
    expect(await listRejectedChanges(bridge.store, { platform: 'tracr' })).toEqual([]);
    const id = await bridge.store.identity.findByIdentifier('tracrId', poisoned);
    expect((await bridge.store.diamonds.get(id!))?.record.rough?.caratWeight).toBe(caratWeight);
  });

  it('runs as a feed job: the API queues it, a feed worker reads the record again', async () => {
    await tamper({ caratWeight: 7.77 });
    await recordRejectedChanges(bridge.store, 'tracr', [{ ref: poisoned, reason: 'set aside by hand' }], {
      actor: 'test',
    });
    const worker = new Worker(FEED_QUEUE, createFeedProcessor(context), {
      connection: bridge.connection,
      prefix: bridge.config.prefix,
    });
    try {
      const id = await queueRejectedRetry(bridge.queues, 'tracr', [poisoned]);
      const job = await waitUntil('the retry job finishes', async () => {
        const found = await bridge.queues.feeds.getJob(id);
        return (await found?.isCompleted()) ? found : undefined;
      });
      expect(job.returnvalue).toMatchObject({ changes: 1, rejected: 1 });
      const kept = await listRejectedChanges(bridge.store, { platform: 'tracr' });
      expect(kept.map((entry) => entry.actor)).toEqual(['retry:tracr']);
    } finally {
      await worker.close();
    }
  });

  it('records a record the platform no longer holds as such, and names no stone', async () => {
    await bridge.store.redis.del(bridge.store.keys.rejectedChanges);
    const result = await retryRejected(context, 'tracr', ['TRACR-NO-SUCH-STONE']);
    expect(result).toMatchObject({ stored: 0, rejected: 1 });
    const [entry] = await listRejectedChanges(bridge.store, { platform: 'tracr' });
    expect(entry).toMatchObject({ ref: 'TRACR-NO-SUCH-STONE' });
    expect(entry!.reason).toContain('no longer held by the platform');
  });
});
