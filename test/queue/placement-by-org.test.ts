/**
 * A producer's reference is its own: a ledger record is placed among the stones of the organisation whose
 * participant holds it (the participants registry), so another producer's stone of the same reference is
 * neither its match nor a conflict.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxParticipantKey } from '../../src/ops/processes.js';
import { listProposals } from '../../src/store/match-proposals.js';
import { startBridge, type TestBridge } from '../api/support.js';
import { signAndCommit } from './platform-support.js';
import { waitUntil } from './support.js';

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startBridge({
    workers: true,
    signAs: null,
    orgs: ['demo-mining', 'kalahari-mining'].map((org) => ({
      org,
      tracr: { participantId: org, privateKey: sandboxParticipantKey(org) },
    })),
  });
});
afterAll(async () => {
  await bridge.close();
});

describe('a ledger record is placed by the organisation of its participant', () => {
  it("takes another producer's stone of the same producerRef for neither its match nor a conflict", async () => {
    const store = bridge.built.services.store;
    // Demo-mining's stone, not on the ledger yet (stored without a sync intent, so it stays off it): only
    // its reference and description can place a ledger record on it.
    const { id: demoStone } = await store.diamonds.save(
      {
        schemaVersion: '1',
        kind: 'rough',
        owner: { org: 'demo-mining' },
        identifiers: { producerRef: 'SHARED-REF-1' },
        origin: { country: 'BW', mine: 'Jwaneng' },
        rough: { caratWeight: 1.5 },
      },
      { actor: 'test', action: 'register' },
    );

    // Kalahari registers a stone of its own on the ledger, described exactly alike, under the same reference.
    const { diamondId } = await signAndCommit(
      { url: bridge.tracr.url, apiKey: 'tracr-test-key' },
      'kalahari-mining',
      'REGISTER_ROUGH',
      { caratWeight: 1.5, sourceCountry: 'BW', mine: 'Jwaneng', producerRef: 'SHARED-REF-1' },
    );
    const kalahariStone = await waitUntil("kalahari's ledger stone is stored", () =>
      store.identity.findByIdentifier('producerRef', 'SHARED-REF-1', 'kalahari-mining'),
    );
    expect(kalahariStone).not.toBe(demoStone);
    const stored = await store.diamonds.get(kalahariStone);
    expect(stored?.record.owner).toEqual({ org: 'kalahari-mining' });
    expect(stored?.record.identifiers?.tracrId).toBe(diamondId);
    expect(await store.identity.findByIdentifier('producerRef', 'SHARED-REF-1', 'demo-mining')).toBe(
      demoStone,
    );
    const { proposals } = await listProposals(store);
    expect(proposals.filter((proposal) => proposal.diamondId === demoStone)).toEqual([]);
    const setAside = await store.redis.lrange(store.keys.rejectedChanges, 0, -1);
    expect(setAside.filter((entry) => entry.includes(diamondId))).toEqual([]);
  });

  it('moves a stone sold on the ledger to an organisation that has a stone of the same producerRef', async () => {
    const store = bridge.built.services.store;
    const ledger = { url: bridge.tracr.url, apiKey: 'tracr-test-key' };
    const { id: buyers } = await store.diamonds.save(
      {
        schemaVersion: '1',
        kind: 'rough',
        owner: { org: 'demo-mining' },
        identifiers: { producerRef: 'SHARED-REF-2' },
        rough: { caratWeight: 0.8 },
      },
      { actor: 'test', action: 'register' },
    );
    const { diamondId } = await signAndCommit(ledger, 'kalahari-mining', 'REGISTER_ROUGH', {
      caratWeight: 2.4,
      sourceCountry: 'BW',
      producerRef: 'SHARED-REF-2',
    });
    const sold = await waitUntil("kalahari's ledger stone is stored", () =>
      store.identity.findByIdentifier('producerRef', 'SHARED-REF-2', 'kalahari-mining'),
    );
    await signAndCommit(ledger, 'kalahari-mining', 'TRANSFER', { diamondId, to: 'demo-mining' });
    await waitUntil('the sale moved the stone to demo-mining', async () => {
      return (await store.diamonds.get(sold))?.record.owner?.org === 'demo-mining';
    });
    expect((await store.identity.holdersOf('producerRef', 'SHARED-REF-2')).sort()).toEqual(
      [sold, buyers].sort(),
    );
    const setAside = await store.redis.lrange(store.keys.rejectedChanges, 0, -1);
    expect(setAside.filter((entry) => entry.includes(diamondId))).toEqual([]);
  });
});
