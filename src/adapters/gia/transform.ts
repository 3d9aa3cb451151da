/**
 * GIA records to and from the canonical record. Pure: no I/O.
 *
 * The GIA platform holds two kinds of record, so the native type is a union and the direction is chosen
 * by what the record is. Reading: a grading report (bare, or inside a whole GraphQL response body) becomes
 * a polished stone, a Mine-to-Market intake record a rough one. Writing back: a polished stone with a GIA
 * report number becomes the grading report it describes (so a report survives native -> canonical ->
 * native, and `tracebridge map --to gia` prints a report); anything else becomes the intake record, the
 * only thing the bridge writes to GIA. The client's `put` always writes the intake part, whatever the kind.
 */
import type { Translation } from '../../mapping/loss.js';
import type { DiamondRecord } from '../../types/diamond.js';
import { intakeFromCanonical, intakeToCanonical } from './intake.js';
import { isIntakeRecord, type GiaRecord } from './native.js';
import { reportFromCanonical } from './report-out.js';
import { reportToCanonical } from './report-in.js';
import { readGiaResponse, unwrapGiaResponse, type GiaResponseBody } from './response.js';

export { intakeFromCanonical, intakeToCanonical } from './intake.js';
export { reportFromCanonical } from './report-out.js';
export { reportToCanonical } from './report-in.js';
export { GiaResponseError, readGiaResponse, unwrapGiaResponse } from './response.js';

/** A grading report, intake record or GraphQL response body to the canonical record, with its loss report. */
export function toCanonical(input: GiaRecord | GiaResponseBody): Translation<DiamondRecord> {
  return recordToCanonical(unwrapGiaResponse(input));
}

/**
 * What a person hands `map --from gia`, as the records it holds: a bare record, or a response body with one
 * lookup or several (aliased reports). GIA's own refusals throw GiaResponseError with GIA's words.
 */
export function readNatives(input: unknown): GiaRecord[] {
  return readGiaResponse(input);
}

function recordToCanonical(record: GiaRecord): Translation<DiamondRecord> {
  return isIntakeRecord(record) ? intakeToCanonical(record) : reportToCanonical(record);
}

/** The canonical record to a grading report (a polished stone with a GIA report number) or an intake record. */
export function fromCanonical(record: DiamondRecord): Translation<GiaRecord> {
  return describesReport(record) ? reportFromCanonical(record) : intakeFromCanonical(record);
}

/** Whether the record is a polished stone graded by GIA, which GIA holds as a grading report. */
export function describesReport(record: DiamondRecord): boolean {
  const gradedByGia = record.grading
    ? record.grading.lab === 'GIA'
    : record.identifiers?.giaReportNumber !== undefined;
  return record.kind === 'polished' && gradedByGia;
}
