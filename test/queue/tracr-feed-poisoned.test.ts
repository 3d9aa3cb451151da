/**
 * One bad record never stalls the ledger's change feed: a stone whose served state fails its proof (a
 * corrupt node changed it without a transaction) is set aside as a rejected change with its reason, every
 * other stone of the page is stored, and the cursor moves past it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformClient } from '../../src/adapters/contract.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { pullFeed, type FeedContext } from '../../src/sync/feeds.js';
import { listRejectedChanges } from '../../src/sync/rejected.js';
import { participantKeyFromSeed, startTracrSimulator } from '../../sim/tracr/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { openBridge, testConfig, type TestBridge } from './support.js';

describe('the ledger change feed with a poisoned record', () => {
  let redis: TestRedis;
  let tracr: Awaited<ReturnType<typeof startTracrSimulator>>;
  let bridge: TestBridge;

  beforeAll(async () => {
    redis = await startRedis();
    tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-key', blockIntervalMs: 0 });
    bridge = openBridge(testConfig(redis), [tracrAdapter]);
  });
  afterAll(async () => {
    await bridge.close();
    await tracr.close();
    await redis.stop();
  });

  it('a stone that fails its proof is rejected with its reason and the cursor moves past it', async () => {
    const poisoned = 'TRACR-0985A0000004';
    const tampered = await fetch(`${tracr.url}/admin/tamper`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ diamondId: poisoned, patch: { caratWeight: 9.85 } }),
    });
    expect(tampered.ok).toBe(true);
    const { privateKey } = participantKeyFromSeed('tracr-sim:demo-mining');
    const context: FeedContext = {
      adapters: bridge.adapters,
      clients: new Map<string, PlatformClient>([
        [
          'tracr',
          tracrAdapter.connect({
            url: tracr.url,
            apiKey: 'tracr-key',
            participantId: 'demo-mining',
            privateKey,
            pageSize: 2,
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
    const head = ((await (await fetch(`${tracr.url}/admin/state`)).json()) as { headHeight: number })
      .headHeight;
    const { diamonds } = (await (await fetch(`${tracr.url}/admin/state`)).json()) as { diamonds: number };

    const result = await pullFeed(context, 'tracr');

    expect(result.rejected).toBe(1);
    expect(result.stored + result.proposed).toBeGreaterThanOrEqual(diamonds - 1);
    const [rejection] = await listRejectedChanges(bridge.store);
    expect(rejection).toMatchObject({ platform: 'tracr', ref: poisoned });
    expect(rejection!.reason).toMatch(/tampered record/);
    expect(await bridge.store.cursors.getCursor('tracr')).toBe(String(head));
    // The next pull starts past it: nothing is read again, nothing rejected again.
    const again = await pullFeed(context, 'tracr');
    expect(again.rejected).toBe(0);
    expect(await listRejectedChanges(bridge.store)).toHaveLength(1);
  });
});
