/**
 * The sync engine against the GIA-style registry and the Tracr-style ledger, both simulators over real
 * HTTP with replies dropped and calls failing at random: every rough stone registered once ends up exactly
 * once on each platform, judged by the simulators' own state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giaAdapter } from '../../src/adapters/gia/index.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { registerMany } from '../../src/sync/register.js';
import { startGiaSimulator } from '../../sim/gia/index.js';
import { startTracrSimulator } from '../../sim/tracr/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import {
  jobCounts,
  openBridge,
  roughStone,
  setFaults,
  simulatorClients,
  testConfig,
  waitUntil,
  type TestBridge,
} from './support.js';

const STONES = Number(process.env.TRACEBRIDGE_TEST_STONES ?? 1000);

describe('sync to the GIA-style registry and the Tracr-style ledger', () => {
  let redis: TestRedis;
  let gia: Awaited<ReturnType<typeof startGiaSimulator>>;
  let tracr: Awaited<ReturnType<typeof startTracrSimulator>>;
  let bridge: TestBridge;

  beforeAll(async () => {
    redis = await startRedis();
    gia = await startGiaSimulator({ port: 0, apiKey: 'gia-key' });
    tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-key', blockIntervalMs: 50 });
    bridge = openBridge(
      testConfig(redis, { queueDefaults: { concurrency: 64, ratePerSec: 0, attempts: 100 } }),
      [giaAdapter, tracrAdapter],
    );
  });
  afterAll(async () => {
    await bridge.close();
    await Promise.all([gia.close(), tracr.close()]);
    await redis.stop();
  });

  it('every stone registered once ends up exactly once on each platform through dropped replies and errors', async () => {
    const tracrState = async (): Promise<{ committedByType: Record<string, number> }> =>
      (await (await fetch(`${tracr.url}/admin/state`)).json()) as { committedByType: Record<string, number> };
    const registeredBefore = (await tracrState()).committedByType.REGISTER_ROUGH ?? 0;
    const stones = Array.from({ length: STONES }, (_, i) => roughStone(i));
    const registrations = await registerMany(bridge, stones, { actor: 'test', org: 'demo-mining' });
    expect(registrations.every((r) => r.jobs.length === 2)).toBe(true);
    for (const url of [gia.url, tracr.url]) await setFaults(url, { dropResponseRate: 0.2, errorRate: 0.2 });
    await bridge.startWorkers(simulatorClients(gia.url, tracr.url));
    await waitUntil(
      'every sync job completes',
      async () => {
        const counts = await jobCounts(bridge.queues);
        return counts.waiting === 0 && counts.active === 0 && counts.delayed === 0;
      },
      400_000,
    );
    for (const url of [gia.url, tracr.url]) await setFaults(url, { dropResponseRate: 0, errorRate: 0 });
    expect((await jobCounts(bridge.queues)).failed).toBe(0);

    const created = gia.state.intake.writes.filter(
      (write) => write.op === 'create' && write.rough_control_no.startsWith('RCN-QT-'),
    );
    expect(created).toHaveLength(STONES);
    expect(new Set(created.map((write) => write.rough_control_no)).size).toBe(STONES);
    expect((await tracrState()).committedByType.REGISTER_ROUGH! - registeredBefore).toBe(STONES);
    for (const { id } of registrations.slice(0, 20)) {
      const stored = await bridge.store.diamonds.get(id);
      expect(stored?.record.identifiers?.tracrId).toMatch(/^TRACR-[0-9A-F]{12}$/);
      expect(Object.keys(stored?.record.sources ?? {}).sort()).toEqual(['gia', 'tracr']);
    }
  }, 600_000);
});
