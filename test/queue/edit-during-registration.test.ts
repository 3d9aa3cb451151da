/**
 * Regression (model-based test, seed 1114172487, shrunk to `register(no producerRef)` then an edit): the
 * producer edits a stone while its ledger registration is in flight. Whoever then saves the Tracr ID (the
 * ledger's change feed linking the stone, or the worker writing it back) saved a new version with no job
 * for the ledger, as if the ledger held it: the bridge showed the ledger in sync while only an older job,
 * still waiting for the stone, was left to carry the edit. The stored version's own ledger job must exist
 * and write the edit. Nor may the feed's read of the registration undo an edit of a field the ledger is
 * the authority for: the ledger's view predates the write the bridge still owes it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PlatformClient, PutItem } from '../../src/adapters/contract.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { createParticipants } from '../../src/participants/registry.js';
import { pullFeed, type FeedContext } from '../../src/sync/feeds.js';
import { registerMany } from '../../src/sync/register.js';
import { syncJobId } from '../../src/queue/job-ids.js';
import { newDiamondId } from '../../src/store/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { participantKeyFromSeed, startTracrSimulator } from '../../sim/tracr/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { ledgerStone } from './platform-support.js';
import { jobCounts, openBridge, testConfig, waitUntil, type TestBridge } from './support.js';

describe('an edit saved while the ledger registration is in flight', () => {
  let redis: TestRedis;
  let tracr: Awaited<ReturnType<typeof startTracrSimulator>>;
  let bridge: TestBridge;
  let client: PlatformClient;
  const ledger = () => ({ url: tracr.url, apiKey: 'tracr-key' });

  beforeAll(async () => {
    redis = await startRedis();
    tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-key', blockIntervalMs: 0 });
    client = tracrAdapter.connect({
      url: tracr.url,
      apiKey: 'tracr-key',
      participantId: 'demo-mining',
      privateKey: participantKeyFromSeed('tracr-sim:demo-mining').privateKey,
    });
  });
  afterAll(async () => {
    await tracr.close();
    await redis.stop();
  });
  beforeEach(() => {
    bridge = openBridge(testConfig(redis), [tracrAdapter]);
  });
  afterEach(async () => {
    await bridge.close();
  });

  const rough = (id: string, caratWeight: number): DiamondRecord => ({
    schemaVersion: '1',
    id,
    kind: 'rough',
    owner: { org: 'demo-mining' },
    identifiers: { roughControlNumber: `RCN-${id}` },
    origin: { country: 'BW', mine: 'Jwaneng' },
    rough: { caratWeight },
  });

  /** The ledger's job for the stone's stored version, once it has written the edit; fails if there is none. */
  async function storedVersionSynced(id: string): Promise<void> {
    const stored = (await bridge.store.diamonds.get(id))!;
    const job = await bridge.queues.sync('tracr', id).getJob(syncJobId('tracr', id, stored.hash));
    expect(job, `a ledger job for stored version ${stored.version}`).toBeDefined();
    await waitUntil('the ledger holds the edit', async () => {
      const held = (await ledgerStone(ledger(), stored.record.identifiers!.tracrId!)) as unknown as {
        caratWeight: number;
      };
      return held.caratWeight === 3.51 && (await job!.getState()) === 'completed';
    });
  }

  it('gets a ledger job of its own when the ledger feed links the stone', { timeout: 60_000 }, async () => {
    const feed = feedOf(bridge, client);
    await pullFeed(feed, 'tracr');
    const id = newDiamondId();
    await registerMany(bridge, [rough(id, 0.6)], { actor: 'test', org: 'demo-mining' });
    // The worker's registration reaches a block; the producer edits; the feed reads the block first.
    await client.put(rough(id, 0.6), { idempotencyKey: id });
    await registerMany(bridge, [rough(id, 3.51)], { actor: 'test', org: 'demo-mining' });
    await pullFeed(feed, 'tracr');

    await bridge.startWorkers(new Map([['tracr', client]]));
    await storedVersionSynced(id);
  });

  // Found next by the same test (seed 1114172487, shrunk to register, edit of the mine, lost ledger
  // replies): the feed's read of the registration undid the edit, the ledger being the origin's authority.
  it(
    'keeps an edit of the origin that the ledger feed reads the registration before',
    { timeout: 60_000 },
    async () => {
      const feed = feedOf(bridge, client);
      await pullFeed(feed, 'tracr');
      const id = newDiamondId();
      await registerMany(bridge, [rough(id, 0.6)], { actor: 'test', org: 'demo-mining' });
      await client.put(rough(id, 0.6), { idempotencyKey: id });
      const edited = { ...rough(id, 0.6), origin: { country: 'BW', mine: 'Orapa' } };
      await registerMany(bridge, [edited], { actor: 'test', org: 'demo-mining' });
      await pullFeed(feed, 'tracr');
      expect((await bridge.store.diamonds.get(id))?.record.origin?.mine).toBe('Orapa');

      await bridge.startWorkers(new Map([['tracr', client]]));
      await waitUntil('the ledger holds the edit', async () => {
        const tracrId = (await bridge.store.diamonds.get(id))?.record.identifiers?.tracrId;
        const held = tracrId && ((await ledgerStone(ledger(), tracrId)) as unknown as { mine: string });
        return held && held.mine === 'Orapa';
      });
      expect((await bridge.store.diamonds.get(id))?.record.origin?.mine).toBe('Orapa');
    },
  );

  it(
    'gets a ledger job of its own when the worker writes the Tracr ID back',
    { timeout: 60_000 },
    async () => {
      const id = newDiamondId();
      const { held, written, goOn } = holdAfterWrite(client, id);
      await registerMany(bridge, [rough(id, 0.6)], { actor: 'test', org: 'demo-mining' });
      await bridge.startWorkers(new Map([['tracr', held]]));
      await written;
      await registerMany(bridge, [rough(id, 3.51)], { actor: 'test', org: 'demo-mining' });
      goOn();
      await waitUntil('the Tracr ID is written back', async () => {
        const stored = await bridge.store.diamonds.get(id);
        return stored?.record.identifiers?.tracrId !== undefined;
      });
      await storedVersionSynced(id);
    },
  );

  it(
    'a job still running when the stone changes and changes back leaves the ledger at the last version',
    { timeout: 60_000 },
    async () => {
      const id = newDiamondId();
      const { held, written, goOn } = holdAfterWrite(client, id);
      await registerMany(bridge, [rough(id, 0.6)], { actor: 'test', org: 'demo-mining' });
      await bridge.startWorkers(new Map([['tracr', held]]));
      // The first job has written 0.6 and is still running: its job ID is the one the return to 0.6 names.
      await written;
      await registerMany(bridge, [rough(id, 0.9)], { actor: 'test', org: 'demo-mining' });
      await registerMany(bridge, [rough(id, 0.6)], { actor: 'test', org: 'demo-mining' });
      goOn();
      await waitUntil('every ledger job of the stone has run', async () => {
        const counts = await jobCounts(bridge.queues);
        return !counts.waiting && !counts.active && !counts.delayed && !counts.prioritized;
      });
      const stored = (await bridge.store.diamonds.get(id))!;
      expect(stored.record.rough?.caratWeight).toBe(0.6);
      const onLedger = (await ledgerStone(ledger(), stored.record.identifiers!.tracrId!)) as unknown as {
        caratWeight: number;
      };
      expect(onLedger.caratWeight).toBe(0.6);
      expect((await jobCounts(bridge.queues)).failed ?? 0).toBe(0);
    },
  );
});

