import { describe, expect, it } from 'vitest';
import {
  executeRun,
  getRun,
  reconcileAll,
  runMismatches,
  startRun,
  type RunProgress,
} from '../../src/reconcile/index.js';
import { StoreInputError, type Store } from '../../src/store/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { adapters, stone } from './fixtures.js';
import { seedStone, useStore } from './support.js';

const who = { actor: 'compliance@demo-mining' };

/** 2,000 stones; every 100th re-graded F at GIA, every 250th held on the ledger only. */
async function seedMany(store: Store, count: number): Promise<void> {
  const readAt = '2024-05-22T08:00:00Z';
  for (let start = 0; start < count; start += 250) {
    const batch = Array.from({ length: Math.min(250, count - start) }, (_, i) => stone(start + i + 1));
    await store.diamonds.saveMany(
      batch.map(({ record }) => ({ record })),
      { actor: 'test', action: 'register' },
    );
    await Promise.all(
      batch.flatMap(({ id, ledger, gia }, i) => {
        const n = start + i + 1;
        const saves = [store.mirrors.save(id, 'tracr', ledger, { readAt, ref: `TRC-${n}` })];
        const view =
          n % 100 === 0
            ? { ...gia, polished: { ...gia.polished!, color: { scale: 'DZ', grade: 'F' } } }
            : gia;
        if (n % 250 !== 0) saves.push(store.mirrors.save(id, 'gia', view as DiamondRecord, { readAt }));
        return saves;
      }),
    );
  }
}

