/**
 * The EPCIS repository as a third platform: stones registered once reach the ledger, the registry's intake
 * and the repository exactly once while every simulator drops replies and fails calls, judged by each
 * simulator's own state, never by what the bridge says it wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformClient } from '../../src/adapters/contract.js';
import { epcisAdapter } from '../../src/adapters/epcis/index.js';
import { giaAdapter } from '../../src/adapters/gia/index.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { createLookup } from '../../src/lookup/lookup.js';
import { registerMany } from '../../src/sync/register.js';
import { executeRun, platformsInPlay } from '../../src/reconcile/execute-run.js';
import { getRun, runUnmatched, startRun } from '../../src/store/reconcile-runs.js';
import { newDiamondId } from '../../src/store/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { startEpcisSimulator } from '../../sim/epcis/index.js';
import { startGiaSimulator, type IntakeWrite } from '../../sim/gia/index.js';
import { participantKeyFromSeed, startTracrSimulator } from '../../sim/tracr/index.js';
import { simKey, storedEvents } from '../sim/epcis/support.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { jobCounts, openBridge, setFaults, testConfig, waitUntil, type TestBridge } from './support.js';

const faults = { errorRate: 0.2, dropResponseRate: 0.2 };

describe('a stone registered once, synced to three platforms under faults', () => {
  let redis: TestRedis;
  let gia: Awaited<ReturnType<typeof startGiaSimulator>>;
  let tracr: Awaited<ReturnType<typeof startTracrSimulator>>;
  let epcis: Awaited<ReturnType<typeof startEpcisSimulator>>;
  let bridge: TestBridge;
  let clients: Map<string, PlatformClient>;

  beforeAll(async () => {
    redis = await startRedis();
    gia = await startGiaSimulator({ port: 0, apiKey: 'gia-key', seed: false });
    tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-key', blockIntervalMs: 0 });
    epcis = await startEpcisSimulator({ port: 0, apiKey: simKey, captureLimit: 2 });
    bridge = openBridge(testConfig(redis, { feedIntervalMs: 200 }), [giaAdapter, tracrAdapter, epcisAdapter]);
    clients = new Map<string, PlatformClient>([
      ['gia', giaAdapter.connect({ url: `${gia.url}/graphql`, apiKey: 'gia-key', timeoutMs: 5_000 })],
      [
        'tracr',
        tracrAdapter.connect({
          url: tracr.url,
          apiKey: 'tracr-key',
          participantId: 'demo-mining',
          privateKey: participantKeyFromSeed('tracr-sim:demo-mining').privateKey,
          timeoutMs: 5_000,
        }),
      ],
      [
        'epcis',
        epcisAdapter.connect({
          url: epcis.url,
          apiKey: simKey,
          pageSize: 3,
          timeoutMs: 5_000,
          pollIntervalMs: 10,
        }),
      ],
    ]);
    await bridge.startWorkers(clients, { feeds: true });
  });
  afterAll(async () => {
    await bridge.close();
    await Promise.all([gia.close(), tracr.close(), epcis.close()]);
    await redis.stop();
  });

  it(
    'the ledger, the intake and the repository each hold every stone once',
    { timeout: 120_000 },
    async () => {
      const stones: DiamondRecord[] = [1, 2, 3].map((n) => ({
        schemaVersion: '1',
        id: newDiamondId(),
        kind: 'rough',
        owner: { org: 'demo-mining' },
        identifiers: { producerRef: `THREE-${n}`, roughControlNumber: `RCN-THREE-${n}` },
        origin: { country: 'BW', producer: 'Demo Mining', mine: 'Jwaneng' },
        rough: { caratWeight: 2 + n / 100 },
        events: [
          {
            type: 'sold',
            at: `2024-07-0${n}T10:00:00Z`,
            platform: 'tracr',
            from: 'demo-mining',
            to: 'antwerp',
          },
        ],
      }));
      const registrations = async (): Promise<number> =>
        (
          (await (await fetch(`${tracr.url}/admin/state`)).json()) as {
            committedByType: Record<string, number>;
          }
        ).committedByType.REGISTER_ROUGH ?? 0;
      // The ledger's sample stones are registered already.
      const before = await registrations();
      for (const sim of [gia, tracr, epcis]) await setFaults(sim.url, faults);
      await registerMany(bridge, stones, { actor: 'test', org: 'demo-mining' });
      await waitUntil(
        'every stone is synced to the three platforms and no job is left',
        async () => {
          const counts = await jobCounts(bridge.queues);
          if (counts.waiting || counts.active || counts.delayed || counts.prioritized) return false;
          const stored = await Promise.all(stones.map((s) => bridge.store.diamonds.get(s.id!)));
          return stored.every((s) =>
            ['gia', 'tracr', 'epcis'].every((p) => s?.record.sources?.[p] !== undefined),
          );
        },
        100_000,
      );
      for (const sim of [gia, tracr, epcis]) await setFaults(sim.url, { errorRate: 0, dropResponseRate: 0 });
      const failed = await Promise.all(
        bridge.queues.platforms.flatMap((p) => bridge.queues.syncPartitions(p).map((q) => q.getFailed())),
      );
      expect(failed.flat().map((job) => `${job.id}: ${job.failedReason}`)).toEqual([]);

      expect(await registrations()).toBe(before + stones.length);

      const writes = (await (await fetch(`${gia.url}/admin/writes`)).json()) as IntakeWrite[];
      for (const n of [1, 2, 3])
        expect(
          writes.filter((w) => w.rough_control_no === `RCN-THREE-${n}` && w.op === 'create'),
        ).toHaveLength(1);

      for (const stone of stones) {
        const epc = `https://id.tracebridge.dev/diamond/${stone.id}`;
        const held = (await storedEvents(epcis.url, epc)).map((s) => s.event);
        const declared = new Set(held.filter((e) => e.errorDeclaration !== undefined).map((e) => e.eventID));
        const live = held.filter((e) => e.errorDeclaration === undefined && !declared.has(e.eventID));
        // One registration (a corrected one replaces it, never joins it) and the sale, each stored once.
        expect(live.filter((e) => e.action === 'ADD')).toHaveLength(1);
        expect(live.filter((e) => e.bizStep === 'shipping')).toHaveLength(1);
        expect(new Set(held.map((e) => `${e.eventID}${e.errorDeclaration ? '#declared' : ''}`)).size).toBe(
          held.length,
        );
        const bridgeRecord = (await bridge.store.diamonds.get(stone.id!))?.record;
        expect(bridgeRecord?.sources?.epcis?.ref).toBe(epc);
      }
    },
  );

  it('a lookup and a reconciliation run include the EPCIS repository', { timeout: 60_000 }, async () => {
    const [stone] = await registerMany(
      bridge,
      [
        {
          schemaVersion: '1',
          kind: 'rough',
          owner: { org: 'demo-mining' },
          identifiers: { producerRef: 'THREE-LOOKUP', roughControlNumber: 'RCN-THREE-LOOKUP' },
          origin: { country: 'CA', producer: 'Demo Mining', mine: 'Diavik' },
          rough: { caratWeight: 1.234 },
        },
      ],
      { actor: 'test', org: 'demo-mining' },
    );
    const id = stone!.id;
    await waitUntil(
      'the stone is in the repository',
      async () => (await bridge.store.diamonds.get(id))?.record.sources?.epcis !== undefined,
    );
    const adapters = [giaAdapter, tracrAdapter, epcisAdapter];
    const lookup = createLookup({
      store: bridge.store,
      platforms: adapters.map((a) => ({ ...a, client: clients.get(a.name)! })),
      timeoutMs: 5_000,
    });
    const answer = await lookup({ name: 'id', value: id });
    expect(answer.platforms.epcis).toMatchObject({
      status: 'found',
      record: { rough: { caratWeight: 1.234 } },
    });
    expect(answer.mismatches).toEqual([]);

    expect(platformsInPlay(adapters, clients)).toContain('epcis');
    const runId = await startRun(bridge.store, { ids: [id] }, { actor: 'test' });
    await executeRun(bridge.store, runId, { adapters, platforms: platformsInPlay(adapters, clients) });
    const unmatched = [];
    for await (const entry of runUnmatched(bridge.store, runId)) unmatched.push(entry);
    expect(unmatched.filter((entry) => entry.platform === 'epcis')).toEqual([]);
    expect((await getRun(bridge.store, runId))?.status).toBe('done');
  });
});
