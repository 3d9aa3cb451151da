import type { ReconcileAdapter } from '../../src/reconcile/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';

/** The GIA-style registry: authoritative for grading; its intake takes origin and rough data only. */
export const gia: ReconcileAdapter = {
  name: 'gia',
  authoritative: ['grading'],
  capabilities: { write: true, writes: ['origin', 'rough'] },
};

/** The Tracr-style ledger: authoritative for origin, rough and custody as the producer declared them. */
export const tracr: ReconcileAdapter = {
  name: 'tracr',
  authoritative: ['origin', 'rough', 'custody'],
  capabilities: { write: true, writes: ['identifiers', 'origin', 'rough', 'grading', 'custody'] },
};

/** Both platforms, in configuration order. */
export const adapters: readonly ReconcileAdapter[] = [tracr, gia];

/** A round brilliant as the ledger holds it: weight to the thousandth. */
export function ledgerView(overrides: Partial<DiamondRecord['polished']> = {}): DiamondRecord {
  return {
    schemaVersion: '1',
    kind: 'polished',
    owner: { org: 'demo-mining' },
    identifiers: { tracrId: 'TRC-8H3N1P', giaReportNumber: '2141438171' },
    origin: { country: 'BW', producer: 'Demo Mining Ltd', mine: 'Jwaneng' },
    polished: {
      shape: 'round',
      caratWeight: 1.768,
      color: { scale: 'DZ', grade: 'E' },
      clarity: 'VS2',
      cut: 'EX',
      measurements: { minDiameterMm: 6.45, maxDiameterMm: 6.48, depthMm: 3.98 },
      ...overrides,
    },
  };
}

/** The same stone as GIA's report prints it: "1.76 carat", measured by another lab. */
export function giaView(overrides: Partial<DiamondRecord['polished']> = {}): DiamondRecord {
  return {
    schemaVersion: '1',
    kind: 'polished',
    identifiers: { giaReportNumber: '2141438171', tracrId: 'TRC-8H3N1P', inscription: 'GIA 2141438171' },
    polished: {
      shape: 'round',
      caratWeight: 1.76,
      color: { scale: 'DZ', grade: 'E' },
      clarity: 'VS2',
      cut: 'EX',
      fluorescence: { intensity: 'NON' },
      measurements: { minDiameterMm: 6.47, maxDiameterMm: 6.49, depthMm: 3.99 },
      ...overrides,
    },
    grading: {
      lab: 'GIA',
      reportNumber: '2141438171',
      reportDate: '2019-09-01',
      reportType: 'Diamond Dossier',
    },
  };
}

/** One stone numbered `n`: the bridge's record and both platforms' views, every identifier unique to it. */
export function stone(n: number): {
  id: string;
  record: DiamondRecord;
  ledger: DiamondRecord;
  gia: DiamondRecord;
} {
  const id = `tb_stone_${String(n).padStart(6, '0')}`;
  const reportNumber = String(2141438171 + n);
  const ledgerIds = { tracrId: `TRC-${n}`, giaReportNumber: reportNumber };
  const giaIds = { ...ledgerIds, inscription: `GIA ${reportNumber}` };
  const grading = { ...(giaView().grading as NonNullable<DiamondRecord['grading']>), reportNumber };
  const ledger = { ...ledgerView(), identifiers: ledgerIds };
  return {
    id,
    record: { ...ledger, id, identifiers: giaIds, grading },
    ledger,
    gia: { ...giaView(), identifiers: giaIds, grading },
  };
}
