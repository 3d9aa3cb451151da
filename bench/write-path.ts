/**
 * What the sync write path spends in the adapters' write transforms (the ledger's `fromCanonical`, the GIA
 * intake's `writeShape`), in CPU per stone written, repeated and taken as the median of the repeats:
 * - now against before: the path as it runs now, one translation that the put, the source hash and the
 *   mirror's view share, against the transform run as often as the path ran it before (once for the put,
 *   once for the hash, once for the view);
 * - now against a bare translate: the same path against one call of the transform alone, which is the least
 *   a write can translate.
 * The hash and the view themselves cost the same either way and are left out, so the figures show the
 * translations alone. The stones are new rough and polished stones, each written to every adapter that
 * takes it.
 */
import { giaAdapter } from '../src/adapters/gia/index.js';
import type { AnyAdapter } from '../src/adapters/registry.js';
import { tracrAdapter } from '../src/adapters/tracr/index.js';
import { writtenForm, writtenFormIfAny } from '../src/sync/compare.js';
import type { DiamondRecord } from '../src/types/diamond.js';
import { repeatedFigure, type Benchmark, type Figure, type Sample } from './figure.js';
import { ownCpuSeconds } from './support.js';

const repeats = 5;
const stones = 5_000;
const adapters: readonly AnyAdapter[] = [tracrAdapter, giaAdapter];

function roughStone(i: number): DiamondRecord {
  const ref = `WP-${String(i).padStart(6, '0')}`;
  return {
    schemaVersion: '1',
    id: `tb_wp${String(i).padStart(10, '0')}`,
    kind: 'rough',
    owner: { org: 'demo-mining' },
    identifiers: { roughControlNumber: `RCN-${ref}`, producerRef: ref },
    origin: { country: 'BW', producer: 'Demo Mining', mine: 'Jwaneng' },
    rough: { caratWeight: Math.round((1 + i / 1000) * 1000) / 1000 },
  };
}

function polishedStone(i: number): DiamondRecord {
  return {
    schemaVersion: '1',
    id: `tb_wq${String(i).padStart(10, '0')}`,
    kind: 'polished',
    owner: { org: 'demo-mining' },
    identifiers: { producerRef: `WQ-${String(i).padStart(6, '0')}` },
    polished: {
      shape: 'round',
      caratWeight: 0.514,
      color: { scale: 'DZ', grade: 'E' },
      clarity: 'VS2',
      cut: 'EX',
      polish: 'EX',
      symmetry: 'VG',
      fluorescence: { intensity: 'NON' },
      measurements: { minDiameterMm: 6.45, maxDiameterMm: 6.48, depthMm: 3.98 },
    },
    lineage: { parentId: `tb_wp${String(i).padStart(10, '0')}` },
  };
}

/** One write: `adapter` and the record it is sent. */
type Write = readonly [AnyAdapter, DiamondRecord];

/** The translations of the write path now: one, which the put, the source hash and the view share. */
function translateNow([adapter, record]: Write): void {
  writtenFormIfAny(adapter, record);
}

/** The translations of the write path before: the put, the source hash and the view each made one. */
function translateBefore([adapter, record]: Write): void {
  for (let use = 0; use < 3; use++) writtenForm(adapter, record);
}

function bareTranslate([adapter, record]: Write): void {
  if (adapter.writeShape) adapter.writeShape(record);
  else adapter.fromCanonical(record);
}

/** CPU microseconds per write of `step` over every write. */
function cpuPerStone(writes: readonly Write[], step: (write: Write) => void): number {
  const started = ownCpuSeconds();
  for (const write of writes) step(write);
  return ((ownCpuSeconds() - started) * 1e6) / writes.length;
}

export const writePathBenchmark: Benchmark = {
  name: 'write-path',
  run(): Promise<Figure[]> {
    const records = Array.from({ length: stones }, (_, i) => [roughStone(i), polishedStone(i)]).flat();
    // Each stone to every adapter that takes it (the GIA intake takes rough stones only).
    const writes: Write[] = adapters.flatMap((adapter) =>
      records
        .filter((record) => writtenFormIfAny(adapter, record))
        .map((record) => [adapter, record] as const),
    );
    // Warm every path so none pays for compilation or JIT in the timed runs.
    for (const step of [translateNow, translateBefore, bareTranslate])
      cpuPerStone(writes.slice(0, 1000), step);
    const againstBefore: Sample[] = [];
    const againstBare: Sample[] = [];
    for (let round = 0; round < repeats; round++) {
      const now = cpuPerStone(writes, translateNow);
      againstBefore.push({ value: now, baseline: cpuPerStone(writes, translateBefore) });
      againstBare.push({ value: now, baseline: cpuPerStone(writes, bareTranslate) });
    }
    return Promise.resolve([
      repeatedFigure('write-path: CPU per stone, transform once vs as often as before', againstBefore, 'µs', {
        ratio: 0.6,
        better: 'lower',
      }),
      repeatedFigure('write-path: CPU per stone, the path now vs one bare translate', againstBare, 'µs', {
        ratio: 1.25,
        better: 'lower',
      }),
    ]);
  },
};
