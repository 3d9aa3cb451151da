/**
 * The outbox sweeper: enqueues the sync jobs of every stone saved with an intent that is older than a grace
 * period (its own enqueue should long have cleared it, so it crashed or failed in between), then clears
 * the intent; and finishes the identifier releases a save recorded and a crash left undone (the repair
 * sweep of store/identifier-index.ts). One process sweeps at a time, under a lease; job IDs are deterministic, so a job the normal
 * path did add in the end is found, not added twice.
 */
import type { Job } from 'bullmq';
import type { AnyAdapter } from '../adapters/registry.js';
import type { Store, SyncIntent, RedisClient } from '../store/index.js';
import { syncJobId, type SyncJobData, type SyncJobResult } from '../queue/job-ids.js';
import { tryLease } from '../queue/lock.js';
import { enqueueSync, type BridgeQueues, type SyncRequest } from '../queue/queues.js';
import { chooseTargets } from './targets.js';

/** What a sweep works with. */
export interface SweepContext {
  store: Store;
  queues: BridgeQueues;
  adapters: ReadonlyMap<string, AnyAdapter>;
  /** A connection for the lease (a BullMQ-ready one will do). */
  redis: RedisClient;
  /** The bridge's key prefix, e.g. `{tracebridge}`. */
  prefix: string;
}

/** How a sweep runs. */
export interface SweepOptions {
  /** Only intents at least this old (ms) are owed: younger ones are their own enqueue's to clear. */
  graceMs: number;
  /** How long the sweep's lease lasts without renewal (it is renewed while the sweep runs). */
  leaseMs: number;
  /** Who sweeps, for the lease. */
  holder?: string;
  /** Intents handled per round trip. Default 500. */
  pageSize?: number;
}

/** What one sweep did, or `skipped` when another process was sweeping. */
export interface SweepResult {
  skipped: boolean;
  /** Intents handled (enqueued or found with their jobs) and cleared. */
  cleared: number;
  /** Jobs added or brought back to run. */
  enqueued: number;
  /** Stones whose index releases a crash had left owed, now finished. */
  released: number;
}

/** Sweeps the outbox once. */
export async function sweepOutbox(context: SweepContext, options: SweepOptions): Promise<SweepResult> {
  const lease = await tryLease(
    context.redis,
    `${context.prefix}:lease:outbox-sweep`,
    options.holder ?? 'sweeper',
    options.leaseMs,
    { renew: true },
  );
  if (!lease) return { skipped: true, cleared: 0, enqueued: 0, released: 0 };
  const result: SweepResult = { skipped: false, cleared: 0, enqueued: 0, released: 0 };
  try {
    const before = Date.now() - options.graceMs;
    const count = options.pageSize ?? 500;
    while (lease.held()) {
      const intents = await context.store.outbox.pending({ before, count });
      if (intents.length === 0) break;
      const { enqueued, done } = await enqueueOwed(context, intents);
      result.enqueued += enqueued;
      const cleared = await context.store.outbox.clear(done);
      result.cleared += cleared;
      // A page that cleared nothing holds only intents replaced meanwhile by newer saves (theirs to
      // clear) or owed to platforms this process has no queue for: the next sweep tries again.
      if (cleared === 0) break;
    }
    // Index releases a crash left owed are finished by the same sweep.
    while (lease.held()) {
      const finished = await context.store.diamonds.finishReleases({ before, count });
      result.released += finished;
      if (finished < count) break;
    }
    return result;
  } finally {
    await lease.release();
  }
}

/** Enqueues what `intents` are owed; answers the intents whose jobs now all exist. */
async function enqueueOwed(
  context: SweepContext,
  intents: readonly SyncIntent[],
): Promise<{ enqueued: number; done: SyncIntent[] }> {
  const stored = await context.store.diamonds.getMany(intents.map((intent) => intent.diamondId));
  const requests: { request: SyncRequest; since: number }[] = [];
  const done: SyncIntent[] = [];
  intents.forEach((intent, i) => {
    const stone = stored[i];
    if (!stone || intent.hash === '') {
      done.push(intent);
      return;
    }
    // The stone as stored now: a later save without an intent still has its content synced.
    const { targets } = chooseTargets(stone.record, context.adapters.values(), intent.except);
    // A process without a platform's queue leaves the intent to one that has it.
    if (targets.some((target) => !context.queues.platforms.includes(target))) return;
    done.push(intent);
    for (const target of targets) {
      requests.push({
        request: { target, diamondId: intent.diamondId, hash: stone.hash, changed: true },
        since: intent.since,
      });
    }
  });
  const owed = await Promise.all(
    requests.map(async ({ request, since }) => {
      const queue = context.queues.sync(request.target, request.diamondId);
      const job = await queue.getJob(syncJobId(request.target, request.diamondId, request.hash));
      return ranSince(job, since) ? [] : [request];
    }),
  );
  const toEnqueue = owed.flat();
  if (toEnqueue.length > 0) await enqueueSync(context.queues, toEnqueue);
  return { enqueued: toEnqueue.length, done };
}

/**
 * True when the job will sync the stone as it stands since the intent: it is yet to run, or its last
 * attempt started after the intent was recorded. A job that finished before (the stone held this content
 * once already, A -> B -> A) is run again, as a changed save's enqueue would.
 */
function ranSince(job: Job<SyncJobData, SyncJobResult> | undefined, since: number): boolean {
  if (!job) return false;
  if (job.finishedOn === undefined) return true;
  return job.processedOn !== undefined && job.processedOn > since;
}

/** Options of {@link startOutboxSweeper}. */
export interface OutboxSweeperOptions extends SweepOptions {
  /** How often to sweep, in milliseconds. */
  intervalMs: number;
  /** Where a failed sweep is told; the next one tries again. */
  onError: (error: Error, where: string) => void;
}

/** A running sweeper. */
export interface OutboxSweeper {
  stop(): Promise<void>;
}

/** Sweeps the outbox every `intervalMs`, one sweep at a time. */
export function startOutboxSweeper(context: SweepContext, options: OutboxSweeperOptions): OutboxSweeper {
  let round: Promise<void> | undefined;
  const timer = setInterval(() => {
    round ??= sweepOutbox(context, options)
      .then(
        () => undefined,
        (error: unknown) =>
          options.onError(error instanceof Error ? error : new Error(String(error)), 'outbox'),
      )
      .finally(() => (round = undefined));
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await round;
    },
  };
}
