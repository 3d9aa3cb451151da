/**
 * Regression (model-based test, seed -681414715: register, edit the mine at once, register another stone;
 * no fault at all): the edit was undone, in the bridge's record and on both platforms, by the ledger's
 * change feed taking in the stone's registration. The registration's job wrote the Tracr ID back onto the
 * edited version with a sync intent that excepted the ledger, though the edit was owed to the ledger; the
 * feed, reading the stone before that job's ledger job was queued, found nothing owed and took the
 * ledger's registered mine. A write-back that owes its own platform the edit records an intent for it.
 * Each round edits a little later, so that the feed meets the edit at another point of the write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giaAdapter } from '../../src/adapters/gia/index.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { registerMany } from '../../src/sync/register.js';
import { newDiamondId } from '../../src/store/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { startGiaSimulator } from '../../sim/gia/index.js';
import { startTracrSimulator } from '../../sim/tracr/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { ledgerStone } from './platform-support.js';
import {
  jobCounts,
  openBridge,
  simulatorClients,
  testConfig,
  waitUntil,
  type TestBridge,
} from './support.js';

describe('an edit right after the registration', () => {
  let redis: TestRedis;
  let gia: Awaited<ReturnType<typeof startGiaSimulator>>;
  let tracr: Awaited<ReturnType<typeof startTracrSimulator>>;
  let bridge: TestBridge;

  beforeAll(async () => {
    redis = await startRedis();
    gia = await startGiaSimulator({ port: 0, apiKey: 'gia-key' });
    tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-key', blockIntervalMs: 100 });
    bridge = openBridge(
      testConfig(redis, {
        feedIntervalMs: 50,
        orgs: [{ org: 'demo-mining', tracr: { participantId: 'demo-mining' } }],
      }),
      [giaAdapter, tracrAdapter],
    );
    await bridge.startWorkers(simulatorClients(gia.url, tracr.url), { feeds: true });
  });
  afterAll(async () => {
    await bridge.close();
    await gia.close();
    await tracr.close();
    await redis.stop();
  });

  const rough = (id: string, mine: string): DiamondRecord => ({
    schemaVersion: '1',
    id,
    kind: 'rough',
    owner: { org: 'demo-mining' },
    identifiers: { roughControlNumber: `RCN-${id}` },
    origin: { country: 'BW', producer: 'Demo Mining', mine },
    rough: { caratWeight: 2.608 },
  });

  it('is kept by the bridge and reaches both platforms', { timeout: 60_000 }, async () => {
    for (let round = 0; round < 10; round++) {
      const id = newDiamondId();
      await registerMany(bridge, [rough(id, 'Argyle')], { actor: 'test', org: 'demo-mining' });
      await new Promise((resolve) => setTimeout(resolve, round * 40));
      await registerMany(bridge, [rough(id, 'Venetia')], { actor: 'test', org: 'demo-mining' });
      await waitUntil('every job has run', async () => {
        const counts = await jobCounts(bridge.queues);
        const stored = await bridge.store.diamonds.get(id);
        return (
          stored?.record.identifiers?.tracrId !== undefined &&
          !counts['waiting'] &&
          !counts['active'] &&
          !counts['delayed'] &&
          !counts['prioritized']
        );
      });
      await new Promise((resolve) => setTimeout(resolve, 400));
      const stored = (await bridge.store.diamonds.get(id))!;
      expect(stored.record.origin?.mine, `round ${round}`).toBe('Venetia');
      const held = (await ledgerStone(
        { url: tracr.url, apiKey: 'tracr-key' },
        stored.record.identifiers!.tracrId!,
      )) as unknown as { mine: string };
      expect(held.mine, `round ${round}`).toBe('Venetia');
    }
  });
});
