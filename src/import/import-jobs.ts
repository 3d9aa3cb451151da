import { Worker, type ConnectionOptions, type Queue } from 'bullmq';
import { IMPORT_QUEUE, importJobId, type ImportJobData } from '../queue/job-ids.js';
import type { IngestContext } from '../sync/register.js';
import type { ImportState } from '../store/index.js';
import { executeImport } from './run.js';

/**
 * Imports run as jobs beside the sync queues: `POST /v1/imports` spools the file and queues its import; a
 * worker in any bridge process runs it. A worker killed half way has its job taken over by BullMQ's
 * stalled-job check, and the import reads on from its last committed batch.
 */

/** Queues an uploaded import; queuing it again while it waits or runs adds nothing. */
export async function enqueueImport(queue: Queue<ImportJobData>, importId: string): Promise<string> {
  const jobId = importJobId(importId);
  await queue.add('import', { importId }, { jobId });
  return jobId;
}

/** What the import worker runs against. */
export interface ImportWorkerOptions {
  /** A BullMQ-ready connection (`maxRetriesPerRequest: null`). */
  connection: ConnectionOptions;
  /** The BullMQ prefix, the same hash tag as the sync queues. */
  prefix: string;
  /** The store, the sync queues and the adapters: the same ingest path as `POST /v1/diamonds`. */
  ingest: IngestContext;
  /** Imports at once in this process. Default 1: one import already keeps Redis busy. */
  concurrency?: number;
  lockDuration?: number;
  stalledInterval?: number;
  /** Rows per batch. Default 200. */
  batchSize?: number;
}

/** The worker that runs queued imports; start it with the sync workers and close it with them. */
export function createImportWorker(options: ImportWorkerOptions): Worker<ImportJobData, ImportState> {
  const worker = new Worker<ImportJobData, ImportState>(
    IMPORT_QUEUE,
    async (job) =>
      executeImport(options.ingest, job.data.importId, {
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
        onProgress: ({ offset, bytes }) => {
          // Progress on the job is for the queue dashboard; the import's own hash is what clients read.
          job.updateProgress(bytes === 0 ? 100 : Math.floor((offset / bytes) * 100)).catch(() => undefined);
        },
      }),
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 1,
      lockDuration: options.lockDuration ?? 30_000,
      ...(options.stalledInterval === undefined ? {} : { stalledInterval: options.stalledInterval }),
      maxStalledCount: 5,
    },
  );
  // An import whose every attempt failed says so to whoever polls it, instead of running for ever.
  worker.on('failed', (job, error) => {
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    options.ingest.store.imports
      .finish(job.data.importId, 'failed', { error: `the import stopped: ${error.message}` })
      .catch(() => undefined);
  });
  return worker;
}
