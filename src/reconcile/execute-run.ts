/**
 * Executing a reconciliation run, a page of stones at a time: each page is checked (run-page.ts) and its
 * findings appended to the run in Redis (store/reconcile-runs.ts), so memory stays bounded however many
 * stones there are. `executeRun` takes everything it needs as arguments, so a queue worker can run it, and
 * starting it again after a crash clears the partial output first.
 */
import { authorityFromAdapters } from '../match/authority.js';
import type { ReconcileAdapter, Tolerances } from '../match/types.js';
import { StoreInputError, type Store } from '../store/index.js';
import {
  beginAttempt,
  finishRun,
  runIdPages,
  runStart,
  startRun,
  writePage,
  type RunProgress,
} from '../store/reconcile-runs.js';
import { refreshMirrors, type PlatformClients } from './refresh.js';
import { evaluatePage } from './run-page.js';

/** Options for {@link executeRun}. */
export interface ExecuteRunOptions {
  /** The adapters in play: who is authoritative for what, and which platforms each stone should be on. */
  adapters: readonly ReconcileAdapter[];
  /**
   * The platforms each stone is expected on (a stone missing from one is unmatched). Default every
   * adapter's; see {@link platformsInPlay} for the readable, connected ones.
   */
  platforms?: readonly string[];
  /** Stones per page. Default 200. */
  pageSize?: number;
  tolerances?: Partial<Tolerances>;
  /** Called after every page, for a progress bar. */
  onProgress?: (progress: RunProgress) => void;
  /**
   * Read these platforms again for each page's stones before comparing, instead of trusting the mirrors
   * the sync workers and feed pulls keep. Costs a read per stone and platform: meant for small runs.
   */
  refresh?: PlatformClients;
}

/**
 * Runs a started run to the end and answers its final progress. Starting it again (a retried job, a
 * second worker) clears the partial output and starts over; the earlier execution, if still alive, finds
 * itself superseded at its next page and stops without writing. Marks the run failed and rethrows on error.
 */
export async function executeRun(
  store: Store,
  runId: string,
  options: ExecuteRunOptions,
): Promise<RunProgress> {
  const { scope, actor } = await runStart(store, runId);
  const pageSize = options.pageSize ?? 200;
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new StoreInputError('pageSize', pageSize, 'a positive integer');
  const platforms = [...new Set(options.platforms ?? options.adapters.map((adapter) => adapter.name))];
  const { attempt, total } = await beginAttempt(store, runId, scope, platforms);

  const context = {
    authorityOf: authorityFromAdapters(options.adapters),
    platforms,
    tolerances: options.tolerances ?? {},
  };
  const progress: RunProgress = { done: 0, total };
  // Platforms seen in findings (`bridge` for lineage findings), for the report's columns.
  const seen = new Set(platforms);
  try {
    for await (const ids of runIdPages(store, runId, scope, pageSize)) {
      if (options.refresh) {
        await refreshMirrors(store, ids, options.refresh, {
          actor: actor ?? 'reconcile',
          tolerances: context.tolerances,
        });
      }
      const page = await evaluatePage(store, ids, context);
      for (const mismatch of page.mismatches)
        for (const platform of Object.keys(mismatch.values)) seen.add(platform);
      const done = progress.done + ids.length;
      const next = { done, total: Math.max(progress.total, done) };
      if (!(await writePage(store, runId, attempt, next, page))) return progress;
      Object.assign(progress, next);
      options.onProgress?.({ ...progress });
    }
    await finishRun(store, runId, attempt, {
      status: 'done',
      total: progress.total,
      platforms: JSON.stringify([...seen]),
    });
    return progress;
  } catch (error) {
    // Marking the run failed is best effort: the error that stopped it is the one to report.
    await finishRun(store, runId, attempt, { status: 'failed', error: (error as Error).message }).catch(
      () => false,
    );
    throw error;
  }
}

/**
 * The platforms a stone can be expected on: adapters that read, and, when `clients` are given, that this
 * process has a client for. An adapter that only translates (EPCIS export) never holds a stone.
 */
export function platformsInPlay(
  adapters: Iterable<{ name: string; capabilities: { read?: boolean } }>,
  clients?: { has(name: string): boolean },
): string[] {
  return [...adapters]
    .filter((adapter) => adapter.capabilities.read !== false && (clients?.has(adapter.name) ?? true))
    .map((adapter) => adapter.name);
}

/** Starts and executes a run over every stored stone; what a benchmark times. */
export async function reconcileAll(
  store: Store,
  adapters: readonly ReconcileAdapter[],
  options: Omit<ExecuteRunOptions, 'adapters'> & { actor?: string } = {},
): Promise<{ runId: string; progress: RunProgress }> {
  const runId = await startRun(store, { all: true }, { actor: options.actor ?? 'reconcile' });
  return { runId, progress: await executeRun(store, runId, { ...options, adapters }) };
}
