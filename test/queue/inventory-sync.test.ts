/**
 * The sync engine against the example third-party adapter (a jeweller's stock system) over real HTTP and a
 * real Redis: exactly-once writes through dropped replies and outages, job ID dedup, unrecoverable
 * failures, Retry-After, and the failed-job operations the API exposes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startInventory, type StockItem } from '../../examples/inventory-adapter/server.js';
import type { PlatformClient } from '../../src/adapters/contract.js';
import { register, registerMany } from '../../src/sync/register.js';
import { getJob, listJobs, retryJob } from '../../src/queue/job-views.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import {
  inventoryAdapter,
  jobCounts,
  openBridge,
  setFaults,
  shelfStone,
  shopClients,
  testConfig,
  waitUntil,
  type TestBridge,
} from './support.js';

type Shop = Awaited<ReturnType<typeof startInventory>>;

describe('sync jobs to the stock system', () => {
  let redis: TestRedis;
  let shop: Shop;
  let bridge: TestBridge | undefined;
  const client = (apiKey = 'shop-key'): Map<string, PlatformClient> => shopClients(shop.url, apiKey);
  const open = (options: Parameters<typeof testConfig>[1] = {}): TestBridge => {
    bridge = openBridge(testConfig(redis, options), [inventoryAdapter]);
    return bridge;
  };
  const skusOf = (bridgeId: string): string[] =>
    [...shop.room.items.values()]
      .filter((entry) => entry.item.bridgeId === bridgeId)
      .map((entry) => entry.item.sku!);
  const shelved = (): StockItem[] => [...shop.room.items.values()].map((entry) => entry.item);

  beforeAll(async () => {
    redis = await startRedis();
    shop = await startInventory(0, 'shop-key');
  });
  afterEach(async () => {
    await bridge?.close();
    bridge = undefined;
    shop.room.reset();
    await setFaults(shop.url, { latencyMs: 0, errorRate: 0, rateLimitPerSec: 0, dropResponseRate: 0 });
  });
  afterAll(async () => {
    await shop.close();
    await redis.stop();
  });

  it('registering the same record twice gives one job and one stock item', async () => {
    const b = open();
    const record = { ...shelfStone(1), id: 'tb_dedup000001' };
    const first = await register(b, record, { actor: 'test' });
    const second = await register(b, record, { actor: 'test' });
    expect(first.outcome).toBe('created');
    expect(second.outcome).toBe('unchanged');
    expect(second.jobs).toEqual(first.jobs);
    expect(first.jobs.map((job) => job.platform)).toEqual(['inventory']);
    expect(first.jobs[0]?.id).toMatch(/^sync-inventory-tb_dedup000001-[0-9a-f]{16}$/);
    expect((await jobCounts(b.queues)).waiting).toBe(1);
    await b.startWorkers(client());
    await waitUntil(
      'the job completes',
      async () => (await getJob(b.queues, first.jobs[0]!.id))?.state === 'completed',
    );
    expect(skusOf('tb_dedup000001')).toHaveLength(1);
    const stored = await b.store.diamonds.get('tb_dedup000001');
    expect(stored?.record.sources?.inventory?.ref).toBe(skusOf('tb_dedup000001')[0]);
  });

  it('a record that does not validate is refused naming the field, and nothing is stored or enqueued', async () => {
    const b = open();
    const bad = { ...shelfStone(2), polished: { shape: 'round', caratWeight: 'heavy' } };
    await expect(register(b, bad, { actor: 'test' })).rejects.toThrow(/\/polished\/caratWeight/);
    expect(await b.store.diamonds.count()).toBe(0);
    expect((await jobCounts(b.queues)).waiting).toBe(0);
  });

  it('a rough stone the shelf cannot hold gets no job, and the registration says why', async () => {
    const b = open();
    const rough = { schemaVersion: '1', kind: 'rough', rough: { caratWeight: 2.15 } };
    const registration = await register(b, rough, { actor: 'test' });
    expect(registration.jobs).toEqual([]);
    expect(registration.skipped.map((skip) => skip.platform)).toEqual(['inventory']);
    expect(registration.skipped[0]?.reason).toMatch(/none of the field groups inventory accepts/);
  });

  it('every stone lands exactly once while replies are dropped and calls fail at random', async () => {
    const b = open();
    await setFaults(shop.url, { dropResponseRate: 0.2, errorRate: 0.2 });
    const stones = Array.from({ length: 300 }, (_, i) => shelfStone(100 + i));
    const registrations = await registerMany(b, stones, { actor: 'test' });
    await b.startWorkers(client());
    await waitUntil(
      'every job completes',
      async () => (await jobCounts(b.queues)).completed === stones.length,
      120_000,
    );
    expect((await jobCounts(b.queues)).failed).toBe(0);
    await setFaults(shop.url, { dropResponseRate: 0, errorRate: 0 });
    for (const { id } of registrations) expect(skusOf(id)).toHaveLength(1);
    expect(shelved()).toHaveLength(stones.length);
    expect([...shop.room.writes.values()].every((writes) => writes === 1)).toBe(true);
  }, 150_000);

  it('a shop that fails every call for a while gets everything once it is back, nothing twice', async () => {
    const b = open();
    await setFaults(shop.url, { errorRate: 1 });
    const registrations = await registerMany(
      b,
      Array.from({ length: 60 }, (_, i) => shelfStone(500 + i)),
      { actor: 'test' },
    );
    await b.startWorkers(client());
    // Jobs fail, then wait (delayed, or parked in the queue the health watch paused).
    await waitUntil('jobs have failed and wait to be retried', async () => {
      const [queue] = b.queues.syncPartitions('inventory');
      const delayed = await queue!.getJobs(['delayed', 'waiting'], 0, 100);
      return delayed.filter((job) => job.attemptsMade >= 1).length >= 10;
    });
    expect(shelved()).toHaveLength(0);
    await setFaults(shop.url, { errorRate: 0 });
    await waitUntil(
      'every job completes',
      async () => (await jobCounts(b.queues)).completed === registrations.length,
      120_000,
    );
    for (const { id } of registrations) expect(skusOf(id)).toHaveLength(1);
    expect([...shop.room.writes.values()].every((writes) => writes === 1)).toBe(true);
  }, 150_000);

  it('an unrecoverable failure fails the job at once with the reason, and it can be listed, inspected and retried', async () => {
    const b = open();
    const { jobs } = await register(b, shelfStone(900), { actor: 'test' });
    const jobId = jobs[0]!.id;
    const wrongKey = await b.startWorkers(client('not-the-key'));
    const failed = await waitUntil('the job fails', async () => {
      const job = await getJob(b.queues, jobId);
      return job?.state === 'failed' ? job : undefined;
    });
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/\[inventory\].*401/);
    expect(failed.data).toMatchObject({ diamondId: jobs[0]!.id.split('-')[2] });
    expect(failed.finishedAt).toBeGreaterThanOrEqual(failed.createdAt);
    expect((await listJobs(b.queues, { state: 'failed' })).map((job) => job.id)).toEqual([jobId]);
    expect(await listJobs(b.queues, { state: 'failed', platform: 'inventory' })).toHaveLength(1);
    expect(shelved()).toHaveLength(0);

    await wrongKey.close();
    await b.startWorkers(client());
    const retried = await retryJob(b.queues, jobId);
    expect(retried.state).not.toBe('failed');
    await waitUntil(
      'the retried job completes',
      async () => (await getJob(b.queues, jobId))?.state === 'completed',
    );
    expect(shelved()).toHaveLength(1);
    await expect(retryJob(b.queues, jobId)).rejects.toThrow(/completed/);
    await expect(retryJob(b.queues, 'sync-inventory-tb_nosuchstone-0000000000000000')).rejects.toThrow(
      /no sync job/,
    );
  });

  it('a job is never retried sooner than the Retry-After the shop asked for', async () => {
    // Health checks count against the shop's limit too: at the tests' usual 5 a second they alone would
    // spend it, and the jobs would get through only by luck.
    const b = open({ retry: { backoffBaseMs: 1, backoffMaxMs: 5, healthIntervalMs: 2_000 } });
    await setFaults(shop.url, { rateLimitPerSec: 4 });
    const registrations = await registerMany(
      b,
      Array.from({ length: 6 }, (_, i) => shelfStone(700 + i)),
      { actor: 'test' },
    );
    await b.startWorkers(client());
    await waitUntil(
      'every job completes',
      async () => (await jobCounts(b.queues)).completed === registrations.length,
      90_000,
    );
    let checked = 0;
    for (const { jobs } of registrations) {
      const job = await getJob(b.queues, jobs[0]!.id);
      const log = (job?.log ?? []) as { failedAt?: number; retryAfterMs?: number; startedAt?: number }[];
      for (let i = 0; i < log.length; i++) {
        const failure = log[i]!;
        if (failure.retryAfterMs === undefined) continue;
        const next = log.slice(i + 1).find((entry) => entry.startedAt !== undefined);
        const startedAt = next?.startedAt ?? job!.processedAt!;
        expect(startedAt).toBeGreaterThanOrEqual(failure.failedAt! + failure.retryAfterMs);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(0);
  }, 120_000);

  it('Redis memory stays flat: finished jobs are trimmed to the configured bound', async () => {
    const b = open({
      retention: { completedCount: 25, completedAgeSec: 3600, failedCount: 25, failedAgeSec: 3600 },
    });
    const registrations = await registerMany(
      b,
      Array.from({ length: 200 }, (_, i) => shelfStone(1000 + i)),
      { actor: 'test' },
    );
    await b.startWorkers(client());
    await waitUntil('every stone is shelved', () => shelved().length === registrations.length, 90_000);
    await waitUntil('the queue is drained', async () => {
      const counts = await jobCounts(b.queues);
      return counts.waiting === 0 && counts.active === 0 && counts.delayed === 0;
    });
    const counts = await jobCounts(b.queues);
    expect(counts.completed).toBeLessThanOrEqual(25);
    const keys = await b.connection.keys(`${b.config.prefix}:sync-inventory:*`);
    // Per kept job a hash (and maybe its log), plus a handful of queue-wide keys.
    expect(keys.length).toBeLessThan(25 * 2 + 15);
  }, 120_000);
});
