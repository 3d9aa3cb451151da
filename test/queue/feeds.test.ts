/**
 * Change feeds between two stock systems running the same software (`inventory` and `showroom`): a change
 * made on one shop floor reaches the bridge's record and the other shop, and the cursor only moves past
 * changes that were stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInventory } from '../../examples/inventory-adapter/server.js';
import type { PlatformClient } from '../../src/adapters/contract.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import {
  inventoryAdapter,
  openBridge,
  showroomAdapter,
  testConfig,
  waitUntil,
  type TestBridge,
} from './support.js';

type Shop = Awaited<ReturnType<typeof startInventory>>;

describe('change feeds', () => {
  let redis: TestRedis;
  let shop: Shop;
  let showroom: Shop;
  let bridge: TestBridge;

  beforeAll(async () => {
    redis = await startRedis();
    shop = await startInventory(0, 'shop-key');
    showroom = await startInventory(0, 'showroom-key');
    bridge = openBridge(testConfig(redis, { feedIntervalMs: 100 }), [inventoryAdapter, showroomAdapter]);
    await bridge.startWorkers(
      new Map<string, PlatformClient>([
        ['inventory', inventoryAdapter.connect({ url: shop.url, apiKey: 'shop-key', accountId: 'shop-1' })],
        [
          'showroom',
          showroomAdapter.connect({ url: showroom.url, apiKey: 'showroom-key', accountId: 'shop-1' }),
        ],
      ]),
      { feeds: true },
    );
  });
  afterAll(async () => {
    await bridge.close();
    await Promise.all([shop.close(), showroom.close()]);
    await redis.stop();
  });

  it('a stone received on one shop floor reaches the bridge record and the other shop, once', async () => {
    const received = shop.room.apply({
      caratWeight: 0.71,
      shape: 'OV',
      colour: 'F',
      clarity: 'VS2',
      giaReportNumber: '5141438172',
    });
    const id = await waitUntil('the bridge knows the stone', () =>
      bridge.store.identity.resolve('inventory', received.sku!),
    );
    const stored = await bridge.store.diamonds.get(id);
    expect(stored?.record).toMatchObject({
      kind: 'polished',
      identifiers: { giaReportNumber: '5141438172' },
      polished: { shape: 'oval', caratWeight: 0.71, color: { scale: 'DZ', grade: 'F' }, clarity: 'VS2' },
      extensions: { inventory: { sku: received.sku } },
    });
    await waitUntil('the showroom holds the stone', () =>
      [...showroom.room.items.values()].some((entry) => entry.item.giaReportNumber === '5141438172'),
    );
    expect(await bridge.store.cursors.getCursor('inventory')).not.toBeNull();

    // The shop floor adds what the bridge lacked (an inscription); it reaches the showroom, and echoes settle.
    // (A new grade would not: the shop is not authoritative for grading, so it only fills gaps.)
    shop.room.apply({ ...received, clarity: 'VS1', inscription: 'GIA 5141438172' });
    await waitUntil('the showroom has the inscription', () =>
      [...showroom.room.items.values()].some(
        (entry) => entry.item.giaReportNumber === '5141438172' && entry.item.inscription === 'GIA 5141438172',
      ),
    );
    const inShowroom = [...showroom.room.items.values()].filter(
      (entry) => entry.item.giaReportNumber === '5141438172',
    );
    expect(inShowroom).toHaveLength(1);
    const latest = (await bridge.store.diamonds.get(id))?.record;
    expect(latest?.identifiers?.inscription).toBe('GIA 5141438172');
    expect(latest?.polished?.clarity).toBe('VS2');
    expect(await bridge.store.diamonds.count()).toBe(1);
  }, 90_000);
});