describe('reconciliation runs', () => {
  const { fresh, redis } = useStore();

  it('checks 2,000 stones a small page at a time: progress reaches the total and every mismatch is listed once', async () => {
    const store = fresh();
    await seedMany(store, 2000);
    const runId = await startRun(store, { all: true }, who);
    const seen: RunProgress[] = [];
    const final = await executeRun(store, runId, { adapters, pageSize: 37, onProgress: (p) => seen.push(p) });
    expect(final).toEqual({ done: 2000, total: 2000 });
    expect(seen).toHaveLength(Math.ceil(2000 / 37));
    expect(seen.map((p) => p.done)).toEqual([...seen.map((p) => p.done)].sort((a, b) => a - b));
    const run = await getRun(store, runId, { limit: 10_000 });
    expect(run).toMatchObject({
      status: 'done',
      progress: { done: 2000, total: 2000 },
      platforms: ['tracr', 'gia', 'bridge'],
    });
    // Stones 250, 500, ... are on the ledger only, so their colour cannot disagree.
    const expected = Array.from({ length: 20 }, (_, i) => (i + 1) * 100).filter((n) => n % 250 !== 0);
    expect(run!.mismatches.map((m) => [m.diamondId, m.field, m.severity, m.authority])).toEqual(
      expected.map((n) => [stone(n).id, 'polished.color', 'critical', 'gia']),
    );
    expect(run!.unmatched.map((u) => u.ref)).toEqual([
      'TRC-250',
      'TRC-500',
      'TRC-750',
      'TRC-1000',
      'TRC-1250',
      'TRC-1500',
      'TRC-1750',
      'TRC-2000',
    ]);
    expect(run!.counts).toEqual({
      mismatches: 16,
      unmatched: 8,
      bySeverity: { critical: 16, major: 0, minor: 0 },
    });
  });

  it('starts over cleanly when executed again after a crash part way', async () => {
    const store = fresh();
    await seedMany(store, 300);
    const runId = await startRun(store, { all: true }, who);
    const crash = executeRun(store, runId, {
      adapters,
      pageSize: 50,
      onProgress: ({ done }) => {
        if (done >= 150) throw new Error('worker killed');
      },
    });
    await expect(crash).rejects.toThrow('worker killed');
    expect(await getRun(store, runId)).toMatchObject({ status: 'failed', error: 'worker killed' });
    await executeRun(store, runId, { adapters, pageSize: 50 });
    const run = await getRun(store, runId);
    expect(run).toMatchObject({ status: 'done', progress: { done: 300, total: 300 } });
    expect(run!.mismatches.map((m) => m.diamondId)).toEqual([stone(100).id, stone(200).id, stone(300).id]);
    expect(run!.error).toBeUndefined();
  });

  it('lets a superseded execution write nothing once a newer one has taken the run over', async () => {
    const store = fresh();
    await seedMany(store, 100);
    const runId = await startRun(store, { all: true }, who);
    let pages = 0;
    const superseded = await executeRun(store, runId, {
      adapters,
      pageSize: 10,
      onProgress: () => {
        pages += 1;
        // Another worker takes the run over; on the same connection this lands before the next page.
        if (pages === 1) void redis().hincrby(store.keys.reconcileRun(runId), 'attempt', 1);
      },
    });
    expect(superseded).toEqual({ done: 10, total: 100 });
    expect(pages).toBe(1);
    expect(await getRun(store, runId)).toMatchObject({ status: 'running', progress: { done: 10 } });
    await executeRun(store, runId, { adapters, pageSize: 10 });
    const ids: string[] = [];
    for await (const mismatch of runMismatches(store, runId)) ids.push(mismatch.diamondId);
    expect(ids).toEqual([stone(100).id]);
    expect(await getRun(store, runId)).toMatchObject({ status: 'done', progress: { done: 100, total: 100 } });
  });

  it('checks only the stones named, reporting a named stone that is not stored', async () => {
    const store = fresh();
    const id = await seedStone(store, 7, ({ gia }) => {
      gia.polished = { ...gia.polished!, caratWeight: 1.77 };
    });
    await seedStone(store, 8, ({ gia }) => {
      gia.polished = { ...gia.polished!, clarity: 'SI2' };
    });
    const runId = await startRun(store, { ids: [id, 'tb_unknown_0001'] }, who);
    await executeRun(store, runId, { adapters });
    const run = await getRun(store, runId);
    expect(run!.mismatches).toMatchObject([
      { diamondId: id, field: 'polished.caratWeight', values: { tracr: 1.768, gia: 1.77 }, authority: 'gia' },
    ]);
    expect(run!.unmatched).toEqual([
      {
        platform: 'bridge',
        ref: 'tb_unknown_0001',
        diamondId: 'tb_unknown_0001',
        reason: 'not a stored stone',
      },
    ]);
  });

  it('reports polished children heavier than their rough as a mass-balance finding', async () => {
    const store = fresh();
    const rough: DiamondRecord = {
      schemaVersion: '1',
      id: 'tb_rough_000001',
      kind: 'rough',
      rough: { caratWeight: 3.127 },
      lineage: { childIds: [stone(1).id, stone(2).id] },
    };
    await store.diamonds.save(rough, { actor: 'test', action: 'register' });
    await store.mirrors.save(rough.id!, 'tracr', rough, { readAt: '2024-05-22T08:00:00Z', ref: 'TRC-R1' });
    await store.mirrors.save(rough.id!, 'gia', rough, { readAt: '2024-05-22T08:00:00Z', ref: 'RCN-1' });
    for (const n of [1, 2]) {
      await seedStone(store, n, (views) => {
        views.record.lineage = { parentId: rough.id! };
      });
    }
    const { runId } = await reconcileAll(store, adapters);
    const run = await getRun(store, runId);
    expect(run!.mismatches).toMatchObject([
      {
        diamondId: rough.id,
        field: 'lineage.childIds',
        severity: 'critical',
        rule: 'mass-balance',
        authority: null,
      },
    ]);
    expect(run!.platforms).toEqual(['tracr', 'gia', 'bridge']);
  });

  it('answers null for an unknown run and refuses a malformed scope', async () => {
    const store = fresh();
    expect(await getRun(store, 'rc_01HV8Z3K4M0000000000000000')).toBeNull();
    await expect(startRun(store, { ids: [] }, who)).rejects.toThrow(StoreInputError);
    await expect(startRun(store, { ids: ['not-an-id'] }, who)).rejects.toThrow(/diamond id "not-an-id"/);
    await expect(startRun(store, {} as { all: true }, who)).rejects.toThrow(/reconcile scope/);
    await expect(getRun(store, 'rc_01HV8Z3K4M0000000000000000', { limit: 0 })).rejects.toThrow(/limit 0/);
    expect(redis()).toBeDefined();
  });
});
