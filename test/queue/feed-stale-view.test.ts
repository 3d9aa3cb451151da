/**
 * Regression (model-based test, seed -681414715, sequence 44: register, edit the country, edit the KP
 * certificate, no fault): a ledger change-feed page read before the bridge's update of the stone landed
 * was taken in after that update's job had completed. Nothing was owed to the ledger any more, so the
 * view, older than the bridge's own write, was taken as the ledger's word and undid the edit (and the
 * bridge then wrote the old country back). A view read before the bridge last synced the stone there
 * decides nothing the bridge writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformClient } from '../../src/adapters/contract.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { createParticipants } from '../../src/participants/registry.js';
import { ingestPlatformRecords } from '../../src/sync/inbound-records.js';
import { newDiamondId } from '../../src/store/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { participantKeyFromSeed, startTracrSimulator } from '../../sim/tracr/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { openBridge, testConfig, type TestBridge } from './support.js';

describe('a change-feed view read before the bridge last wrote the stone', () => {
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

  it('does not undo the edit the bridge wrote after the view was read', async () => {
    const id = newDiamondId();
    const rough = (country: string): DiamondRecord => ({
      schemaVersion: '1',
      id,
      kind: 'rough',
      owner: { org: 'demo-mining' },
      identifiers: { roughControlNumber: `RCN-${id}` },
      origin: { country, mine: 'Orapa' },
      rough: { caratWeight: 1.123 },
    });
    const { ref } = await client.put(rough('NA'), { idempotencyKey: id });
    const registered = { ...rough('NA'), identifiers: { roughControlNumber: `RCN-${id}`, tracrId: ref } };
    await bridge.store.diamonds.save(registered, { actor: 'test', action: 'register' });
    await bridge.store.identity.link(id, 'tracr', ref, { actor: 'test' });

    // The feed reads the stone as registered...
    const viewsReadFrom = new Date().toISOString();
    const stale = (await client.get(ref))!;
    // ...then the producer's edit is saved, written to the ledger by its job, and recorded as synced.
    const edited = { ...registered, origin: { country: 'CA', mine: 'Orapa' } };
    const saved = await bridge.store.diamonds.save(edited, { actor: 'test', action: 'register' });
    await client.put(edited, { idempotencyKey: `${id}-v${saved.version}` });
    await bridge.store.identity.recordSync(
      id,
      'tracr',
      { ref, syncedAt: new Date(Date.now() + 1).toISOString(), hash: 'a'.repeat(64) },
      { actor: 'worker:tracr' },
    );
    // ...and only now takes in what it read.
    await ingestPlatformRecords(
      {
        store: bridge.store,
        queues: bridge.queues,
        adapters: bridge.adapters,
        participants: createParticipants([], { participantId: 'demo-mining' }),
      },
      'tracr',
      [stale],
      { actor: 'feed:tracr', action: 'change-feed', viewsReadFrom },
    );

    expect((await bridge.store.diamonds.get(id))?.record.origin?.country).toBe('CA');
  });
});
