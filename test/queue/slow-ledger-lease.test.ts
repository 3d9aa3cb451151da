/**
 * A ledger whose blocks come slower than the per-stone lease: a registration waiting for its block keeps
 * its hold on the stone (the lease is renewed while the job works), and an update of the stone meanwhile
 * does not register it a second time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformClient } from '../../src/adapters/contract.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { registerMany } from '../../src/sync/register.js';
import { newDiamondId } from '../../src/store/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { participantKeyFromSeed, startTracrSimulator } from '../../sim/tracr/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { ledgerStone } from './platform-support.js';
import { jobCounts, openBridge, testConfig, waitUntil, type TestBridge } from './support.js';

describe('blocks slower than the per-stone lease', () => {
  let redis: TestRedis;
  let tracr: Awaited<ReturnType<typeof startTracrSimulator>>;
  let bridge: TestBridge;

  beforeAll(async () => {
    redis = await startRedis();
    // Blocks every 2.5 s; leases (and job locks) of 1 s.
    tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-key', blockIntervalMs: 2_500 });
    bridge = openBridge(testConfig(redis, { retry: { lockDurationMs: 1_000 } }), [tracrAdapter]);
  });
  afterAll(async () => {
    await bridge.close();
    await tracr.close();
    await redis.stop();
  });

  it('an update while the registration waits for its block registers the stone once', async () => {
    const id = newDiamondId();
    const stone = (caratWeight: number): DiamondRecord => ({
      schemaVersion: '1',
      id,
      kind: 'rough',
      owner: { org: 'demo-mining' },
      origin: { country: 'BW', producer: 'Demo Mining', mine: 'Jwaneng' },
      rough: { caratWeight },
    });
    const registrations = async (): Promise<number> =>
      (
        (await (await fetch(`${tracr.url}/admin/state`)).json()) as {
          committedByType: Record<string, number>;
        }
      ).committedByType.REGISTER_ROUGH ?? 0;
    const before = await registrations();
    await registerMany(bridge, [stone(4.1)], { actor: 'test', org: 'demo-mining' });
    const { privateKey } = participantKeyFromSeed('tracr-sim:demo-mining');
    await bridge.startWorkers(
      new Map<string, PlatformClient>([
        [
          'tracr',
          tracrAdapter.connect({
            url: tracr.url,
            apiKey: 'tracr-key',
            participantId: 'demo-mining',
            privateKey,
          }),
        ],
      ]),
    );
    await waitUntil(
      'the registration is pending on the ledger',
      async () =>
        ((await (await fetch(`${tracr.url}/admin/state`)).json()) as { pendingTransactions: number })
          .pendingTransactions > 0,
    );
    await registerMany(bridge, [stone(4.15)], { actor: 'test', org: 'demo-mining' });
    const tracrId = await waitUntil('the ledger holds the updated stone', async () => {
      const counts = await jobCounts(bridge.queues);
      if (counts.waiting || counts.active || counts.delayed) return null;
      const linked = (await bridge.store.diamonds.get(id))?.record.identifiers?.tracrId;
      if (linked === undefined) return null;
      const held = (await ledgerStone({ url: tracr.url, apiKey: 'tracr-key' }, linked)) as unknown as {
        caratWeight: number;
      };
      return held.caratWeight === 4.15 ? linked : null;
    });
    expect(tracrId).toMatch(/^TRACR-/);
    await waitUntil(
      'no transaction is left pending',
      async () =>
        ((await (await fetch(`${tracr.url}/admin/state`)).json()) as { pendingTransactions: number })
          .pendingTransactions === 0,
    );
    expect(await registrations()).toBe(before + 1);
    expect((await jobCounts(bridge.queues)).failed ?? 0).toBe(0);
  });
});
