/**
 * Regression (model-based test: a stone shown not_synced after quiescence): a stone's sync status was
 * computed from a record read before its jobs' states. A job that completed in between (recording where
 * the platform holds the stone, or writing back the Tracr ID as a new version) left the status judged
 * against the old record: the job completed, the old record named no source, so "not_synced" for a stone
 * the platform holds. The status is judged against the record as it stands after the jobs were read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformClient } from '../../src/adapters/contract.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { stoneSyncStatus } from '../../src/api/sync-status.js';
import { registerMany } from '../../src/sync/register.js';
import { newDiamondId } from '../../src/store/index.js';
import { participantKeyFromSeed, startTracrSimulator } from '../../sim/tracr/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { jobCounts, openBridge, testConfig, waitUntil, type TestBridge } from './support.js';

describe('the sync status of a stone whose job completes while it is read', () => {
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

  it('is in_sync, not not_synced, when the record was read before the job completed', async () => {
    const id = newDiamondId();
    await registerMany(
      bridge,
      [
        {
          schemaVersion: '1',
          id,
          kind: 'rough',
          owner: { org: 'demo-mining' },
          identifiers: { roughControlNumber: `RCN-${id}` },
          origin: { country: 'BW', mine: 'Jwaneng' },
          rough: { caratWeight: 1.23 },
        },
      ],
      { actor: 'test', org: 'demo-mining' },
    );
    // The record as a reader saw it before any worker ran.
    const before = (await bridge.store.diamonds.get(id))!;
    await bridge.startWorkers(
      new Map<string, PlatformClient>([
        [
          'tracr',
          tracrAdapter.connect({
            url: tracr.url,
            apiKey: 'tracr-key',
            participantId: 'demo-mining',
            privateKey: participantKeyFromSeed('tracr-sim:demo-mining').privateKey,
          }),
        ],
      ]),
    );
    await waitUntil('the ledger job settles', async () => {
      const counts = await jobCounts(bridge.queues);
      const stored = await bridge.store.diamonds.get(id);
      return (
        stored?.record.sources?.['tracr'] !== undefined &&
        (counts['waiting'] ?? 0) + (counts['active'] ?? 0) + (counts['delayed'] ?? 0) === 0
      );
    });

    const { stored, sync } = await stoneSyncStatus(bridge, before);
    expect(sync['tracr']?.status).toBe('in_sync');
    // The status and the record it answers with are of the same version.
    expect(stored.version).toBeGreaterThan(before.version);
    expect(sync['tracr']?.ref).toBe(stored.record.identifiers?.tracrId);
  });
});
