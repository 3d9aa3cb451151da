import type { DiamondRecord } from '../types/diamond.js';

/** Every platform identifier the canonical record knows for a stone (`identifiers.*`), in one fixed order. */
export const identifierNames = [
  'tracrId',
  'giaReportNumber',
  'inscription',
  'roughControlNumber',
  'producerRef',
  'kpCertificate',
  'boxId',
] as const satisfies readonly (keyof NonNullable<DiamondRecord['identifiers']>)[];

/** One of {@link identifierNames}. */
export type IdentifierName = (typeof identifierNames)[number];

/**
 * Identifiers a parcel of stones shares: a Kimberley Process certificate covers a whole shipment, a box the
 * stones sorted into it. They find every stone of the parcel and never make two stones one; the others name
 * one stone each.
 */
export const groupIdentifierNames = ['kpCertificate', 'boxId'] as const satisfies readonly IdentifierName[];

/** Whether `name` is shared by a parcel of stones (see {@link groupIdentifierNames}). */
export function isGroupIdentifier(name: string): boolean {
  return (groupIdentifierNames as readonly string[]).includes(name);
}

/**
 * Identifiers an organisation gives its own stones: unique within that organisation only, so two producers
 * may each have a stone "R-1". The store indexes them by the stone's `owner.org`.
 */
export const orgScopedIdentifierNames = [
  'roughControlNumber',
  'producerRef',
] as const satisfies readonly IdentifierName[];

/** Whether `name` is unique only within an organisation (see {@link orgScopedIdentifierNames}). */
export function isOrgScopedIdentifier(name: string): boolean {
  return (orgScopedIdentifierNames as readonly string[]).includes(name);
}
