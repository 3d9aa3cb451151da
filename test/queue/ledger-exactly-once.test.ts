/**
 * A stone's registration on the ledger is one act for its whole life: when the reply to REGISTER_ROUGH is
 * lost and the producer corrects the stone before the retry, the ledger still holds one registration, and
 * the correction arrives as an update. Judged by the simulator's own chain, with instant and slow blocks,
 * with and without a producer reference the ledger can be searched by.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformClient } from '../../src/adapters/contract.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { registerMany } from '../../src/sync/register.js';
import { newDiamondId } from '../../src/store/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { participantKeyFromSeed, startTracrSimulator } from '../../sim/tracr/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { startReplyDropper, type ReplyDropper } from './reply-dropper.js';
import { jobCounts, openBridge, testConfig, waitUntil, type TestBridge } from './support.js';
import { ledgerStone } from './platform-support.js';

interface LedgerState {
  pendingTransactions: number;
  committedByType: Record<string, number>;
}

const variants = [
  { name: 'without a producer reference', producerRef: undefined, corrected: undefined },
  { name: 'with a producer reference', producerRef: 'EO-LOST-1', corrected: 'EO-LOST-1' },
  {
    name: 'with a producer reference corrected in the edit',
    producerRef: 'EO-LOST-2',
    corrected: 'EO-LOST-2B',
  },
] as const;

describe.each([
  { blocks: 'instant blocks', blockIntervalMs: 0 },
  { blocks: 'slow blocks', blockIntervalMs: 1_500 },
])('a lost registration reply and an edit before the retry, $blocks', ({ blockIntervalMs }) => {
  let redis: TestRedis;
  let tracr: Awaited<ReturnType<typeof startTracrSimulator>>;
  let path: ReplyDropper;
  let bridge: TestBridge;
  let ledger: { url: string; apiKey: string };

  const ledgerState = async (): Promise<LedgerState> =>
    (await (await fetch(`${tracr.url}/admin/state`)).json()) as LedgerState;
  const registrations = async (): Promise<number> => {
    const state = await ledgerState();
    return state.committedByType.REGISTER_ROUGH ?? 0;
  };

  beforeAll(async () => {
    redis = await startRedis();
    tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-key', blockIntervalMs });
    ledger = { url: tracr.url, apiKey: 'tracr-key' };
    path = await startReplyDropper(tracr.url);
    bridge = openBridge(testConfig(redis), [tracrAdapter]);
    const { privateKey } = participantKeyFromSeed('tracr-sim:demo-mining');
    await bridge.startWorkers(
      new Map<string, PlatformClient>([
        [
          'tracr',
          tracrAdapter.connect({
            url: path.url,
            apiKey: 'tracr-key',
            participantId: 'demo-mining',
            privateKey,
            timeoutMs: 5_000,
          }),
        ],
      ]),
    );
  });
  afterAll(async () => {
    await bridge.close();
    await path.close();
    await tracr.close();
    await redis.stop();
  });

  it.each(variants)(
    'registers the stone once, $name',
    { timeout: 60_000 },
    async ({ producerRef, corrected }) => {
      const id = newDiamondId();
      const stone = (caratWeight: number, ref: string | undefined): DiamondRecord => ({
        schemaVersion: '1',
        id,
        kind: 'rough',
        owner: { org: 'demo-mining' },
        ...(ref === undefined ? {} : { identifiers: { producerRef: ref } }),
        origin: { country: 'BW', producer: 'Demo Mining', mine: 'Jwaneng' },
        rough: { caratWeight },
      });
      const before = await registrations();
      const submittedBefore = before + (await ledgerState()).pendingTransactions;
      // Every reply to a submitted transaction is lost; reads still answer.
      path.dropping = ({ method, path: url }) => method === 'POST' && url.startsWith('/v1/transactions');
      const droppedBefore = path.dropped;
      await registerMany(bridge, [stone(3.21, producerRef)], { actor: 'test', org: 'demo-mining' });
      // The registration reached the ledger (pending or in a block) and its reply was lost.
      await waitUntil('the registration reaches the ledger with its reply lost', async () => {
        const state = await ledgerState();
        const submitted = (state.committedByType.REGISTER_ROUGH ?? 0) + state.pendingTransactions;
        return submitted > submittedBefore && path.dropped > droppedBefore;
      });
      // The producer corrects the stone while the registration is in doubt, then the network heals.
      await registerMany(bridge, [stone(3.25, corrected)], { actor: 'test', org: 'demo-mining' });
      const droppedAtEdit = path.dropped;
      await waitUntil('a retry after the edit loses its reply too', () => path.dropped > droppedAtEdit);
      path.dropping = null;

      const tracrId = await waitUntil('the ledger holds the corrected stone', async () => {
        const counts = await jobCounts(bridge.queues);
        if (counts.waiting || counts.active || counts.delayed) return null;
        const stored = await bridge.store.diamonds.get(id);
        const linked = stored?.record.identifiers?.tracrId;
        if (linked === undefined) return null;
        const held = (await ledgerStone(ledger, linked)) as unknown as { caratWeight: number };
        return held.caratWeight === 3.25 ? linked : null;
      });
      await waitUntil(
        'no transaction is left pending',
        async () => (await ledgerState()).pendingTransactions === 0,
      );
      expect(await registrations()).toBe(before + 1);
      const held = (await ledgerStone(ledger, tracrId)) as unknown as { producerRef: string | null };
      expect(held.producerRef).toBe(corrected ?? null);
      expect((await jobCounts(bridge.queues)).failed ?? 0).toBe(0);
    },
  );
});
