import { UnrecoverableError, Worker, type ConnectionOptions, type Processor, type Queue } from 'bullmq';
import { RECONCILE_QUEUE, reconcileJobId, type ReconcileJobData } from '../queue/job-ids.js';
import { StoreInputError, type Store } from '../store/index.js';
import type { PlatformClients } from './refresh.js';
import type { RunProgress } from '../store/reconcile-runs.js';
import { executeRun, platformsInPlay } from './execute-run.js';
import type { ReconcileAdapter } from '../match/types.js';

/**
 * Runs as jobs: `POST /v1/reconcile` records the run and queues it; a worker in any bridge process runs
 * it. The job lives in Redis beside the sync queues (same hash-tagged prefix), so a run started just
 * before the API restarts is picked up when a worker comes back, and a worker killed half way has its
 * run taken over by the stalled-job check; `executeRun` starts a run over cleanly when run again.
 */

/** Queues a started run (see `startRun`); queuing it again while it waits or runs adds nothing. */
export async function enqueueRun(
  queue: Queue<ReconcileJobData>,
  runId: string,
  options: { refresh?: boolean } = {},
): Promise<string> {
  const jobId = reconcileJobId(runId);
  await queue.add('reconcile', { runId, ...(options.refresh ? { refresh: true } : {}) }, { jobId });
  return jobId;
}

/** What the reconcile worker runs against. */
export interface ReconcileWorkerOptions {
  /** A BullMQ-ready connection (`maxRetriesPerRequest: null`); the worker duplicates it for blocking reads. */
  connection: ConnectionOptions;
  /** The BullMQ prefix, the same hash tag as the sync queues. */
  prefix: string;
  store: Store;
  /** Every adapter: who is authoritative for what, who accepts writes. */
  adapters: readonly (ReconcileAdapter & { capabilities: { read?: boolean } })[];
  /**
   * The connected clients: the platforms stones are expected on, and what runs queued with `refresh`
   * read. Without them every readable adapter is expected and refreshing runs compare the mirrors.
   */
  clients?: PlatformClients;
  /** Runs at once in this process. Default 1: a run already pages through Redis as fast as it can. */
  concurrency?: number;
  /** How long a worker's claim on a run lasts without renewal. Default 30 s. */
  lockDuration?: number;
  stalledInterval?: number;
}

/**
 * The worker that runs queued reconciliation runs. Start it wherever the sync workers run (the API's
 * embedded workers, `tracebridge worker`) and close it with them.
 */
export function createReconcileWorker(
  options: ReconcileWorkerOptions,
): Worker<ReconcileJobData, RunProgress> {
  return new Worker<ReconcileJobData, RunProgress>(RECONCILE_QUEUE, reconcileProcessor(options), {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 1,
    lockDuration: options.lockDuration ?? 30_000,
    ...(options.stalledInterval === undefined ? {} : { stalledInterval: options.stalledInterval }),
    maxStalledCount: 3,
  });
}

/** The processor behind {@link createReconcileWorker}, for a caller that builds its own worker. */
export function reconcileProcessor(
  options: Pick<ReconcileWorkerOptions, 'store' | 'adapters' | 'clients'>,
): Processor<ReconcileJobData, RunProgress> {
  return async (job) => {
    const { runId, refresh } = job.data;
    try {
      return await executeRun(options.store, runId, {
        adapters: options.adapters,
        platforms: platformsInPlay(options.adapters, options.clients),
        ...(refresh && options.clients ? { refresh: options.clients } : {}),
        onProgress: (progress) => {
          // Progress on the job is for the queue dashboard; the run's own hash is what clients read.
          job.updateProgress({ ...progress }).catch(() => undefined);
        },
      });
    } catch (error) {
      // A run that was never started (or has expired) will not appear by retrying.
      if (error instanceof StoreInputError && error.field === 'run id')
        throw new UnrecoverableError(error.message);
      throw error;
    }
  };
}
