/**
 * The GIA adapter: GIA's Report Results API (GraphQL, read-only, quota-metered) for grading reports, and
 * the Mine-to-Market intake for the rough data producers declare. GIA is the authority for grading.
 */
import { defineAdapter } from '../define.js';
import { connectGia, type GiaConnectOptions } from './client.js';
import type { GiaRecord } from './native.js';
import { intakeFromCanonical } from './intake.js';
import { fromCanonical, readNatives, toCanonical } from './transform.js';

export {
  createMemoryReportCache,
  type CachedReport,
  type MemoryReportCache,
  type ReportCache,
} from './cache.js';
export { connectGia, type GiaConnectOptions } from './client.js';
export { giaQueryDocument } from './graphql.js';
export type { GiaRecord, GradingReport, IntakeRecord } from './native.js';
export type { GiaResponseBody, GiaResponseErrorEntry } from './response.js';
export {
  describesReport,
  fromCanonical,
  GiaResponseError,
  intakeFromCanonical,
  intakeToCanonical,
  reportFromCanonical,
  readGiaResponse,
  readNatives,
  reportToCanonical,
  toCanonical,
  unwrapGiaResponse,
} from './transform.js';

/** The GIA adapter definition. */
export const giaAdapter = defineAdapter<GiaRecord, GiaConnectOptions>({
  name: 'gia',
  description:
    'GIA-style grading registry: grading reports over the Report Results GraphQL API, rough stones through the Mine-to-Market intake',
  capabilities: {
    read: true,
    write: true,
    changeFeed: true,
    batchWriteSize: 1,
    finality: 'immediate',
    writes: ['origin', 'rough', 'identifiers'],
  },
  authoritative: ['grading'],
  toCanonical,
  readNatives,
  fromCanonical,
  // The bridge writes only what a producer may: the rough data GIA's Mine-to-Market intake takes.
  writeShape: intakeFromCanonical,
  connect: connectGia,
});

export default giaAdapter;
