/**
 * The ledger's change feed can read a stone the bridge has just registered before the sync worker links
 * its Tracr ID to the bridge stone. The registration carries the bridge ID, so the feed finds the bridge's
 * own stone instead of storing a second one, and the worker's write-back of the Tracr ID then succeeds. A
 * stone another organisation registers on the ledger naming the same bridge ID is never attached to it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformClient } from '../../src/adapters/contract.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { createParticipants } from '../../src/participants/registry.js';
import { pullFeed, type FeedContext } from '../../src/sync/feeds.js';
import { registerMany } from '../../src/sync/register.js';
import { newDiamondId } from '../../src/store/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { participantKeyFromSeed, startTracrSimulator } from '../../sim/tracr/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { ledgerStone, signAndCommit } from './platform-support.js';
import { jobCounts, openBridge, testConfig, waitUntil, type TestBridge } from './support.js';

describe("the ledger feed reading the bridge's own registration before the worker links it", () => {
  let redis: TestRedis;
  let tracr: Awaited<ReturnType<typeof startTracrSimulator>>;
  let bridge: TestBridge;
  let client: PlatformClient;
  let feed: FeedContext;
  const ledger = () => ({ url: tracr.url, apiKey: 'tracr-key' });

  beforeAll(async () => {
    redis = await startRedis();
    tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-key', blockIntervalMs: 0 });
    bridge = openBridge(testConfig(redis), [tracrAdapter]);
    client = tracrAdapter.connect({
      url: tracr.url,
      apiKey: 'tracr-key',
      participantId: 'demo-mining',
      privateKey: participantKeyFromSeed('tracr-sim:demo-mining').privateKey,
    });
    feed = {
      adapters: bridge.adapters,
      clients: new Map([['tracr', client]]),
      store: bridge.store,
      queues: bridge.queues,
      redis: bridge.connection,
      prefix: bridge.config.prefix,
      leaseMs: 30_000,
      // The bridge signs as demo-mining; kalahari-mining is another organisation on the ledger.
      participants: createParticipants([], { participantId: 'demo-mining' }),
    };
    // The ledger's sample stones enter first, so each test counts only its own.
    await pullFeed(feed, 'tracr');
  });
  afterAll(async () => {
    await bridge.close();
    await tracr.close();
    await redis.stop();
  });

  const rough = (id: string): DiamondRecord => ({
    schemaVersion: '1',
    id,
    kind: 'rough',
    owner: { org: 'demo-mining' },
    origin: { country: 'BW' },
    rough: { caratWeight: 0.6 },
  });

  it(
    'keeps one bridge stone, linked to the Tracr ID, and the write-back succeeds',
    { timeout: 60_000 },
    async () => {
      const id = newDiamondId();
      await registerMany(bridge, [rough(id)], { actor: 'test', org: 'demo-mining' });
      const stones = await bridge.store.diamonds.count();
      // The worker's write reaches a block; the worker is held before it links the Tracr ID.
      const written = await client.put(rough(id), { idempotencyKey: id });
      const tracrId = written.ref;

      await pullFeed(feed, 'tracr');
      expect(await bridge.store.diamonds.count()).toBe(stones);
      expect(await bridge.store.identity.resolve('tracr', tracrId)).toBe(id);

      // The worker goes on: its write finds the stone on the ledger and links it, refused by nothing.
      await bridge.startWorkers(new Map([['tracr', client]]));
      await waitUntil('the sync job settles', async () => {
        const counts = await jobCounts(bridge.queues);
        return !counts.waiting && !counts.active && !counts.delayed;
      });
      expect((await jobCounts(bridge.queues)).failed ?? 0).toBe(0);
      expect((await bridge.store.diamonds.get(id))?.record.identifiers?.tracrId).toBe(tracrId);
      expect(await bridge.store.diamonds.count()).toBe(stones);
    },
  );

  it.each(['before', 'after'] as const)(
    'carries an edit made %s the feed links the stone to the ledger',
    { timeout: 60_000 },
    async (when) => {
      const id = newDiamondId();
      await registerMany(bridge, [rough(id)], { actor: 'test', org: 'demo-mining' });
      const { ref: tracrId } = await client.put(rough(id), { idempotencyKey: id });
      const edited = { ...rough(id), identifiers: { producerRef: `EDIT-${when}` } };
      if (when === 'before') await registerMany(bridge, [edited], { actor: 'test', org: 'demo-mining' });
      await pullFeed(feed, 'tracr');
      if (when === 'after') await registerMany(bridge, [edited], { actor: 'test', org: 'demo-mining' });
      await bridge.startWorkers(new Map([['tracr', client]]));
      await waitUntil('the ledger holds the edit', async () => {
        const held = (await ledgerStone(ledger(), tracrId)) as unknown as { producerRef: string | null };
        return held.producerRef === `EDIT-${when}`;
      });
    },
  );

  it(
    "never attaches another organisation's ledger stone that names a bridge ID",
    { timeout: 60_000 },
    async () => {
      const id = newDiamondId();
      await bridge.store.diamonds.save(rough(id), { actor: 'test', action: 'register' });
      const foreign = await signAndCommit(ledger(), 'kalahari-mining', 'REGISTER_ROUGH', {
        caratWeight: 1.111,
        sourceCountry: 'BW',
        externalRef: id,
      });
      expect(await ledgerStone(ledger(), foreign.diamondId)).toMatchObject({ externalRef: id });

      await pullFeed(feed, 'tracr');
      expect(await bridge.store.identity.resolve('tracr', foreign.diamondId)).not.toBe(id);
      expect((await bridge.store.diamonds.get(id))?.record.identifiers?.tracrId).toBeUndefined();
    },
  );
});
