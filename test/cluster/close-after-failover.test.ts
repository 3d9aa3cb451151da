/**
 * Stopping a worker right after a failover: its idle workers sit in blocking reads on the master that
 * died, and BullMQ's close waits on those connections for as long as they hang. The bridge's close cuts
 * them once its grace time is over, so an operator's stop always ends.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giaAdapter } from '../../src/adapters/gia/index.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { registerMany } from '../../src/sync/register.js';
import { startGiaSimulator } from '../../sim/gia/index.js';
import { startTracrSimulator } from '../../sim/tracr/index.js';
import { startRedisCluster, type TestRedisCluster } from '../support/redis-cluster.js';
import {
  jobCounts,
  openBridge,
  roughStone,
  simulatorClients,
  testConfig,
  waitUntil,
  type TestBridge,
} from '../queue/support.js';

describe('stopping workers right after a failover', () => {
  let cluster: TestRedisCluster;
  let gia: Awaited<ReturnType<typeof startGiaSimulator>>;
  let tracr: Awaited<ReturnType<typeof startTracrSimulator>>;
  let bridge: TestBridge;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    gia = await startGiaSimulator({ port: 0, apiKey: 'gia-key' });
    tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-key', blockIntervalMs: 50 });
    bridge = openBridge(
      testConfig(cluster, { queueDefaults: { concurrency: 8, ratePerSec: 0, attempts: 100 } }),
      [giaAdapter, tracrAdapter],
    );
  }, 120_000);
  afterAll(async () => {
    bridge?.connection.disconnect();
    await Promise.all([gia?.close(), tracr?.close()]);
    await cluster?.stop();
  }, 120_000);

  it('ends within its grace time and a little more, whatever the connections to the dead master do', async () => {
    await registerMany(
      bridge,
      Array.from({ length: 100 }, (_, i) => roughStone(i, 'STOP')),
      { actor: 'test', org: 'demo-mining' },
    );
    gia.faults.set({ latencyMs: 100 });
    tracr.faults.set({ latencyMs: 100 });
    const workers = await bridge.startWorkers(simulatorClients(gia.url, tracr.url));
    await waitUntil('the first sync jobs complete', async () => {
      return ((await jobCounts(bridge.queues)).completed ?? 0) >= 20;
    });
    await cluster.failOver(`${bridge.config.prefix}:diamonds`);

    const closing = workers.close(5_000).then(() => 'closed');
    expect(await Promise.race([closing, sleep(30_000).then(() => 'still closing')])).toBe('closed');
  }, 180_000);
});
