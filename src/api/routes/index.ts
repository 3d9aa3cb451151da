import { listAdapters } from './adapters.js';
import { getDiamond, registerDiamond } from './diamonds.js';
import { getDiamondEpcis, getDiamondEpcisLoss } from './epcis.js';
import { getImport, getImportRefusedCsv, getImportRefusedNdjson, startImport } from './imports.js';
import { getSyncJob, listSyncJobs, retrySyncJob, retrySyncJobs } from './jobs.js';
import { lookupStone } from './lookup.js';
import { confirmMatch, listMatches, rejectMatch } from './matches.js';
import { listParcel } from './parcels.js';
import { docsRoute, healthz, metricsRoute, openapiRoute, readyz } from './ops.js';
import { applyReconcile, getReconcile, startReconcile } from './reconcile.js';
import { rejectedChanges, retryRejectedChanges } from './rejected.js';
import { listSyncStones, syncSummary } from './sync.js';
import type { RouteDefinition } from './types.js';
import { receiveWebhook } from './webhooks.js';

/** Every route of the HTTP API, in the order the OpenAPI document lists them. */
export const apiRoutes: readonly RouteDefinition[] = [
  registerDiamond,
  getDiamond,
  getDiamondEpcis,
  getDiamondEpcisLoss,
  lookupStone,
  listParcel,
  listSyncJobs,
  getSyncJob,
  retrySyncJob,
  retrySyncJobs,
  rejectedChanges,
  retryRejectedChanges,
  syncSummary,
  listSyncStones,
  startImport,
  getImport,
  getImportRefusedCsv,
  getImportRefusedNdjson,
  startReconcile,
  getReconcile,
  applyReconcile,
  listMatches,
  confirmMatch,
  rejectMatch,
  listAdapters,
  receiveWebhook,
  healthz,
  readyz,
  metricsRoute,
  openapiRoute,
  docsRoute,
];
