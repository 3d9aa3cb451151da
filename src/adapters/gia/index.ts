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
  // Each read from TRACEBRIDGE_GIA_<OPTION>; the older GIA_* names still work.
  options: {
    type: 'object',
    properties: {
      url: {
        type: 'string',
        pattern: '^https?://',
        default: 'http://127.0.0.1:4102/graphql',
        aliases: ['GIA_URL'],
        description: "The plan's GraphQL endpoint URL; the intake is found beside it",
      },
      apiKey: {
        type: 'string',
        default: 'gia-sandbox-key',
        aliases: ['GIA_API_KEY', 'GIA_SIM_KEY'],
        description: "The plan's API key, sent bare in Authorization as GIA requires",
      },
      intakeUrl: {
        type: 'string',
        pattern: '^https?://',
        description: "The Mine-to-Market intake's base URL; default the endpoint's origin + /m2m/v1",
      },
      changesPageSize: {
        type: 'integer',
        minimum: 1,
        default: 50,
        description: 'Reports per change-feed page',
      },
      clockSkewMs: {
        type: 'integer',
        minimum: 0,
        default: 5 * 60_000,
        description:
          "How far this machine's clock may run ahead of GIA's, in milliseconds: a cached report is re-checked for changes made this long before it was fetched, which spares quota",
      },
    },
  },
  connect: connectGia,
});

export default giaAdapter;
