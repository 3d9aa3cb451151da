import { describe, expect, it } from 'vitest';
import { contentHash } from '../../src/mapping/content-hash.js';
import { applyCorrections, executeRun, getRun, startRun, type Mismatch } from '../../src/reconcile/index.js';
import type { Store } from '../../src/store/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { adapters, gia, stone, tracr } from './fixtures.js';
import { seedStone, useStore } from './support.js';

const who = { actor: 'compliance@demo-mining' };

async function runOver(store: Store, ids: string[]): Promise<{ runId: string; mismatches: Mismatch[] }> {
  const runId = await startRun(store, { ids }, who);
  await executeRun(store, runId, { adapters });
  return { runId, mismatches: (await getRun(store, runId))!.mismatches };
}

/**
 * What the sync engine would do with an enqueued stone: push the bridge record to every platform that
 * accepts writes for the corrected fields; simulated by writing the record's values into those mirrors.
 */
function simulatedPush(store: Store, pushed: string[]) {
  return async (
    diamondId: string,
    { fields, pushTo }: { fields: string[]; pushTo: string[] },
  ): Promise<void> => {
    pushed.push(diamondId);
    const record = (await store.diamonds.get(diamondId))!.record;
    const mirrors = await store.mirrors.get(diamondId);
    for (const platform of pushTo) {
      const view = structuredClone<DiamondRecord | undefined>(mirrors[platform]?.view);
      if (!view) continue;
      for (const field of fields) {
        const [group, member] = field.split('.') as [keyof DiamondRecord, string];
        (view[group] as Record<string, unknown>)[member] = (record[group] as Record<string, unknown>)[member];
      }
      await store.mirrors.save(diamondId, platform, view, { readAt: new Date() });
    }
  };
}

describe('applying corrections', () => {
  const { fresh } = useStore();

  it('sets the authoritative value, audits who applied it, and a second run finds the stone clean', async () => {
    const store = fresh();
    const id = await seedStone(store, 1, ({ gia: view }) => {
      view.polished = { ...view.polished!, color: { scale: 'DZ', grade: 'F' } };
    });
    const { runId, mismatches } = await runOver(store, [id]);
    expect(mismatches).toMatchObject([{ field: 'polished.color', authority: 'gia' }]);
    const pushed: string[] = [];
    const result = await applyCorrections(
      store,
      { runId },
      { ...who, adapters, enqueue: simulatedPush(store, pushed) },
    );
    expect(result).toEqual({
      applied: [
        {
          diamondId: id,
          field: 'polished.color',
          authority: 'gia',
          from: { scale: 'DZ', grade: 'E' },
          to: { scale: 'DZ', grade: 'F' },
          pushTo: ['tracr'],
        },
      ],
      skipped: [],
    });
    expect(pushed).toEqual([id]);
    expect((await store.diamonds.get(id))!.record.polished?.color).toEqual({ scale: 'DZ', grade: 'F' });
    expect((await store.audit.history(id)).at(-1)).toMatchObject({
      actor: who.actor,
      action: 'reconcile.apply',
      detail: {
        changes: [{ field: 'polished.color', authority: 'gia', from: { grade: 'E' }, to: { grade: 'F' } }],
      },
    });
    expect((await runOver(store, [id])).mismatches).toEqual([]);
  });

  it('leaves the intent to push a correction for the outbox sweeper when the process dies before the enqueue', async () => {
    const store = fresh();
    const id = await seedStone(store, 1, ({ gia: view }) => {
      view.polished = { ...view.polished!, color: { scale: 'DZ', grade: 'F' } };
    });
    const { runId } = await runOver(store, [id]);
    const crash = new Error('killed between the save and the enqueue');
    await expect(
      applyCorrections(store, { runId }, { ...who, adapters, enqueue: () => Promise.reject(crash) }),
    ).rejects.toBe(crash);
    const corrected = (await store.diamonds.get(id))!.record;
    expect(corrected.polished?.color).toEqual({ scale: 'DZ', grade: 'F' });
    expect(await store.outbox.intentOf(id)).toEqual({ diamondId: id, hash: contentHash(corrected) });

    // Applied again with the enqueue done, the intent is cleared: nothing is owed.
    const pushed: string[] = [];
    await applyCorrections(store, { runId }, { ...who, adapters, enqueue: simulatedPush(store, pushed) });
    expect(pushed).toEqual([id]);
    expect(await store.outbox.intentOf(id)).toBeNull();
  });

  it('skips what it cannot settle and says why', async () => {
    const store = fresh();
    const id = stone(1).id;
    const mismatch = (
      field: string,
      authority: string | null,
      values: Record<string, unknown>,
    ): Mismatch => ({
      diamondId: id,
      field,
      values,
      authority,
      severity: 'major',
      rule: 'equal',
    });
    const gradingOnlyAtGia = [
      { ...gia, capabilities: { write: true, writes: [] } },
      { ...tracr, capabilities: { write: false, writes: [] } },
    ];
    const result = await applyCorrections(
      store,
      [
        mismatch('lineage.childIds', null, { bridge: ['tb_child_000001'] }),
        mismatch('polished.cut', 'gia', { tracr: 'EX' }),
        mismatch('polished.polish', 'gia', { tracr: 'EX', gia: 'VG' }),
      ],
      { ...who, adapters: gradingOnlyAtGia, enqueue: () => undefined },
    );
    expect(result.applied).toEqual([]);
    expect(result.skipped.map(({ field, reason }) => [field, reason])).toEqual([
      ['lineage.childIds', 'no-authority'],
      ['polished.cut', 'authority-value-missing'],
      ['polished.polish', 'not-writable'],
    ]);
    const unknown = await applyCorrections(
      store,
      [mismatch('polished.polish', 'gia', { tracr: 'EX', gia: 'VG' })],
      {
        ...who,
        adapters,
        enqueue: () => undefined,
      },
    );
    expect(unknown.skipped).toMatchObject([
      { reason: 'unknown-stone', detail: `${id} is not a stored stone` },
    ]);
  });

  it('applies several fields of one stone in one save and settles an origin stated only as aggregated', async () => {
    const store = fresh();
    const id = await seedStone(store, 1, ({ ledger, gia: view }) => {
      ledger.origin = { aggregated: true };
      view.origin = { country: 'BW' };
      view.polished = { ...view.polished!, clarity: 'SI1' };
    });
    const { mismatches } = await runOver(store, [id]);
    expect(mismatches.map((m) => [m.field, m.authority])).toEqual([
      ['origin.country', 'tracr'],
      ['polished.clarity', 'gia'],
    ]);
    const before = (await store.diamonds.get(id))!.version;
    const pushed: string[] = [];
    const result = await applyCorrections(store, mismatches, {
      ...who,
      adapters,
      enqueue: simulatedPush(store, pushed),
    });
    expect(result.applied.map((a) => [a.field, a.to])).toEqual([
      ['origin.country', 'aggregated'],
      ['polished.clarity', 'SI1'],
    ]);
    const after = (await store.diamonds.get(id))!;
    expect(after.version).toBe(before + 1);
    expect(after.record.origin).toEqual({ aggregated: true, producer: 'Demo Mining Ltd', mine: 'Jwaneng' });
    expect(after.record.polished?.clarity).toBe('SI1');
    expect(pushed).toEqual([id]);
  });
});
