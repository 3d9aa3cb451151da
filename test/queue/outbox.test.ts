/**
 * The outbox: a stone is stored together with the intent to sync it, so a crash between the save and the
 * enqueue of its jobs (simulated by an enqueue that throws: the process has no queue for the platform)
 * leaves an intent the sweeper turns into the jobs. Real Redis, the example stock system over HTTP.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startInventory } from '../../examples/inventory-adapter/server.js';
import type { PlatformClient } from '../../src/adapters/contract.js';
import { giaAdapter } from '../../src/adapters/gia/index.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { register, registerMany, type IngestContext } from '../../src/sync/register.js';
import { syncJobId } from '../../src/queue/job-ids.js';
import { sweepOutbox } from '../../src/sync/outbox-sweeper.js';
import { createQueues } from '../../src/queue/queues.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { startGiaSimulator } from '../../sim/gia/index.js';
import { startTracrSimulator } from '../../sim/tracr/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import {
  inventoryAdapter,
  jobCounts,
  openBridge,
  shelfStone,
  shopClients,
  simulatorClients,
  testConfig,
  waitUntil,
  type TestBridge,
} from './support.js';

type Shop = Awaited<ReturnType<typeof startInventory>>;

describe('the outbox', () => {
  let redis: TestRedis;
  let shop: Shop;
  let bridge: TestBridge | undefined;
  const clients = (): Map<string, PlatformClient> => shopClients(shop.url);
  const open = (outbox: { sweepIntervalMs?: number; graceMs?: number } = {}): TestBridge => {
    bridge = openBridge(testConfig(redis, { outbox: { sweepIntervalMs: 100, graceMs: 0, ...outbox } }), [
      inventoryAdapter,
    ]);
    return bridge;
  };
  // The save runs, then the enqueue throws, as in a process that dies between the two.
  const crashingBeforeEnqueue = (b: TestBridge): IngestContext => ({
    store: b.store,
    adapters: b.adapters,
    queues: createQueues(b.connection, b.config, []),
  });
  const sweepContext = (b: TestBridge) => ({
    store: b.store,
    queues: b.queues,
    adapters: b.adapters,
    redis: b.connection,
    prefix: b.config.prefix,
  });
  const shelvedVersionOf = (bridgeId: string): unknown[] =>
    [...shop.room.items.values()]
      .filter((entry) => entry.item.bridgeId === bridgeId)
      .map((entry) => entry.item);

  beforeAll(async () => {
    redis = await startRedis();
    shop = await startInventory(0, 'shop-key');
  });
  afterEach(async () => {
    await bridge?.close();
    bridge = undefined;
    shop.room.reset();
  });
  afterAll(async () => {
    await shop.close();
    await redis.stop();
  });

  it('a stone saved whose enqueue never happened is synced by the sweeper started with the workers', async () => {
    const b = open();
    const record = { ...shelfStone(1), id: 'tb_outbox00001' };
    await expect(register(crashingBeforeEnqueue(b), record, { actor: 'test' })).rejects.toThrow(
      /no sync queue/,
    );
    expect(await b.store.diamonds.get(record.id)).not.toBeNull();
    expect(await jobCounts(b.queues)).toMatchObject({ waiting: 0, completed: 0 });
    expect(await b.store.outbox.count()).toBe(1);

    await b.startWorkers(clients());
    await waitUntil('the stock system holds the stone', () => shelvedVersionOf(record.id).length === 1);
    await waitUntil('the intent is cleared', async () => (await b.store.outbox.count()) === 0);
    expect(shelvedVersionOf(record.id)).toHaveLength(1);
  });

  it('the normal path leaves no intent behind', async () => {
    const b = open();
    const records = [1, 2, 3].map((n) => ({ ...shelfStone(10 + n), id: `tb_outboxnorm${n}` }));
    const registered = await registerMany(b, records, { actor: 'test' });
    expect(registered.map((r) => r.jobs.length)).toEqual([1, 1, 1]);
    const recut = { ...records[0]!.polished!, caratWeight: 0.25 };
    const updated = await register(b, { ...records[0]!, polished: recut }, { actor: 'test' });
    expect(updated.outcome).toBe('updated');
    expect(await b.store.outbox.count()).toBe(0);
    for (const record of records) {
      expect(await b.connection.hget(b.store.keys.diamond(record.id), 'syncIntent')).toBeNull();
    }
  });

  it('two sweepers at once enqueue each owed job once, under one lease', async () => {
    const b = open({ sweepIntervalMs: 60_000 });
    const records = Array.from({ length: 20 }, (_, n) => ({
      ...shelfStone(100 + n),
      id: `tb_outboxtwo${n}`,
    }));
    await expect(registerMany(crashingBeforeEnqueue(b), records, { actor: 'test' })).rejects.toThrow(
      /no sync queue/,
    );
    expect(await b.store.outbox.count()).toBe(20);

    const options = { graceMs: 0, leaseMs: 5_000 };
    const passes = await Promise.all([
      sweepOutbox(sweepContext(b), { ...options, holder: 'one' }),
      sweepOutbox(sweepContext(b), { ...options, holder: 'two' }),
    ]);
    expect(passes.map((pass) => pass.skipped).sort()).toEqual([false, true]);
    expect(passes.reduce((sum, pass) => sum + pass.enqueued, 0)).toBe(20);
    expect(await jobCounts(b.queues)).toMatchObject({ waiting: 20 });
    const stored = await b.store.diamonds.getMany(records.map((record) => record.id));
    for (const stone of stored) {
      const id = syncJobId('inventory', stone!.record.id!, stone!.hash);
      expect(await b.queues.sync('inventory', stone!.record.id!).getJob(id)).toBeDefined();
    }
    expect(await b.store.outbox.count()).toBe(0);

    const again = await sweepOutbox(sweepContext(b), options);
    expect(again).toEqual({ skipped: false, cleared: 0, enqueued: 0, released: 0 });
    expect(await jobCounts(b.queues)).toMatchObject({ waiting: 20 });
  });

  it('an intent younger than the grace period is left to its own enqueue', async () => {
    const b = open({ sweepIntervalMs: 60_000 });
    const record = { ...shelfStone(200), id: 'tb_outboxyoung' };
    await expect(register(crashingBeforeEnqueue(b), record, { actor: 'test' })).rejects.toThrow(
      /no sync queue/,
    );
    const pass = await sweepOutbox(sweepContext(b), { graceMs: 3_600_000, leaseMs: 5_000 });
    expect(pass).toEqual({ skipped: false, cleared: 0, enqueued: 0, released: 0 });
    expect(await b.store.outbox.count()).toBe(1);
    expect(await jobCounts(b.queues)).toMatchObject({ waiting: 0 });
  });

  it('a crash before the enqueue of a return to earlier content (A -> B -> A) still syncs A', async () => {
    const b = open({ sweepIntervalMs: 60_000 });
    await b.startWorkers(clients());
    const stoneA = { ...shelfStone(300), id: 'tb_outboxaba01' };
    const stoneB = { ...stoneA, polished: { ...stoneA.polished!, clarity: 'VS2' as const } };
    const clarityShelved = () =>
      (shelvedVersionOf(stoneA.id)[0] as { clarity?: string } | undefined)?.clarity;
    await register(b, stoneA, { actor: 'test' });
    await waitUntil('A is shelved', () => clarityShelved() === 'VS1');
    await register(b, stoneB, { actor: 'test' });
    await waitUntil('B is shelved', () => clarityShelved() === 'VS2');

    await expect(register(crashingBeforeEnqueue(b), stoneA, { actor: 'test' })).rejects.toThrow(
      /no sync queue/,
    );
    const pass = await sweepOutbox(sweepContext(b), { graceMs: 0, leaseMs: 5_000 });
    expect(pass).toMatchObject({ skipped: false, cleared: 1, enqueued: 1 });
    await waitUntil('A is shelved again', () => clarityShelved() === 'VS1');
  });
});

describe('the outbox with the ledger writing back the ID it assigns', () => {
  let redis: TestRedis;
  let gia: Awaited<ReturnType<typeof startGiaSimulator>>;
  let tracr: Awaited<ReturnType<typeof startTracrSimulator>>;
  let bridge: TestBridge;

  beforeAll(async () => {
    redis = await startRedis();
    gia = await startGiaSimulator({ port: 0, apiKey: 'gia-key' });
    tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-key', blockIntervalMs: 50 });
    // Sweeps far apart: only the normal path may clear the intents here.
    bridge = openBridge(testConfig(redis, { outbox: { sweepIntervalMs: 600_000 } }), [
      giaAdapter,
      tracrAdapter,
    ]);
  });
  afterAll(async () => {
    await bridge.close();
    await Promise.all([gia.close(), tracr.close()]);
    await redis.stop();
  });

  it('saving the ledger ID and fanning it out leaves no intent behind', async () => {
    const rough: DiamondRecord = {
      schemaVersion: '1',
      kind: 'rough',
      owner: { org: 'demo-mining' },
      identifiers: { roughControlNumber: 'RCN-OUTBOX-1', producerRef: 'OUTBOX-1' },
      origin: { country: 'BW', producer: 'Demo Mining', mine: 'Jwaneng' },
      rough: { caratWeight: 1.234 },
    };
    const [registered] = await registerMany(bridge, [rough], { actor: 'test', org: 'demo-mining' });
    await bridge.startWorkers(simulatorClients(gia.url, tracr.url));
    await waitUntil('the ledger ID is stored', async () => {
      const stored = await bridge.store.diamonds.get(registered!.id);
      return stored?.record.identifiers?.tracrId !== undefined;
    });
    await waitUntil('every sync job is done', async () => {
      const counts = await jobCounts(bridge.queues);
      return counts.waiting === 0 && counts.active === 0 && counts.delayed === 0;
    });
    expect((await bridge.store.diamonds.get(registered!.id))?.version).toBeGreaterThan(1);
    expect(await bridge.store.outbox.count()).toBe(0);
  });
});
