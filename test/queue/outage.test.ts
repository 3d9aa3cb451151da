/**
 * Outages longer than any attempt count: a platform that fails every call for a long while and then
 * recovers gets every queued stone, and no job fails on the way. Retries end by the job's age
 * (`retry.maxAgeMs`), never by a count; a platform whose health check fails has its queue paused by the
 * bridge (no attempt spent) and resumed when it answers again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInventory } from '../../examples/inventory-adapter/server.js';
import type { PlatformClient } from '../../src/adapters/contract.js';
import { parseDuration, type ConfigOptions } from '../../src/config.js';
import { registerMany } from '../../src/sync/register.js';
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

describe('sync through a long platform outage', () => {
  let redis: TestRedis;
  let shop: Shop;
  let serial = 0;
  const open: TestBridge[] = [];

  const bridgeWith = (options: ConfigOptions): TestBridge => {
    // The old budget: 3 attempts. A job that fails its third attempt the old way is failed for good.
    const bridge = openBridge(
      testConfig(redis, { queueDefaults: { concurrency: 8, ratePerSec: 0, attempts: 3 }, ...options }),
      [inventoryAdapter],
    );
    open.push(bridge);
    return bridge;
  };
  const clients = (): Map<string, PlatformClient> => shopClients(shop.url);
  const stones = (count: number) => Array.from({ length: count }, () => shelfStone(7_000 + ++serial));

  beforeAll(async () => {
    redis = await startRedis();
    shop = await startInventory(0, 'shop-key');
  });
  afterAll(async () => {
    await Promise.all(open.map((bridge) => bridge.close()));
    await shop.close();
    await redis.stop();
  });

  it('an outage longer than the attempt budget fails no job: every stone lands once the platform recovers', async () => {
    // The health watch is off here, so every job keeps spending attempts through the outage.
    const bridge = bridgeWith({ retry: { backoffBaseMs: 10, backoffMaxMs: 50, healthIntervalMs: 0 } });
    await setFaults(shop.url, { errorRate: 1 });
    const registrations = await registerMany(bridge, stones(10), { actor: 'test' });
    await bridge.startWorkers(clients());
    const queue = bridge.queues.syncPartitions('inventory')[0]!;
    await waitUntil('every job has failed more attempts than the old budget allowed', async () => {
      const jobs = await queue.getJobs(['delayed', 'waiting', 'active', 'failed']);
      return jobs.length === registrations.length && jobs.every((job) => job.attemptsMade > 6);
    });
    expect((await jobCounts(bridge.queues)).failed).toBe(0);
    await setFaults(shop.url, { errorRate: 0 });
    await waitUntil(
      'every job completes',
      async () => (await jobCounts(bridge.queues)).completed === registrations.length,
    );
    expect((await jobCounts(bridge.queues)).failed).toBe(0);
    for (const { id } of registrations)
      expect([...shop.room.items.values()].filter((entry) => entry.item.bridgeId === id)).toHaveLength(1);
  });

  it('while the platform fails its health check its queue is paused, and it resumes by itself', async () => {
    const bridge = bridgeWith({ retry: { backoffBaseMs: 10, backoffMaxMs: 50, healthIntervalMs: 50 } });
    await setFaults(shop.url, { errorRate: 1 });
    const registrations = await registerMany(bridge, stones(10), { actor: 'test' });
    await bridge.startWorkers(clients());
    const queue = bridge.queues.syncPartitions('inventory')[0]!;
    await waitUntil('the queue is paused', () => queue.isPaused());
    // Every job comes to rest in the paused queue: none can be attempted until it resumes.
    await waitUntil(
      'every job waits in the paused queue',
      async () => (await queue.getJobCounts('waiting')).waiting === registrations.length,
    );
    const attemptsWhenPaused = new Map(
      (await queue.getJobs(['waiting'])).map((job) => [job.id, job.attemptsMade]),
    );
    expect((await jobCounts(bridge.queues)).failed).toBe(0);
    await setFaults(shop.url, { errorRate: 0 });
    await waitUntil('the queue resumes by itself', async () => !(await queue.isPaused()));
    await waitUntil(
      'every job completes',
      async () => (await jobCounts(bridge.queues)).completed === registrations.length,
    );
    expect((await jobCounts(bridge.queues)).failed).toBe(0);
    // Each job's only attempt since the pause is the one that succeeded.
    for (const job of await queue.getJobs(['completed']))
      expect(job.attemptsMade).toBeLessThanOrEqual(attemptsWhenPaused.get(job.id)! + 1);
  });

  it('a job still failing after TRACEBRIDGE_RETRY_MAX_AGE fails with a reason naming the age', async () => {
    const bridge = bridgeWith({
      retry: { backoffBaseMs: 10, backoffMaxMs: 50, healthIntervalMs: 0, maxAgeMs: 400 },
    });
    await setFaults(shop.url, { errorRate: 1 });
    try {
      await registerMany(bridge, stones(1), { actor: 'test' });
      await bridge.startWorkers(clients());
      const queue = bridge.queues.syncPartitions('inventory')[0]!;
      const [failed] = await waitUntil('the job fails for good', async () => {
        const jobs = await queue.getFailed();
        return jobs.length > 0 ? jobs : null;
      });
      expect(failed!.failedReason).toMatch(
        /gave up after retrying for .* \(TRACEBRIDGE_RETRY_MAX_AGE 0\.4 s\)/,
      );
      expect(failed!.attemptsMade).toBeGreaterThan(1);
    } finally {
      await setFaults(shop.url, { errorRate: 0 });
    }
  });

  it('reads TRACEBRIDGE_RETRY_MAX_AGE as days, hours, minutes, seconds or milliseconds', () => {
    expect(parseDuration('7d')).toBe(7 * 24 * 3_600_000);
    expect(parseDuration('36h')).toBe(36 * 3_600_000);
    expect(parseDuration('90m')).toBe(90 * 60_000);
    expect(parseDuration('45s')).toBe(45_000);
    expect(parseDuration('1500')).toBe(1_500);
    expect(parseDuration('1500ms')).toBe(1_500);
    expect(parseDuration('a week')).toBeUndefined();
    expect(parseDuration('-3h')).toBeUndefined();
  });
});
