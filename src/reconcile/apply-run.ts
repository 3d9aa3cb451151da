import { enqueueSync, type BridgeQueues, type EnqueuedJob } from '../queue/queues.js';
import type { Store } from '../store/index.js';
import { applyCorrections, type ApplyResult } from './apply.js';
import type { ReconcileAdapter } from '../match/types.js';

/**
 * Applying a run's corrections for a person (the API's apply action, `tracebridge reconcile --apply`):
 * the bridge record takes the authoritative value, and the corrected stone is queued to the platforms that
 * accept writes for the field, through the sync engine, with job IDs from the content hash, so applying
 * twice queues nothing new.
 */

/** Which of a run's corrections to apply; every one when both are absent. */
export interface ApplySelection {
  /** Only mismatches of these canonical fields (`polished.color`). */
  fields?: readonly string[];
  /** Only mismatches of these stones. */
  ids?: readonly string[];
}

/** What applying a run did: the corrections, the mismatches left alone, and the sync jobs queued. */
export interface RunApplyResult extends ApplyResult {
  jobs: EnqueuedJob[];
}

/** Applies the corrections of stored run `runId` (optionally a selection of them) as `actor`. */
export async function applyRunCorrections(
  context: { store: Store; queues: BridgeQueues; adapters: readonly ReconcileAdapter[] },
  runId: string,
  { actor, fields, ids }: ApplySelection & { actor: string },
): Promise<RunApplyResult> {
  const { store, queues } = context;
  const jobs: EnqueuedJob[] = [];
  const fieldSet = fields ? new Set(fields) : null;
  const idSet = ids ? new Set(ids) : null;
  const result = await applyCorrections(
    store,
    { runId },
    {
      actor,
      // Only platforms with a sync queue here can be written to; a correction is still made on the bridge.
      adapters: context.adapters.filter((adapter) => queues.platforms.includes(adapter.name)),
      filter: (mismatch) =>
        (fieldSet === null || fieldSet.has(mismatch.field)) &&
        (idSet === null || idSet.has(mismatch.diamondId)),
      enqueue: async (diamondId, { pushTo, hash }) => {
        jobs.push(
          ...(await enqueueSync(
            queues,
            pushTo.map((target) => ({ target, diamondId, hash, changed: true })),
          )),
        );
      },
    },
  );
  return { ...result, jobs };
}
