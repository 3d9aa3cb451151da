import { describe, expect, it } from 'vitest';
import { checkLineage, findUnmatched } from '../../src/reconcile/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';

const rough = (childIds: string[], caratWeight = 3.127): DiamondRecord => ({
  schemaVersion: '1',
  kind: 'rough',
  rough: { caratWeight },
  lineage: { childIds },
});
const polished = (caratWeight: number, parentId = 'tb_rough_0001'): DiamondRecord => ({
  schemaVersion: '1',
  kind: 'polished',
  polished: { shape: 'round', caratWeight },
  lineage: { parentId },
});

describe('lineage checks', () => {
  it('finds polished children heavier than their rough as a critical mass-balance finding', () => {
    const relatives = new Map([
      ['tb_child_0001', polished(1.768)],
      ['tb_child_0002', polished(1.5)],
    ]);
    const findings = checkLineage('tb_rough_0001', rough(['tb_child_0001', 'tb_child_0002']), relatives);
    expect(findings).toEqual([
      {
        diamondId: 'tb_rough_0001',
        field: 'lineage.childIds',
        values: { bridge: ['tb_child_0001', 'tb_child_0002'] },
        severity: 'critical',
        authority: null,
        rule: 'mass-balance',
        detail: "the polished children weigh 3.268 ct in all, more than the rough's 3.127 ct",
      },
    ]);
  });

  it('accepts children that weigh as much as the rough or less, summed without float drift', () => {
    const relatives = new Map([
      ['tb_child_0001', polished(0.1)],
      ['tb_child_0002', polished(0.2)],
    ]);
    expect(checkLineage('tb_rough_0001', rough(['tb_child_0001', 'tb_child_0002'], 0.3), relatives)).toEqual(
      [],
    );
  });

  it('finds a parent that is not stored, and a parent that does not list the child', () => {
    const missing = checkLineage('tb_child_0001', polished(1.2), new Map([['tb_rough_0001', null]]));
    expect(missing).toMatchObject([
      { field: 'lineage.parentId', severity: 'critical', rule: 'lineage-parent' },
    ]);
    const unlisted = checkLineage('tb_child_0001', polished(1.2), new Map([['tb_rough_0001', rough([])]]));
    expect(unlisted).toMatchObject([
      { field: 'lineage.parentId', severity: 'minor', rule: 'lineage-reciprocal' },
    ]);
  });

  it('reports a stone held on one platform only as unmatched, with its ref', () => {
    const record: DiamondRecord = { schemaVersion: '1', kind: 'rough', rough: { caratWeight: 2 } };
    const mirrors = { tracr: { view: record, readAt: '2024-05-01T10:00:00.000Z', ref: 'TRC-1' } };
    expect(findUnmatched('tb_stone_0001', record, mirrors, ['tracr', 'gia'])).toEqual({
      platform: 'tracr',
      ref: 'TRC-1',
      diamondId: 'tb_stone_0001',
      reason: 'held on tracr only; not found on gia',
    });
    expect(findUnmatched('tb_stone_0001', record, mirrors, ['tracr'])).toBeNull();
    expect(findUnmatched('tb_stone_0001', record, {}, ['tracr', 'gia'])).toMatchObject({
      platform: 'bridge',
      reason: 'no platform holds this stone yet',
    });
  });
});
