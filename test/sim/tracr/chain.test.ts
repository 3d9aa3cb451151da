import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  sampleIds,
  TRACR_DIAMOND_ID,
  type Block,
  type DiamondState,
  type RunningTracrSimulator,
} from '../../../sim/tracr/index.js';
import { call, registerRough, startLedger, submit } from './helpers.js';
import {
  blockHashOf,
  verifyMerkleProof,
  verifyRecord,
  type ServedProof,
  type ServedRecord,
} from './verify.js';

type Page<T> = { items: T[]; nextCursor: string | null; headHeight: number };

async function verifyServed(sim: RunningTracrSimulator, diamondId: string): Promise<string | null> {
  const { body: record } = await call<ServedRecord>(sim, 'GET', `/v1/diamonds/${diamondId}`);
  const signer = await call<{ publicKey: string }>(
    sim,
    'GET',
    `/v1/participants/${record.proof.tx.participantId}`,
  );
  const block = await call<Block>(sim, 'GET', `/v1/blocks/${record.proof.blockHeight}`);
  return verifyRecord(record, signer.body.publicKey, block.body.hash);
}

describe('tracr simulator: chain, proofs and reads', () => {
  let sim: RunningTracrSimulator;
  beforeAll(async () => {
    sim = await startLedger();
  });
  afterAll(() => sim.close());
  afterEach(async () => {
    await call(sim, 'POST', '/admin/reset');
  });

  it('serves every sample stone with a record that verifies against the chain', async () => {
    for (const diamondId of Object.values(sampleIds)) {
      expect(await verifyServed(sim, diamondId), diamondId).toBeNull();
    }
  });

  it('links each block to the previous one by a hash the client can recompute', async () => {
    await registerRough(sim);
    const head = await call<Block>(sim, 'GET', '/v1/chain/head');
    const { body } = await call<Page<Block>>(sim, 'GET', `/v1/blocks?limit=500`);
    expect(body.items.at(-1)).toEqual(head.body);
    body.items.forEach((block, height) => {
      expect(block.height).toBe(height);
      expect(blockHashOf(block)).toBe(block.hash);
      if (height > 0) expect(block.prevHash).toBe(body.items[height - 1]!.hash);
    });
  });

  it('proves inclusion of every transaction of a many-transaction block', async () => {
    const slow = await startLedger({ blockIntervalMs: 3_600_000 });
    try {
      const txIds: string[] = [];
      for (let i = 0; i < 7; i += 1) {
        const reply = await submit(slow, 'demo-mining', 'REGISTER_ROUGH', {
          caratWeight: 1 + i / 100,
          sourceCountry: 'CA',
        });
        txIds.push(reply.body.txId);
      }
      await call(slow, 'POST', '/admin/blocks');
      for (const txId of txIds) {
        const { body: proof } = await call<ServedProof & { blockHeight: number }>(
          slow,
          'GET',
          `/v1/transactions/${txId}/proof`,
        );
        const block = await call<Block>(slow, 'GET', `/v1/blocks/${proof.blockHeight}`);
        expect(block.body.txIds).toEqual(txIds);
        expect(proof.merkleRoot).toBe(block.body.merkleRoot);
        expect(verifyMerkleProof(proof)).toBe(true);
        expect(
          verifyMerkleProof({ ...proof, leaf: proof.leaf.replace(/^./, (c) => (c === '0' ? '1' : '0')) }),
        ).toBe(false);
      }
    } finally {
      await slow.close();
    }
  });

  it('detects a record a corrupt node edited without a transaction', async () => {
    const { emeraldE051 } = sampleIds;
    await call(sim, 'POST', '/admin/tamper', {
      diamondId: emeraldE051,
      patch: { polished: { colour: 'D' } },
    });
    expect(await verifyServed(sim, emeraldE051)).toBe('stateHash does not match the state');
  });

  it('detects a tampered record whose stateHash was recomputed to match', async () => {
    const {
      diamondId,
      proof: _proof,
      ...state
    } = (await call<ServedRecord>(sim, 'GET', `/v1/diamonds/${sampleIds.diavikRough}`)).body;
    const forged = { ...state, diamondId, sourceCountry: 'RU', stateHash: undefined };
    const { canonical } = await import('./verify.js');
    const { createHash } = await import('node:crypto');
    const stateHash = createHash('sha256').update(canonical(forged)).digest('hex');
    await call(sim, 'POST', '/admin/tamper', { diamondId, patch: { sourceCountry: 'RU', stateHash } });
    expect(await verifyServed(sim, diamondId)).toBe('stateHash is not in the transaction result');
  });

  it('keeps a write out of reads and proofs until its block is cut', async () => {
    const slow = await startLedger({ blockIntervalMs: 3_600_000 });
    try {
      const reply = await submit(slow, 'demo-mining', 'REGISTER_ROUGH', {
        caratWeight: 2.5,
        sourceCountry: 'CA',
      });
      expect(reply.status).toBe(202);
      expect(reply.body.status).toBe('pending');
      expect(reply.body.diamondId).toMatch(TRACR_DIAMOND_ID);
      expect((await call(slow, 'GET', `/v1/diamonds/${reply.body.diamondId}`)).status).toBe(404);
      expect((await call(slow, 'GET', `/v1/transactions/${reply.body.txId}/proof`)).body).toMatchObject({
        code: 'NOT_COMMITTED',
      });

      const cut = await call<{ block: Block }>(slow, 'POST', '/admin/blocks');
      expect(cut.body.block.txIds).toEqual([reply.body.txId]);
      const status = await call(slow, 'GET', `/v1/transactions/${reply.body.txId}`);
      expect(status.body).toMatchObject({ status: 'committed', blockHeight: cut.body.block.height });
      expect(await verifyServed(slow, reply.body.diamondId)).toBeNull();
    } finally {
      await slow.close();
    }
  });

  it('commits pending writes on the block timer without any prompting', async () => {
    const timed = await startLedger({ blockIntervalMs: 20 });
    try {
      const reply = await submit(timed, 'demo-mining', 'REGISTER_ROUGH', {
        caratWeight: 0.9,
        sourceCountry: 'CA',
      });
      let status: string = reply.body.status;
      while (status !== 'committed') {
        await new Promise((resolve) => setTimeout(resolve, 10));
        status = (await call<{ status: string }>(timed, 'GET', `/v1/transactions/${reply.body.txId}`)).body
          .status;
      }
      expect(await verifyServed(timed, reply.body.diamondId)).toBeNull();
    } finally {
      await timed.close();
    }
  });

  it('pages through changes since a height without missing or repeating a stone', async () => {
    const start = (await call<Block>(sim, 'GET', '/v1/chain/head')).body.height;
    const created: string[] = [];
    for (let i = 0; i < 5; i += 1) created.push(await registerRough(sim, { caratWeight: 1 + i / 1000 }));
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const query: string = `changedSinceHeight=${start}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: Page<DiamondState> = (await call<Page<DiamondState>>(sim, 'GET', `/v1/diamonds?${query}`))
        .body;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.diamondId));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(created);
  });

  it('finds stones by producerRef, inscription and KP certificate', async () => {
    const find = async (query: string): Promise<string[]> =>
      (await call<Page<DiamondState>>(sim, 'GET', `/v1/diamonds?${query}`)).body.items.map(
        (item) => item.diamondId,
      );
    expect(await find('producerRef=KM-2019-0001')).toEqual([sampleIds.kalahariRough]);
    expect(await find(`inscription=${encodeURIComponent('GIA 2141438171')}`)).toEqual([
      sampleIds.emeraldE051,
    ]);
    expect(await find('kpCertificate=ZA-KP-2019-000777')).toEqual([sampleIds.southAfricanRough]);
    expect(await find('producerRef=NO-SUCH-REF')).toEqual([]);
  });

  it('refuses an unknown query parameter or a forged cursor, naming it', async () => {
    expect((await call(sim, 'GET', '/v1/diamonds?producerref=KM-2019-0001')).body).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'producerref',
    });
    expect((await call(sim, 'GET', '/v1/diamonds?cursor=not-a-cursor')).body).toMatchObject({
      field: 'cursor',
    });
    expect((await call(sim, 'GET', '/v1/diamonds?limit=0')).body).toMatchObject({ field: 'limit' });
    expect((await call(sim, 'GET', '/v1/diamonds/TRACR-123')).body).toMatchObject({ field: 'diamondId' });
  });

  it('serves the sample emerald graded by GIA report 2141438171 as the GIA samples expect', async () => {
    const { body } = await call<DiamondState>(sim, 'GET', `/v1/diamonds/${sampleIds.emeraldE051}`);
    expect(body).toMatchObject({
      kind: 'POLISHED',
      parentId: sampleIds.kalahariRough,
      assurance: 'ASSURED_AND_CERTIFIED',
      inscription: 'GIA 2141438171',
      grading: { lab: 'GIA', reportNumber: '2141438171', reportDate: '2019-09-01' },
      polished: { shape: 'EMERALD', caratWeight: 0.514, colour: 'E', clarity: 'VS2' },
      owner: { participantId: 'fifth-avenue-jewels' },
    });
    expect(body.events.map((event) => event.type)).toEqual([
      'split',
      'polished',
      'graded',
      'inscribed',
      'sold',
    ]);
    const parent = (await call<DiamondState>(sim, 'GET', `/v1/diamonds/${sampleIds.kalahariRough}`)).body;
    expect(parent.childIds).toContain(sampleIds.emeraldE051);
    expect(parent.childIds).toHaveLength(3);
  });
});