/** The ledger's change feed over `bridge`, pulled by the test when it chooses. */
function feedOf(bridge: TestBridge, client: PlatformClient): FeedContext {
  return {
    adapters: bridge.adapters,
    clients: new Map([['tracr', client]]),
    store: bridge.store,
    queues: bridge.queues,
    redis: bridge.connection,
    prefix: bridge.config.prefix,
    leaseMs: 30_000,
    participants: createParticipants([], { participantId: 'demo-mining' }),
  };
}

/**
 * `client`, except that its write of stone `id` is held, once it has landed, until `goOn` is called:
 * the sync job stays running (and keeps its lease) while the test changes the stone.
 */
function holdAfterWrite(
  client: PlatformClient,
  id: string,
): { held: PlatformClient; written: Promise<void>; goOn: () => void } {
  let wrote!: () => void;
  const written = new Promise<void>((resolve) => (wrote = resolve));
  let goOn!: () => void;
  const released = new Promise<void>((resolve) => (goOn = resolve));
  const held: PlatformClient = {
    ...client,
    putMany: async (items: PutItem[]) => {
      const results = await client.putMany!(items);
      if (items.some((item) => item.record.id === id)) {
        wrote();
        await released;
      }
      return results;
    },
  };
  return { held, written, goOn };
}
