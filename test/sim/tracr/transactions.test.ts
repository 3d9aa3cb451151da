import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  participantKeyFromSeed,
  priceCommitment,
  sampleIds,
  signTransaction,
  type DiamondState,
  type RunningTracrSimulator,
} from '../../../sim/tracr/index.js';
import { call, registerRough, signAs, startLedger, submit, type SubmitBody } from './helpers.js';

type State = DiamondState & { proof: unknown };

describe('tracr simulator: transactions', () => {
  let sim: RunningTracrSimulator;
  const stone = async (diamondId: string): Promise<State> =>
    (await call<State>(sim, 'GET', `/v1/diamonds/${diamondId}`)).body;
  const admin = async (): Promise<{
    committedByType: Record<string, number>;
    committedByDiamond: Record<string, number>;
  }> =>
    (
      await call<{ committedByType: Record<string, number>; committedByDiamond: Record<string, number> }>(
        sim,
        'GET',
        '/admin/state',
      )
    ).body;

  beforeAll(async () => {
    sim = await startLedger();
  });
  afterAll(() => sim.close());
  afterEach(async () => {
    await call(sim, 'POST', '/admin/reset');
  });

  describe('signatures and membership', () => {
    it('refuses a transaction whose signature does not cover the body sent', async () => {
      const signed = signAs('kalahari-mining', 'REGISTER_ROUGH', { caratWeight: 1.2, sourceCountry: 'BW' });
      signed.tx.payload = { caratWeight: 12, sourceCountry: 'BW' };
      const reply = await call(sim, 'POST', '/v1/transactions', signed);
      expect(reply.status).toBe(403);
      expect(reply.body).toMatchObject({ code: 'BAD_SIGNATURE', field: 'signature' });
    });

    it("refuses a transaction signed with another participant's key", async () => {
      const signed = signAs('kalahari-mining', 'REGISTER_ROUGH', { caratWeight: 1.2, sourceCountry: 'BW' });
      signed.signature = signTransaction(
        signed.tx,
        participantKeyFromSeed('tracr-sim:demo-mining').privateKey,
      );
      expect((await call(sim, 'POST', '/v1/transactions', signed)).status).toBe(403);
    });

    it('refuses a participant the operator has not approved, and accepts it once approved', async () => {
      const payload = { caratWeight: 1, sourceCountry: 'BW' };
      const refused = await submit(sim, 'unvetted-trading', 'REGISTER_ROUGH', payload);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'PARTICIPANT_NOT_APPROVED', field: 'tx.participantId' });

      const { publicKey } = participantKeyFromSeed('tracr-sim:new-producer');
      const admitted = await call(sim, 'POST', '/admin/participants', {
        participantId: 'new-producer',
        org: 'New Producer',
        role: 'producer',
        publicKey,
      });
      expect(admitted.status).toBe(201);
      expect((await call(sim, 'GET', '/v1/participants/new-producer')).body).toMatchObject({
        approved: true,
        publicKey,
      });
      expect(
        (await submit(sim, 'new-producer', 'REGISTER_ROUGH', { caratWeight: 1, sourceCountry: 'BW' })).status,
      ).toBe(202);
    });

    it('refuses to admit a participant whose public key is not Ed25519 SPKI', async () => {
      const reply = await call(sim, 'POST', '/admin/participants', {
        participantId: 'bad-key',
        org: 'X',
        role: 'lab',
        publicKey: 'AAAA',
      });
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ field: 'publicKey' });
    });

    it('lets only a producer register a rough and only a lab grade', async () => {
      const register = await submit(sim, 'antwerp-cutting', 'REGISTER_ROUGH', {
        caratWeight: 1,
        sourceCountry: 'BW',
      });
      expect(register.status).toBe(403);
      expect(register.body.code).toBe('ROLE_NOT_PERMITTED');
      const grade = await submit(sim, 'antwerp-cutting', 'GRADE', {
        diamondId: sampleIds.roundG060,
        lab: 'GIA',
        reportNumber: '1',
        reportDate: '2020-01-01',
      });
      expect(grade.status).toBe(403);
    });
  });

  describe('REGISTER_ROUGH', () => {
    it('registers a rough with every declared field and a private price held only as a hash', async () => {
      const price = { amount: 12_000, currency: 'USD', salt: 'a-salt-of-sixteen-chars' };
      const reply = await submit(
        sim,
        'kalahari-mining',
        'REGISTER_ROUGH',
        {
          caratWeight: 3.141,
          sourceCountry: 'BW',
          mine: 'Orapa',
          producerRef: 'KM-T-1',
          kpCertificate: 'BW-KP-9',
          boxId: 'B-1',
          priceHash: priceCommitment(price),
        },
        { privateData: { price } },
      );
      expect(reply.status).toBe(202);
      expect(reply.body).toMatchObject({ status: 'committed' });
      const state = await stone(reply.body.diamondId);
      expect(state).toMatchObject({
        kind: 'ROUGH',
        caratWeight: 3.141,
        mine: 'Orapa',
        producerRef: 'KM-T-1',
        assurance: 'ASSURED',
      });
      expect(state.owner).toEqual({ participantId: 'kalahari-mining', org: 'Kalahari Mining Co.' });
      expect(state.privateFields).toEqual({ price: { hash: priceCommitment(price) } });
      const served = JSON.stringify([
        state,
        (await call(sim, 'GET', `/v1/transactions/${reply.body.txId}`)).body,
      ]);
      expect(served).not.toContain('12000');
      expect(served).not.toContain(price.salt);
    });

    it('refuses private price data that does not match the committed hash', async () => {
      const price = { amount: 1, currency: 'USD', salt: 'a-salt-of-sixteen-chars' };
      const reply = await submit(
        sim,
        'kalahari-mining',
        'REGISTER_ROUGH',
        { caratWeight: 1, sourceCountry: 'BW', priceHash: '0'.repeat(64) },
        { privateData: { price } },
      );
      expect(reply.status).toBe(400);
      expect(reply.body.field).toBe('privateData.price');
    });

    it('accepts AGGREGATED as a source country', async () => {
      const diamondId = await registerRough(sim, { sourceCountry: 'AGGREGATED' });
      expect((await stone(diamondId)).sourceCountry).toBe('AGGREGATED');
    });

    it.each([
      ['caratWeight', { caratWeight: 0.5141 }],
      ['caratWeight', { caratWeight: -1 }],
      ['caratWeight', { caratWeight: '1.5' }],
      ['sourceCountry', { sourceCountry: 'XX' }],
      ['sourceCountry', { sourceCountry: 'Botswana' }],
      ['mine', { mine: '' }],
      ['priceHash', { priceHash: 'abc' }],
      ['colour', { colour: 'E' }],
    ])('refuses a rough with a bad %s, naming the field', async (field, change) => {
      const reply = await submit(sim, 'kalahari-mining', 'REGISTER_ROUGH', {
        caratWeight: 1.5,
        sourceCountry: 'BW',
        ...change,
      });
      expect(reply.status).toBe(400);
      expect(reply.body.field).toBe(`tx.payload.${field}`);
      expect(reply.body.message).toContain(`tx.payload.${field}`);
    });

    it('refuses an envelope with a missing or malformed tx field, naming it', async () => {
      const signed = signAs('kalahari-mining', 'REGISTER_ROUGH', { caratWeight: 1, sourceCountry: 'BW' });
      for (const [field, tx] of [
        ['tx.type', { ...signed.tx, type: 'MINT' }],
        ['tx.timestamp', { ...signed.tx, timestamp: '2024-01-01' }],
        ['tx.nonce', { ...signed.tx, nonce: 'has spaces' }],
        ['tx.payload', { ...signed.tx, payload: [] }],
      ] as const) {
        expect((await call(sim, 'POST', '/v1/transactions', { ...signed, tx })).body).toMatchObject({
          field,
        });
      }
      expect((await call(sim, 'POST', '/v1/transactions', { tx: signed.tx })).body).toMatchObject({
        field: 'signature',
      });
    });
  });

  describe('lineage: SPLIT and POLISH', () => {
    const polish = {
      shape: 'ROUND',
      caratWeight: 0.45,
      colour: 'F',
      clarity: 'VVS2',
      cut: 'EXCELLENT',
      polish: 'VERY_GOOD',
      symmetry: 'GOOD',
      fluorescence: { intensity: 'FAINT', colour: 'BLUE' },
      measurements: { lengthMm: 4.95, widthMm: 4.92, depthMm: 3.01 },
    };

    it('splits a rough into planned children and polishes one of them', async () => {
      const { roundG060, diavikRough } = sampleIds;
      const split = await submit(sim, 'antwerp-cutting', 'SPLIT', {
        diamondId: diavikRough,
        children: [{ caratWeight: 1.5 }, { caratWeight: 1.507 }],
      });
      expect(split.status).toBe(202);
      const [parentId, ...childIds] = split.body.diamondIds;
      expect(parentId).toBe(diavikRough);
      expect((await stone(diavikRough)).childIds).toEqual(childIds);
      const child = await stone(childIds[0]!);
      expect(child).toMatchObject({
        kind: 'ROUGH',
        parentId: diavikRough,
        caratWeight: 1.5,
        sourceCountry: 'CA',
        mine: 'Diavik',
        owner: { participantId: 'antwerp-cutting' },
      });

      const polished = await submit(sim, 'antwerp-cutting', 'POLISH', { diamondId: childIds[0], ...polish });
      expect(polished.status).toBe(202);
      expect(await stone(childIds[0]!)).toMatchObject({ kind: 'POLISHED', polished: polish });
      expect(
        (await submit(sim, 'antwerp-cutting', 'POLISH', { diamondId: roundG060, ...polish })).body.code,
      ).toBe('INVALID_STATE');
    });

    it('refuses children heavier together than their rough', async () => {
      const reply = await submit(sim, 'antwerp-cutting', 'SPLIT', {
        diamondId: sampleIds.diavikRough,
        children: [{ caratWeight: 2 }, { caratWeight: 1.008 }],
      });
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ code: 'MASS_BALANCE', field: 'tx.payload.children' });
    });

    it('refuses a split by anyone but the owner with 409', async () => {
      const reply = await submit(sim, 'demo-mining', 'SPLIT', {
        diamondId: sampleIds.diavikRough,
        children: [{ caratWeight: 1 }],
      });
      expect(reply.status).toBe(409);
      expect(reply.body).toMatchObject({ code: 'NOT_OWNER', field: 'tx.participantId' });
    });

    it.each([
      ['shape', { shape: 'round' }],
      ['colour', { colour: 'E+' }],
      ['clarity', { clarity: 'VS-2' }],
      ['cut', { cut: 'EX' }],
      ['fluorescence.intensity', { fluorescence: { intensity: 'NON' } }],
      ['measurements.widthMm', { measurements: { lengthMm: 4, widthMm: 5, depthMm: 3 } }],
      ['caratWeight', { caratWeight: 0.4501 }],
      ['caratWeight', { caratWeight: 1.7 }],
    ])('refuses polished attributes with a bad %s, naming the field', async (field, change) => {
      const reply = await submit(sim, 'antwerp-cutting', 'POLISH', {
        diamondId: sampleIds.plannedPart,
        ...polish,
        ...change,
      });
      expect(reply.status).toBe(400);
      expect(reply.body.field).toBe(`tx.payload.${field}`);
    });
  });

  describe('GRADE, INSCRIBE, SELL, TRANSFER, UPDATE', () => {
    it('lets a lab grade a polished stone and certifies it', async () => {
      const reply = await submit(sim, 'gia-lab', 'GRADE', {
        diamondId: sampleIds.roundG060,
        lab: 'GIA',
        reportNumber: '6204817739',
        reportDate: '2019-11-05',
      });
      expect(reply.status).toBe(202);
      expect(await stone(sampleIds.roundG060)).toMatchObject({
        assurance: 'ASSURED_AND_CERTIFIED',
        grading: { reportNumber: '6204817739' },
      });
      const bad = await submit(sim, 'gia-lab', 'GRADE', {
        diamondId: sampleIds.roundG060,
        lab: 'GIA',
        reportNumber: '1',
        reportDate: '2019-02-30',
      });
      expect(bad.body.field).toBe('tx.payload.reportDate');
      expect(
        (
          await submit(sim, 'gia-lab', 'GRADE', {
            diamondId: sampleIds.diavikRough,
            lab: 'GIA',
            reportNumber: '1',
            reportDate: '2019-02-03',
          })
        ).status,
      ).toBe(409);
    });

    it('records an inscription by the owner and refuses an unprintable one', async () => {
      expect(
        (
          await submit(sim, 'antwerp-cutting', 'INSCRIBE', {
            diamondId: sampleIds.roundG060,
            inscription: 'AC-0001',
          })
        ).status,
      ).toBe(202);
      expect((await stone(sampleIds.roundG060)).inscription).toBe('AC-0001');
      const bad = await submit(sim, 'antwerp-cutting', 'INSCRIBE', {
        diamondId: sampleIds.roundG060,
        inscription: 'tab\there',
      });
      expect(bad.body.field).toBe('tx.payload.inscription');
    });

    it('lets only the current owner transfer, and the new owner after that', async () => {
      const { southAfricanRough } = sampleIds;
      expect(
        (
          await submit(sim, 'kalahari-mining', 'TRANSFER', {
            diamondId: southAfricanRough,
            to: 'antwerp-cutting',
          })
        ).status,
      ).toBe(409);
      expect(
        (
          await submit(sim, 'demo-mining', 'TRANSFER', {
            diamondId: southAfricanRough,
            to: 'antwerp-cutting',
          })
        ).status,
      ).toBe(202);
      expect((await stone(southAfricanRough)).owner.participantId).toBe('antwerp-cutting');
      expect(
        (await submit(sim, 'demo-mining', 'TRANSFER', { diamondId: southAfricanRough, to: 'gia-lab' })).body
          .code,
      ).toBe('NOT_OWNER');
      const unapproved = await submit(sim, 'antwerp-cutting', 'TRANSFER', {
        diamondId: southAfricanRough,
        to: 'unvetted-trading',
      });
      expect(unapproved.body.field).toBe('tx.payload.to');
    });

    it('records a sale with its price only as a hash', async () => {
      const price = { amount: 999, currency: 'EUR', salt: 'another-sixteen-salt' };
      const reply = await submit(
        sim,
        'demo-mining',
        'SELL',
        {
          diamondId: sampleIds.southAfricanRough,
          to: 'fifth-avenue-jewels',
          priceHash: priceCommitment(price),
        },
        { privateData: { price } },
      );
      expect(reply.status).toBe(202);
      const state = await stone(sampleIds.southAfricanRough);
      expect(state.events.at(-1)).toMatchObject({
        type: 'sold',
        from: 'demo-mining',
        to: 'fifth-avenue-jewels',
        priceHash: priceCommitment(price),
      });
      expect(state.privateFields.price).toEqual({ hash: priceCommitment(price) });
      // Neither the amount (as a JSON value; hex hashes may well contain the digits 999) nor the salt is served.
      const served = JSON.stringify(state);
      expect(served).not.toMatch(/[:[,]999[,\]}]/);
      expect(served).not.toContain(price.salt);
    });

    it('applies an owner correction and refuses one that breaks mass balance', async () => {
      const { emeraldE051, kalahariRough } = sampleIds;
      const fix = await submit(sim, 'fifth-avenue-jewels', 'UPDATE', {
        diamondId: emeraldE051,
        set: { polished: { clarity: 'VS1' }, boxId: null },
      });
      expect(fix.status).toBe(202);
      expect((await stone(emeraldE051)).polished).toMatchObject({
        clarity: 'VS1',
        colour: 'E',
        caratWeight: 0.514,
      });
      expect((await stone(emeraldE051)).events.at(-1)).toMatchObject({
        type: 'updated',
        fields: ['polished', 'boxId'],
      });
      const shrink = await submit(sim, 'antwerp-cutting', 'UPDATE', {
        diamondId: kalahariRough,
        set: { caratWeight: 1.5 },
      });
      expect(shrink.body).toMatchObject({ code: 'MASS_BALANCE', field: 'tx.payload.set.caratWeight' });
      const unknown = await submit(sim, 'antwerp-cutting', 'UPDATE', {
        diamondId: kalahariRough,
        set: { colour: 'D' },
      });
      expect(unknown.body).toMatchObject({ code: 'UNKNOWN_FIELD', field: 'tx.payload.set.colour' });
      expect(
        (
          await submit(sim, 'antwerp-cutting', 'UPDATE', {
            diamondId: 'TRACR-000000000000',
            set: { mine: 'X' },
          })
        ).status,
      ).toBe(404);
    });
  });

  describe('nonces and batches', () => {
    it('answers a resubmitted nonce with the original transaction and writes once', async () => {
      const before = await admin();
      const first = signAs(
        'demo-mining',
        'REGISTER_ROUGH',
        { caratWeight: 1.111, sourceCountry: 'CA' },
        { nonce: 'box-42' },
      );
      const original = await call<SubmitBody>(sim, 'POST', '/v1/transactions', first);
      const again = await call<SubmitBody>(sim, 'POST', '/v1/transactions', first);
      const changed = signAs(
        'demo-mining',
        'REGISTER_ROUGH',
        { caratWeight: 2.222, sourceCountry: 'CA' },
        { nonce: 'box-42' },
      );
      const differing = await call<SubmitBody>(sim, 'POST', '/v1/transactions', changed);
      expect(original.status).toBe(202);
      for (const reply of [again, differing]) {
        expect(reply.status).toBe(200);
        expect(reply.body).toMatchObject({
          txId: original.body.txId,
          diamondId: original.body.diamondId,
          status: 'committed',
          duplicate: true,
        });
      }
      const after = await admin();
      expect(after.committedByType['REGISTER_ROUGH']).toBe(before.committedByType['REGISTER_ROUGH']! + 1);
      expect(after.committedByDiamond[original.body.diamondId]).toBe(1);
      expect((await stone(original.body.diamondId)).caratWeight).toBe(1.111);
    });

    it('does not spend a nonce on a refused transaction', async () => {
      const bad = await submit(
        sim,
        'demo-mining',
        'REGISTER_ROUGH',
        { caratWeight: 1.0001, sourceCountry: 'CA' },
        { nonce: 'retry-me' },
      );
      expect(bad.status).toBe(400);
      expect(
        (
          await submit(
            sim,
            'demo-mining',
            'REGISTER_ROUGH',
            { caratWeight: 1, sourceCountry: 'CA' },
            { nonce: 'retry-me' },
          )
        ).status,
      ).toBe(202);
    });

    it('answers each item of a batch on its own and commits the accepted ones in one block', async () => {
      const transactions = [
        signAs('demo-mining', 'REGISTER_ROUGH', { caratWeight: 1, sourceCountry: 'CA' }),
        signAs('demo-mining', 'REGISTER_ROUGH', { caratWeight: 1.0005, sourceCountry: 'CA' }),
        signAs('demo-mining', 'REGISTER_ROUGH', { caratWeight: 2, sourceCountry: 'AGGREGATED' }),
      ];
      const reply = await call<{ results: { status: number; body: SubmitBody }[] }>(
        sim,
        'POST',
        '/v1/transactions/batch',
        { transactions },
      );
      expect(reply.status).toBe(200);
      expect(reply.body.results.map((result) => result.status)).toEqual([202, 400, 202]);
      expect(reply.body.results[1]!.body.field).toBe('tx.payload.caratWeight');
      const [a, , c] = reply.body.results;
      expect(a!.body.blockHeight).toBe(c!.body.blockHeight);
      expect(a!.body.status).toBe('committed');
    });

    it('refuses a batch larger than the network declares', async () => {
      const { body: network } = await call<{ maxBatchSize: number }>(sim, 'GET', '/v1/network');
      const transactions = Array.from({ length: network.maxBatchSize + 1 }, () =>
        signAs('demo-mining', 'REGISTER_ROUGH', { caratWeight: 1, sourceCountry: 'CA' }),
      );
      const reply = await call(sim, 'POST', '/v1/transactions/batch', { transactions });
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ code: 'BATCH_TOO_LARGE', field: 'transactions' });
    });
  });
});
