import type { DiamondRecord } from '../types/diamond.js';

/**
 * The rough stones `tracebridge demo` registers as the producer `demo-mining`: real-looking parcels from
 * the mines the trade knows, each with the identifiers both platforms need (GIA's Mine-to-Market intake
 * keys on the rough control number; the ledger on the producer's reference).
 */
export const demoStones: readonly DiamondRecord[] = [
  rough('DM-RCN-2026-1001', 'DM-LOT-1001', 'BW-KP-2026-004711', { country: 'BW', mine: 'Jwaneng' }, 12.47),
  rough('DM-RCN-2026-1002', 'DM-LOT-1002', 'BW-KP-2026-004712', { country: 'BW', mine: 'Orapa' }, 8.305),
  rough('DM-RCN-2026-1003', 'DM-LOT-1003', 'CA-KP-2026-000318', { country: 'CA', mine: 'Diavik' }, 5.92),
  rough('DM-RCN-2026-1004', 'DM-LOT-1004', 'ZA-KP-2026-010204', { country: 'ZA', mine: 'Venetia' }, 3.118),
  rough('DM-RCN-2026-1005', 'DM-LOT-1005', 'NA-KP-2026-000077', { country: 'NA', mine: 'Namdeb' }, 1.764),
];

function rough(
  roughControlNumber: string,
  producerRef: string,
  kpCertificate: string,
  origin: { country: string; mine: string },
  caratWeight: number,
): DiamondRecord {
  return {
    schemaVersion: '1',
    kind: 'rough',
    owner: { org: 'demo-mining' },
    identifiers: { roughControlNumber, producerRef, kpCertificate },
    origin: { ...origin, producer: 'Demo Mining' },
    rough: { caratWeight },
  };
}
