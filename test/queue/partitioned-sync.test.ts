/**
 * Sync with the queue split into partitions: the health watch pauses and resumes every partition of a
 * platform together (and pauses again one a lost pause left running), and jobs moved by a repartition are
 * synced by workers started with the new count, each stone written once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startInventory } from '../../examples/inventory-adapter/server.js';
import { partitionOf } from '../../src/queue/partitions.js';
import { repartition } from '../../src/queue/repartition.js';
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

describe('sync through queue partitions', () => {
  let redis: TestRedis;
  let shop: Shop;
  const open: TestBridge[] = [];
  let serial = 0;
  const stones = (count: number) => Array.from({ length: count }, () => shelfStone(9_000 + ++serial));

  beforeAll(async () => {
    redis = await startRedis();
    shop = await startInventory(0, 'shop-key');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((bridge) => bridge.close()));
    shop.room.reset();
    await setFaults(shop.url, { errorRate: 0 });
  });
  afterAll(async () => {
    await shop.close();
    await redis.stop();
  });

  /** Every stone of `ids` is on the shop's shelf once, written once. */
  const expectShelvedOnce = (ids: string[]): void => {
    const items = [...shop.room.items.values()].map((entry) => entry.item);
    for (const id of ids)
      expect(
        items.filter((item) => item.bridgeId === id),
        id,
      ).toHaveLength(1);
    expect(items).toHaveLength(ids.length);
    expect([...shop.room.writes.values()].every((writes) => writes === 1)).toBe(true);
  };

  it('a failing health check pauses every partition of the platform, and recovery resumes them all', async () => {
    const bridge = openBridge(
      testConfig(redis, { queuePartitions: 3, retry: { backoffBaseMs: 10, backoffMaxMs: 50 } }),
      [inventoryAdapter],
    );
    open.push(bridge);
    await setFaults(shop.url, { errorRate: 1 });
    const registrations = await registerMany(bridge, stones(30), { actor: 'test' });
    expect(new Set(registrations.map(({ id }) => partitionOf(id, 3))).size).toBe(3);
    await bridge.startWorkers(shopClients(shop.url));
    const partitions = bridge.queues.syncPartitions('inventory');
    await waitUntil('every partition is paused', async () =>
      (await Promise.all(partitions.map((queue) => queue.isPaused()))).every(Boolean),
    );
    // A partition left running while the platform is marked down (its pause lost to a Redis hiccup) is
    // paused again by the next failing check.
    await partitions[1]!.resume();
    await waitUntil('the partition left running is paused again', () => partitions[1]!.isPaused());
    await setFaults(shop.url, { errorRate: 0 });
    await waitUntil('every partition resumes', async () =>
      (await Promise.all(partitions.map((queue) => queue.isPaused()))).every((paused) => !paused),
    );
    await waitUntil(
      'every job completes',
      async () => (await jobCounts(bridge.queues)).completed === registrations.length,
    );
    expect((await jobCounts(bridge.queues)).failed).toBe(0);
    expectShelvedOnce(registrations.map(({ id }) => id));
  });

  it('jobs moved from one partition to three are synced by workers started with three, each stone once', async () => {
    const one = testConfig(redis);
    const before = openBridge(one, [inventoryAdapter]);
    open.push(before);
    const registrations = await registerMany(before, stones(40), { actor: 'test' });
    expect((await jobCounts(before.queues)).waiting).toBe(40);

    const outcome = await repartition(before.connection, {
      prefix: one.prefix,
      platforms: ['inventory'],
      from: 1,
      to: 3,
    });
    expect(outcome.moved).toEqual({ inventory: 40 });
    expect(await jobCounts(before.queues)).toMatchObject({ waiting: 0, delayed: 0, prioritized: 0 });

    const after = openBridge({ ...one, queuePartitions: 3 }, [inventoryAdapter]);
    open.push(after);
    await after.startWorkers(shopClients(shop.url));
    await waitUntil(
      'every moved job completes',
      async () => (await jobCounts(after.queues)).completed === 40,
    );
    expect((await jobCounts(after.queues)).failed).toBe(0);
    expectShelvedOnce(registrations.map(({ id }) => id));
  });
});
