/**
 * Regression (model-based test, seed 1114172487: register, edit the country, edit the producerRef, kill a
 * worker; the stored country went back to the registered one): an edit is stored with its sync intent (the
 * outbox) a moment before its jobs are queued. A ledger change-feed read of the stone in that moment took
 * the ledger's origin, the ledger being its authority, since no job yet said the ledger was owed a write:
 * the acknowledged edit was undone. A pending intent for the stored content says so as well as a job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformClient } from '../../src/adapters/contract.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { createParticipants } from '../../src/participants/registry.js';
import { pullFeed, type FeedContext } from '../../src/sync/feeds.js';
import { newDiamondId } from '../../src/store/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { participantKeyFromSeed, startTracrSimulator } from '../../sim/tracr/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { openBridge, testConfig, type TestBridge } from './support.js';

describe('a change-feed read while an edit waits in the outbox', () => {
  let redis: TestRedis;
  let tracr: Awaited<ReturnType<typeof startTracrSimulator>>;
  let bridge: TestBridge;
  let client: PlatformClient;

  beforeAll(async () => {
    redis = await startRedis();
    tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-key', blockIntervalMs: 0 });
    client = tracrAdapter.connect({
      url: tracr.url,
      apiKey: 'tracr-key',
      participantId: 'demo-mining',
      privateKey: participantKeyFromSeed('tracr-sim:demo-mining').privateKey,
    });
    bridge = openBridge(testConfig(redis), [tracrAdapter]);
  });
  afterAll(async () => {
    await bridge.close();
    await tracr.close();
    await redis.stop();
  });

  const rough = (id: string, country: string, kpCertificate?: string): DiamondRecord => ({
    schemaVersion: '1',
    id,
    kind: 'rough',
    owner: { org: 'demo-mining' },
    identifiers: {
      roughControlNumber: `RCN-${id}`,
      ...(kpCertificate === undefined ? {} : { kpCertificate }),
    },
    origin: { country, mine: 'Jwaneng' },
    rough: { caratWeight: 2.2 },
  });

  it('keeps the edit whose sync jobs are not queued yet', async () => {
    const feed: FeedContext = {
      adapters: bridge.adapters,
      clients: new Map([['tracr', client]]),
      store: bridge.store,
      queues: bridge.queues,
      redis: bridge.connection,
      prefix: bridge.config.prefix,
      leaseMs: 30_000,
      participants: createParticipants([], { participantId: 'demo-mining' }),
    };
    await pullFeed(feed, 'tracr');
    // A stone stored and registered on the ledger, linked by the feed: in sync, no job owed.
    const id = newDiamondId();
    await bridge.store.diamonds.save(rough(id, 'BW'), { actor: 'test', action: 'register' });
    await client.put(rough(id, 'BW'), { idempotencyKey: id });
    await pullFeed(feed, 'tracr');
    const linked = (await bridge.store.diamonds.get(id))!;
    expect(linked.record.identifiers?.tracrId).toBeDefined();

    // The producer's edit is stored with its intent; its jobs are not queued yet.
    await bridge.store.diamonds.save(
      { ...linked.record, origin: { country: 'CA', mine: 'Jwaneng' } },
      { actor: 'test', action: 'register', syncIntent: {}, expectedVersion: linked.version },
    );
    // Meanwhile the ledger records another change of the stone, and the feed reads it.
    await client.put(
      {
        ...rough(id, 'BW', 'KP-BW-1'),
        identifiers: { ...linked.record.identifiers, kpCertificate: 'KP-BW-1' },
      },
      {
        idempotencyKey: `${id}-kp`,
      },
    );
    await pullFeed(feed, 'tracr');

    expect((await bridge.store.diamonds.get(id))?.record.origin?.country).toBe('CA');
  });
});
