/**
 * Regression (model-based test, seed -681414715: register, edit the mine, registry 503s, a slow ledger,
 * lost registry replies; the registry intake kept the old mine while the stone showed in sync there):
 * the ledger's Tracr ID written back to a stone is a new version the registry cannot store, so it got no
 * registry job, on the ground that the registry's written form was unchanged. That holds only if the
 * registry took the version before it; its job for the edit was still retrying. The stone's status for the
 * new version then came from where the registry held an older version (in_sync), not from a job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformClient, PutItem } from '../../src/adapters/contract.js';
import { giaAdapter } from '../../src/adapters/gia/index.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { stoneSyncStatus } from '../../src/api/sync-status.js';
import { registerMany } from '../../src/sync/register.js';
import { newDiamondId } from '../../src/store/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { startGiaSimulator } from '../../sim/gia/index.js';
import { startTracrSimulator } from '../../sim/tracr/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import {
  openBridge,
  setFaults,
  simulatorClients,
  testConfig,
  waitUntil,
  type TestBridge,
} from './support.js';

describe('the Tracr ID written back while the registry is still owed an edit', () => {
  let redis: TestRedis;
  let gia: Awaited<ReturnType<typeof startGiaSimulator>>;
  let tracr: Awaited<ReturnType<typeof startTracrSimulator>>;
  let bridge: TestBridge;

  beforeAll(async () => {
    redis = await startRedis();
    gia = await startGiaSimulator({ port: 0, apiKey: 'gia-key' });
    tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-key', blockIntervalMs: 0 });
    bridge = openBridge(testConfig(redis), [giaAdapter, tracrAdapter]);
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
    rough: { caratWeight: 1.7 },
  });
  const intakeMine = async (id: string): Promise<string | undefined> => {
    const response = await fetch(`${gia.url}/m2m/v1/rough/RCN-${id}`, {
      headers: { authorization: 'gia-key' },
    });
    return response.ok ? ((await response.json()) as { mine_name: string }).mine_name : undefined;
  };

  it('keeps a registry job of its own, and shows the registry pending until the edit is there', async () => {
    const id = newDiamondId();
    const clients = simulatorClients(gia.url, tracr.url);
    // The ledger's write of the stone is held once it has landed, until the test lets it go on.
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    let goOn!: () => void;
    const released = new Promise<void>((resolve) => (goOn = resolve));
    const ledger = clients.get('tracr')!;
    const heldLedger: PlatformClient = {
      ...ledger,
      putMany: async (items: PutItem[]) => {
        const results = await ledger.putMany!(items);
        if (items.some((item) => item.record.id === id)) {
          wrote();
          await released;
        }
        return results;
      },
    };
    await registerMany(bridge, [rough(id, 'Jwaneng')], { actor: 'test', org: 'demo-mining' });
    await bridge.startWorkers(new Map([...clients, ['tracr', heldLedger]]));
    await written;
    await waitUntil('the registry holds the registration', async () => (await intakeMine(id)) === 'Jwaneng');

    // The registry fails every call; the producer corrects the mine; the ledger's write goes on.
    await setFaults(gia.url, { errorRate: 1 });
    await registerMany(bridge, [rough(id, 'Orapa')], { actor: 'test', org: 'demo-mining' });
    goOn();
    await waitUntil('the Tracr ID is written back', async () => {
      const stored = await bridge.store.diamonds.get(id);
      return stored?.record.identifiers?.tracrId !== undefined;
    });
    const { sync } = await stoneSyncStatus(bridge, (await bridge.store.diamonds.get(id))!);
    expect(sync['gia']?.status).toBe('pending');

    await setFaults(gia.url, { errorRate: 0 });
    await waitUntil('the registry shows in sync', async () => {
      const status = await stoneSyncStatus(bridge, (await bridge.store.diamonds.get(id))!);
      return status.sync['gia']?.status === 'in_sync';
    });
    expect(await intakeMine(id)).toBe('Orapa');
  });
});
