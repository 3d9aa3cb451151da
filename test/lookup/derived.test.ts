import { describe, expect, it } from 'vitest';
import { DerivedViews, type Derived } from '../../src/lookup/derived.js';
import type { PlatformView } from '../../src/lookup/provenance.js';
import type { StoredDiamond } from '../../src/store/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';

const record = (caratWeight: number): DiamondRecord => ({
  schemaVersion: '1',
  kind: 'rough',
  rough: { caratWeight },
});
const view = (platform: string, r: DiamondRecord): PlatformView => ({
  platform,
  authoritative: [],
  record: r,
});
const stored = (version: number): StoredDiamond => ({
  record: { ...record(1), id: 'tb_DERIVED01' },
  version,
  hash: `hash-${version}`,
  updatedAt: '2026-01-01T00:00:00.000Z',
});
const byId = { name: 'id', value: 'tb_DERIVED01' } as const;

/** A DerivedViews whose computations are counted, each answering a fresh object. */
function counted(): { views: DerivedViews; computed: () => number; compute: () => Derived } {
  let n = 0;
  return {
    views: new DerivedViews(),
    computed: () => n,
    compute: () => ({ merged: null, mismatches: [{ n: ++n } as never] }),
  };
}

describe('DerivedViews', () => {
  it('reuses the result while the stored version and every view object are the same', () => {
    const { views, computed, compute } = counted();
    const gia = view('gia', record(1.01));
    const tracr = view('tracr', record(1.01));
    const first = views.get(byId, stored(3), [gia, tracr], compute);
    // Fresh view wrappers around the same records: what a new lookup builds from the clients' cached views.
    const again = views.get(byId, stored(3), [{ ...gia }, { ...tracr }], compute);
    expect(again).toBe(first);
    expect(computed()).toBe(1);
  });

  it('works it out afresh for a new stored version, a different record object, or a missing platform', () => {
    const { views, computed, compute } = counted();
    const gia = view('gia', record(1.01));
    const tracr = view('tracr', record(1.01));
    views.get(byId, stored(3), [gia, tracr], compute);
    views.get(byId, stored(4), [gia, tracr], compute);
    expect(computed()).toBe(2);
    // An equal but different object is a new answer from the platform: never assumed to be the same.
    views.get(byId, stored(4), [gia, view('tracr', record(1.01))], compute);
    expect(computed()).toBe(3);
    views.get(byId, stored(4), [gia], compute);
    expect(computed()).toBe(4);
  });

  it('keeps a stone the bridge does not hold per query', () => {
    const { views, computed, compute } = counted();
    const gia = [view('gia', record(0.5))];
    const byReport = { name: 'giaReportNumber', value: '2141438171' } as const;
    const byInscription = { name: 'inscription', value: 'GIA 2141438171' } as const;
    const first = views.get(byReport, null, gia, compute);
    expect(views.get(byReport, null, gia, compute)).toBe(first);
    expect(views.get(byInscription, null, gia, compute)).not.toBe(first);
    expect(computed()).toBe(2);
  });
});
