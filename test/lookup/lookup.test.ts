/**
 * The cross-platform lookup over both simulators: parallel fan-out with a per-platform timeout, every
 * status, the merged record with its sources, mismatches, and GIA's quota spent once per unchanged report.
 */
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LookupAnswer } from '../../src/lookup/types.js';
import { bearer, setFaults, startBridge, storeLedgerRough, type TestBridge } from '../api/support.js';

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startBridge({ queues: false, settings: { lookupTimeoutMs: 400 } });
});
afterEach(async () => {
  await setFaults(bridge.gia, { latencyMs: 0, errorRate: 0 });
  await setFaults(bridge.tracr, { latencyMs: 0, errorRate: 0 });
});
afterAll(async () => {
  await bridge.close();
});

async function lookup(query: string): Promise<LookupAnswer> {
  const answer = await request(bridge.app).get(`/v1/lookup?${query}`).set('authorization', bearer.reader);
  expect(answer.status).toBe(200);
  return answer.body as LookupAnswer;
}

async function quotaSpent(): Promise<number> {
  const state = (await (await fetch(`${bridge.gia.url}/admin/state`)).json()) as { quotaSpent: number };
  return state.quotaSpent;
}

describe('lookup', () => {
  it('answers a stone the bridge does not hold from both platforms, with the source of every field', async () => {
    const answer = await lookup('giaReportNumber=2141438171');
    expect(answer.diamondId).toBeNull();
    expect(answer.platforms.gia).toMatchObject({ status: 'found', ref: '2141438171' });
    expect(answer.platforms.tracr).toMatchObject({ status: 'found', ref: 'TRACR-E0510000A171' });
    expect(answer.merged?.record.identifiers).toMatchObject({
      giaReportNumber: '2141438171',
      tracrId: 'TRACR-E0510000A171',
    });
    // GIA is the authority for grading; the ledger is where the custody events come from.
    expect(answer.merged?.sources['polished.color']).toBe('gia');
    expect(answer.merged?.sources['grading.reportNumber']).toBe('gia');
    expect(answer.merged?.sources.events).toBeDefined();
    for (const source of Object.values(answer.merged?.sources ?? {}))
      expect(['gia', 'tracr']).toContain(source);
  });

  it("reports mismatches in the fixed shape, judged with the trade's tolerances", async () => {
    const answer = await lookup('tracrId=TRACR-E0510000A171');
    for (const mismatch of answer.mismatches) {
      expect(Object.keys(mismatch)).toEqual(
        expect.arrayContaining(['diamondId', 'field', 'values', 'severity', 'authority']),
      );
      expect(mismatch.diamondId).toBeNull();
      expect(mismatch.field).toMatch(/^[a-z]+(\.[a-zA-Z]+)*$/);
      expect(Object.keys(mismatch.values).every((p) => ['gia', 'tracr'].includes(p))).toBe(true);
    }
    // 0.514 ct on the ledger and "0.51 carat" on the report agree under GIA's rounding rule.
    expect(answer.mismatches.map((m) => m.field)).not.toContain('polished.caratWeight');
  });

  it('marks a platform slower than its timeout as timeout and still answers the other', async () => {
    await setFaults(bridge.tracr, { latencyMs: 1_500 });
    const answer = await lookup('giaReportNumber=2141438169');
    expect(answer.platforms.tracr).toMatchObject({ status: 'timeout', error: 'no answer within 400 ms' });
    expect(answer.platforms.gia?.status).toBe('found');
    expect(answer.merged?.record.identifiers?.giaReportNumber).toBe('2141438169');
  });

  it('asks platforms in parallel: both slow platforms time out on their own clocks', async () => {
    // A stone both platforms can be asked about: the bridge knows its report number and its ledger ID.
    const { id } = await bridge.built.services.store.diamonds.save(
      {
        schemaVersion: '1',
        kind: 'polished',
        identifiers: { giaReportNumber: '2215838226', tracrId: 'TRACR-0720C0000001' },
      },
      { actor: 'test', action: 'register' },
    );
    await setFaults(bridge.tracr, { latencyMs: 1_500 });
    await setFaults(bridge.gia, { latencyMs: 1_500 });
    const answer = await lookup(`id=${id}`);
    expect(answer.platforms.gia?.status).toBe('timeout');
    expect(answer.platforms.tracr?.status).toBe('timeout');
    // Nothing came back from the platforms: the merged record is the bridge's own, every field from it.
    expect(new Set(Object.values(answer.merged?.sources ?? {}))).toEqual(new Set(['bridge']));
  });

  it('reports a failing platform as error with its reason', async () => {
    await setFaults(bridge.gia, { errorRate: 1 });
    const answer = await lookup('giaReportNumber=2141438169');
    expect(answer.platforms.gia?.status).toBe('error');
    expect(answer.platforms.gia?.error).toMatch(/gia/);
  });

  it('answers not_found everywhere and a null merged record for a stone nobody holds', async () => {
    const answer = await lookup('inscription=GIA%200000000001');
    expect(answer).toMatchObject({ diamondId: null, merged: null, mismatches: [] });
    expect(answer.platforms.gia?.status).toBe('not_found');
    expect(answer.platforms.tracr?.status).toBe('not_found');
  });

  it("spends GIA quota once: a repeated lookup of an unchanged report uses the client's cache", async () => {
    const before = await quotaSpent();
    await lookup('giaReportNumber=2207919113');
    const afterFirst = await quotaSpent();
    expect(afterFirst).toBeGreaterThan(before);
    await lookup('giaReportNumber=2207919113');
    await lookup('giaReportNumber=2207919113');
    expect(await quotaSpent()).toBe(afterFirst);
  });

  it("resolves a registered stone by identifier and merges the bridge's record with the platforms'", async () => {
    const registered = await request(bridge.app)
      .post('/v1/diamonds')
      .set('authorization', bearer.admin)
      .send({
        schemaVersion: '1',
        kind: 'rough',
        owner: { org: 'demo-mining' },
        identifiers: { producerRef: 'LOOKUP-1' },
        rough: { caratWeight: 2.5 },
      });
    // Without queues the bridge cannot register; that answer is itself part of the contract.
    expect(registered.status).toBe(503);
    const stored = await storeLedgerRough(bridge, 'KM-2019-0001');
    const answer = await lookup('tracrId=TRACR-2150A0000001');
    expect(answer.diamondId).toBe(stored.id);
    expect(answer.platforms.tracr?.status).toBe('found');
    expect(answer.merged?.sources['identifiers.producerRef']).toBeDefined();
    const byId = await lookup(`id=${stored.id}`);
    expect(byId.diamondId).toBe(stored.id);
  });
});
