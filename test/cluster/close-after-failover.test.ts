/**
 * Stopping a worker right after a failover: its idle workers sit in blocking reads on the master that
 * died, and BullMQ's close waits on those connections for as long as they hang. The bridge's close cuts
 * them once its grace time is over, so an operator's stop always ends.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerMany } from '../../src/sync/register.js';
import { jobCounts, roughStone, simulatorClients, waitUntil } from '../queue/support.js';
import { startClusterWorld, type ClusterWorld } from './support.js';

describe('stopping workers right after a failover', () => {
  let world: ClusterWorld;

  beforeAll(async () => {
    world = await startClusterWorld();
  }, 120_000);
  afterAll(() => world?.close(), 120_000);

  it('ends within its grace time and a little more, whatever the connections to the dead master do', async () => {
    const { cluster, gia, tracr, bridge } = world;
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
