/**
 * The Tracr client against the real simulator over HTTP: the simulator checks every signature, and its
 * operator routes show what actually committed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { participantKeyFromSeed, type RunningTracrSimulator } from '../../../sim/tracr/index.js';
import { NotPermittedError, type PlatformError } from '../../../src/adapters/errors.js';
import { connectTracr } from '../../../src/adapters/tracr/client.js';
import type { DiamondRecord } from '../../../src/types/diamond.js';
import { admin, commitAs, connectAs, counts, readStone, sampleKey, startLedger } from './ledger.js';

let sim: RunningTracrSimulator;

beforeAll(async () => {
  sim = await startLedger();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await admin(sim, '/admin/reset');
});

const rough = (extra: Partial<DiamondRecord> = {}): DiamondRecord => ({
  schemaVersion: '1',
  kind: 'rough',
  origin: { country: 'BW', mine: 'Orapa' },
  rough: { caratWeight: 1.842 },
  ...extra,
});

const failure = async (call: Promise<unknown>): Promise<PlatformError> => {
  try {
    await call;
  } catch (error) {
    return error as PlatformError;
  }
  throw new Error('expected the call to fail');
};

describe('tracr client: signing', () => {
  it('signs with a PEM key, a PKCS#8 base64 key or a hex seed, and the ledger accepts each', async () => {
    const key = participantKeyFromSeed('tracr-sim:demo-mining').privateKey;
    const pem = key.export({ format: 'pem', type: 'pkcs8' }).toString();
    const seed = Buffer.from(sampleKey('demo-mining'), 'base64').subarray(-32).toString('hex');
    for (const [index, privateKey] of [pem, sampleKey('demo-mining'), seed].entries()) {
      const client = connectTracr({ ...connectAs(sim, 'demo-mining'), privateKey });
      const put = await client.put(rough({ identifiers: { producerRef: `DM-SIG-${index}` } }), {
        idempotencyKey: `signing-${index}`,
      });
      expect(put.outcome).toBe('created');
      expect((await readStone(sim, put.ref))?.owner?.participantId).toBe('demo-mining');
    }
  });

  it("refuses as unrecoverable a signature made with another participant's key", async () => {
    const client = connectTracr({
      ...connectAs(sim, 'demo-mining'),
      privateKey: sampleKey('kalahari-mining'),
    });
    const error = await failure(client.put(rough(), { idempotencyKey: 'wrong-key' }));
    expect(error.failure).toBe('unrecoverable');
    expect(error.field).toBe('signature');
  });

  it('refuses a private key it cannot read, naming the option', () => {
    expect(() => connectTracr({ ...connectAs(sim, 'demo-mining'), privateKey: 'not a key' })).toThrow(
      /privateKey/,
    );
  });
});

describe('tracr client: writes', () => {
  it('a lost reply, then a retry with the same key, commits one registration', async () => {
    const client = connectTracr(connectAs(sim, 'demo-mining'));
    // No identifier to look the stone up by: only the derived nonce stands between a retry and a duplicate.
    const record = rough();
    // A first write, so that every read the client caches is behind it and the lost reply is the submission's.
    await client.put(rough({ identifiers: { producerRef: 'DM-WARM-1' } }), { idempotencyKey: 'warm-up' });
    const before = (await counts(sim)).committedByType['REGISTER_ROUGH']!;
    await admin(sim, '/admin/faults', { dropResponseRate: 1 });
    const error = await failure(client.put(record, { idempotencyKey: 'lost-reply' }));
    expect(error.ambiguous).toBe(true);
    expect(error.failure).toBe('retryable');
    await admin(sim, '/admin/faults', { dropResponseRate: 0 });
    expect((await counts(sim)).committedByType['REGISTER_ROUGH']).toBe(before + 1);
    const retry = await client.put(record, { idempotencyKey: 'lost-reply' });
    expect(retry.outcome).toBe('created');
    expect((await counts(sim)).committedByType['REGISTER_ROUGH']).toBe(before + 1);
    expect((await readStone(sim, retry.ref))?.caratWeight).toBe(1.842);
  });

  it('updates only the fields that differ, once, and answers unchanged when nothing does', async () => {
    const client = connectTracr(connectAs(sim, 'demo-mining'));
    const record = rough({ identifiers: { producerRef: 'DM-UPD-1' } });
    const { ref } = await client.put(record, { idempotencyKey: 'upd-1' });
    const moved = { ...record, origin: { country: 'BW', mine: 'Letlhakane' } };
    expect(await client.put(moved, { idempotencyKey: 'upd-2' })).toEqual({ ref, outcome: 'updated' });
    expect(await client.put(moved, { idempotencyKey: 'upd-3' })).toEqual({ ref, outcome: 'unchanged' });
    expect((await counts(sim)).committedByDiamond[ref]).toBe(2);
    expect((await readStone(sim, ref))?.events?.at(-1)).toMatchObject({ type: 'updated', fields: ['mine'] });
  });

  it('writes several new stones through the batch route, one settled result each', async () => {
    const client = connectTracr(connectAs(sim, 'demo-mining'));
    const results = await client.putMany!([
      { record: rough({ identifiers: { producerRef: 'DM-BATCH-1' } }), idempotencyKey: 'batch-1' },
      { record: rough({ rough: { caratWeight: 0.5141 } }), idempotencyKey: 'batch-2' },
      { record: rough({ identifiers: { producerRef: 'DM-BATCH-3' } }), idempotencyKey: 'batch-3' },
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ field: 'rough.caratWeight' });
    for (const result of results.filter((r) => r.status === 'fulfilled'))
      expect((await readStone(sim, result.value.ref))?.producerRef).toMatch(/^DM-BATCH-/);
  });

  it('refuses 0.5141 ct as unrecoverable naming rough.caratWeight, and writes nothing', async () => {
    const client = connectTracr(connectAs(sim, 'demo-mining'));
    const before = (await counts(sim)).committedTransactions;
    const error = await failure(
      client.put(rough({ rough: { caratWeight: 0.5141 } }), { idempotencyKey: 'w' }),
    );
    expect(error.failure).toBe('unrecoverable');
    expect(error.field).toBe('rough.caratWeight');
    expect((await counts(sim)).committedTransactions).toBe(before);
  });

  it('a transfer of a stone another participant holds is not permitted, and nothing is signed', async () => {
    const client = connectTracr(connectAs(sim, 'demo-mining'));
    const record: DiamondRecord = {
      schemaVersion: '1',
      kind: 'rough',
      identifiers: { tracrId: 'TRACR-3007A0000003' },
      extensions: { tracr: { ownerParticipantId: 'fifth-avenue-jewels' } },
    };
    const before = (await counts(sim)).committedTransactions;
    const error = await failure(client.put(record, { idempotencyKey: 'not-mine' }));
    expect(error).toBeInstanceOf(NotPermittedError);
    expect(error.failure).toBe('unrecoverable');
    expect(error.message).toMatch(/TRACR-3007A0000003 is held on the ledger by \S+, not by demo-mining/);
    expect((await counts(sim)).committedTransactions).toBe(before);
  });

  it("never updates another participant's stone that shares the producerRef: it registers its own", async () => {
    const foreign = await commitAs(sim, 'kalahari-mining', 'REGISTER_ROUGH', {
      caratWeight: 1.1,
      sourceCountry: 'BW',
      producerRef: 'SHARED-REF-1',
    });
    const client = connectTracr(connectAs(sim, 'demo-mining'));
    const put = await client.put(rough({ identifiers: { producerRef: 'SHARED-REF-1' } }), {
      idempotencyKey: 'shared-ref',
    });
    expect(put.outcome).toBe('created');
    expect(put.ref).not.toBe(foreign.diamondId);
    expect((await readStone(sim, put.ref))?.owner?.participantId).toBe('demo-mining');
    expect((await readStone(sim, foreign.diamondId))?.caratWeight).toBe(1.1);
    expect((await counts(sim)).committedByDiamond[foreign.diamondId]).toBe(1);
  });
});

describe('tracr client: lineage', () => {
  const polishedFromDiavik: DiamondRecord = {
    schemaVersion: '1',
    kind: 'polished',
    origin: { country: 'CA', mine: 'Diavik' },
    rough: { caratWeight: 1.5 },
    polished: {
      shape: 'round',
      caratWeight: 0.91,
      color: { scale: 'DZ', grade: 'F' },
      clarity: 'VS1',
      cut: 'EX',
      polish: 'EX',
      symmetry: 'VG',
      fluorescence: { intensity: 'NON' },
      measurements: { minDiameterMm: 6.2, maxDiameterMm: 6.24, depthMm: 3.85 },
    },
    extensions: { tracr: { parentId: 'TRACR-3007A0000003' } },
  };

  it('cuts a polished stone from its rough: SPLIT, then POLISH of the planned part, once', async () => {
    const client = connectTracr(connectAs(sim, 'antwerp-cutting'));
    const put = await client.put(polishedFromDiavik, { idempotencyKey: 'cut-1' });
    expect(put.outcome).toBe('created');
    const stone = await client.get(put.ref);
    expect(stone?.native).toMatchObject({
      kind: 'POLISHED',
      parentId: 'TRACR-3007A0000003',
      caratWeight: 1.5,
    });
    expect(stone?.canonical.polished).toEqual(polishedFromDiavik.polished);
    expect((await readStone(sim, 'TRACR-3007A0000003'))?.childIds).toEqual([put.ref]);
    const again = await client.put(polishedFromDiavik, { idempotencyKey: 'cut-1' });
    expect(again).toEqual({ ref: put.ref, outcome: 'unchanged' });
    expect((await counts(sim)).committedByType).toMatchObject({ SPLIT: 2, POLISH: 3 });
  });

  it('a producer may not polish: not permitted before the rough is split, so nothing is written', async () => {
    const client = connectTracr(connectAs(sim, 'demo-mining'));
    const record: DiamondRecord = {
      ...polishedFromDiavik,
      rough: { caratWeight: 0.9 },
      polished: { ...polishedFromDiavik.polished!, caratWeight: 0.5 },
      extensions: { tracr: { parentId: 'TRACR-0985A0000004' } },
    };
    const before = (await counts(sim)).committedTransactions;
    const error = await failure(client.put(record, { idempotencyKey: 'producer-polish' }));
    expect(error).toBeInstanceOf(NotPermittedError);
    expect(error.failure).toBe('unrecoverable');
    expect(error.field).toBe('polished');
    expect(error.message).toMatch(/demo-mining is a producer; .* only from a manufacturer/);
    expect((await counts(sim)).committedTransactions).toBe(before);
  });
});

describe('tracr client: verified reads', () => {
  it('refuses a stone a corrupt node changed without a transaction, as a tampered record', async () => {
    const client = connectTracr(connectAs(sim, 'demo-mining'));
    expect((await client.get('TRACR-0985A0000004'))?.canonical.rough).toEqual({ caratWeight: 0.985 });
    await admin(sim, '/admin/tamper', { diamondId: 'TRACR-0985A0000004', patch: { caratWeight: 9.85 } });
    const error = await failure(client.get('TRACR-0985A0000004'));
    expect(error.failure).toBe('unrecoverable');
    expect(error.message).toMatch(/tampered record/);
    expect((await failure(client.find({ producerRef: 'DM-0002' }))).message).toMatch(/tampered record/);
  });

  it('refuses a tampered state even when its stored hash was patched to match', async () => {
    const client = connectTracr(connectAs(sim, 'demo-mining'));
    const stone = (await readStone(sim, 'TRACR-1234A0000002'))!;
    const { sha256Hex } = await import('../../../src/mapping/content-hash.js');
    const forged = { ...stone, sourceCountry: 'CA', stateHash: undefined };
    await admin(sim, '/admin/tamper', {
      diamondId: 'TRACR-1234A0000002',
      patch: { sourceCountry: 'CA', stateHash: sha256Hex(forged) },
    });
    expect((await failure(client.get('TRACR-1234A0000002'))).message).toMatch(/did not commit this state/);
  });

  it('finds stones by inscription, KP certificate and producer reference', async () => {
    const client = connectTracr(connectAs(sim, 'demo-mining'));
    const refs = async (identifiers: Parameters<typeof client.find>[0]) =>
      (await client.find(identifiers)).map((stone) => stone.ref);
    expect(await refs({ inscription: 'GIA 2141438171' })).toEqual(['TRACR-E0510000A171']);
    expect(await refs({ kpCertificate: 'ZA-KP-2019-000777' })).toEqual(['TRACR-0985A0000004']);
    expect(await refs({ producerRef: 'KM-2019-0001', tracrId: 'TRACR-1234A0000002' })).toEqual([
      'TRACR-1234A0000002',
      'TRACR-2150A0000001',
    ]);
    expect(await refs({ giaReportNumber: '2141438171' })).toEqual([]);
  });

  it('reports the chain head as health', async () => {
    const health = await connectTracr(connectAs(sim, 'demo-mining')).health();
    expect(health).toMatchObject({ ok: true, detail: 'chain head at height 12' });
  });
});
