import type { DiamondRecord } from '../types/diamond.js';

/** Every platform identifier the canonical record knows for a stone (`identifiers.*`), in one fixed order. */
export const identifierNames = [
  'tracrId',
  'giaReportNumber',
  'inscription',
  'roughControlNumber',
  'producerRef',
  'kpCertificate',
] as const satisfies readonly (keyof NonNullable<DiamondRecord['identifiers']>)[];

/** One of {@link identifierNames}. */
export type IdentifierName = (typeof identifierNames)[number];
