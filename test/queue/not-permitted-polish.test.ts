/**
 * Regression (model-based test: register, the lab grades the stone cut from the rough, then the ledger
 * answers): a stone whose record carries a polish the ledger signer may not sign (a producer's bridge;
 * only a manufacturer polishes) beside what the producer may write (the rough's registration, a correction
 * of its weight). The writer refused the whole write when the ledger did not hold the rough yet, so the
 * stone was never registered there; it must write the permitted acts and record only the polish as not
 * permitted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { stoneSyncStatus } from '../../src/api/sync-status.js';
import { registerMany } from '../../src/sync/register.js';
import { newDiamondId } from '../../src/store/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { startGiaSimulator } from '../../sim/gia/index.js';
import { startTracrSimulator } from '../../sim/tracr/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { ledgerStone } from './platform-support.js';
import { openBridge, simulatorClients, testConfig, waitUntil, type TestBridge } from './support.js';

describe('an edit with a polish the ledger signer may not sign', () => {
  let redis: TestRedis;
  let gia: Awaited<ReturnType<typeof startGiaSimulator>>;
  let tracr: Awaited<ReturnType<typeof startTracrSimulator>>;
  let bridge: TestBridge;

  beforeAll(async () => {
    redis = await startRedis();
    gia = await startGiaSimulator({ port: 0, apiKey: 'gia-key' });
    tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-key', blockIntervalMs: 0 });
    bridge = openBridge(testConfig(redis), [tracrAdapter]);
    await bridge.startWorkers(simulatorClients(gia.url, tracr.url));
  });
  afterAll(async () => {
    await bridge.close();
    await gia.close();
    await tracr.close();
    await redis.stop();
  });

  const polished = {
    shape: 'round',
    caratWeight: 0.9,
    color: { scale: 'DZ', grade: 'F' },
    clarity: 'VS1',
    cut: 'EX',
    polish: 'EX',
    symmetry: 'EX',
    fluorescence: { intensity: 'NON' },
    measurements: { minDiameterMm: 6.2, maxDiameterMm: 6.24, depthMm: 3.85 },
  } as const;

  it('registers the rough of a stone graded before the ledger held it, and records only the polish as not permitted', async () => {
    const id = newDiamondId();
    await registerMany(
      bridge,
      [
        {
          schemaVersion: '1',
          id,
          kind: 'polished',
          owner: { org: 'demo-mining' },
          identifiers: { roughControlNumber: `RCN-${id}` },
          origin: { country: 'BW', producer: 'Demo Mining', mine: 'Jwaneng' },
          rough: { caratWeight: 1.8 },
          polished,
        },
      ],
      { actor: 'test', org: 'demo-mining' },
    );
    const status = await waitUntil('the ledger job settles', async () => {
      const { sync } = await stoneSyncStatus(bridge, (await bridge.store.diamonds.get(id))!);
      return sync['tracr']?.status === 'pending' ? undefined : sync['tracr'];
    });
    expect(status.status).toBe('not_permitted');
    expect(status.reason).toMatch(/^POLISH: demo-mining is a producer/);
    const tracrId = (await bridge.store.diamonds.get(id))?.record.identifiers?.tracrId;
    expect(tracrId).toBeDefined();
    const held = (await ledgerStone({ url: tracr.url, apiKey: 'tracr-key' }, tracrId!)) as unknown as {
      caratWeight: number;
      kind: string;
      mine: string;
    };
    expect(held).toMatchObject({ caratWeight: 1.8, kind: 'ROUGH', mine: 'Jwaneng' });
  });

  it("writes the producer's correction of the rough and records only the polish as not permitted", async () => {
    const id = newDiamondId();
    const rough: DiamondRecord = {
      schemaVersion: '1',
      id,
      kind: 'rough',
      owner: { org: 'demo-mining' },
      identifiers: { roughControlNumber: `RCN-${id}` },
      origin: { country: 'BW', producer: 'Demo Mining', mine: 'Jwaneng' },
      rough: { caratWeight: 1.7 },
    };
    await registerMany(bridge, [rough], { actor: 'test', org: 'demo-mining' });
    const tracrId = await waitUntil('the ledger registration is linked', async () => {
      const stored = await bridge.store.diamonds.get(id);
      return stored?.record.sources?.['tracr'] && stored.record.identifiers?.tracrId;
    });
    const stored = (await bridge.store.diamonds.get(id))!;
    const { sources: _sources, ...content } = stored.record;
    await registerMany(
      bridge,
      [
        {
          ...content,
          kind: 'polished',
          rough: { caratWeight: 1.75 },
          polished,
        },
      ],
      { actor: 'test', org: 'demo-mining' },
    );
    const status = await waitUntil('the ledger job settles', async () => {
      const { sync } = await stoneSyncStatus(bridge, (await bridge.store.diamonds.get(id))!);
      return sync['tracr']?.status === 'pending' ? undefined : sync['tracr'];
    });
    const held = (await ledgerStone({ url: tracr.url, apiKey: 'tracr-key' }, tracrId)) as unknown as {
      caratWeight: number;
      kind: string;
    };
    expect(held).toMatchObject({ caratWeight: 1.75, kind: 'ROUGH' });
    expect(status.status).toBe('not_permitted');
    expect(status.reason).toMatch(/^POLISH: demo-mining is a producer/);
  });
});
