import { parseJson } from '../store/audit.js';
import { newDiamondId, StoreInputError, type Store } from '../store/index.js';
import { assertDiamondId, assertSafeText } from '../store/keys.js';
import { authorityFromAdapters } from './authority.js';
import { refreshMirrors, type PlatformClients } from './refresh.js';
import { evaluatePage, finishRun, writePage } from './run-page.js';
import {
  severities,
  type Mismatch,
  type ReconcileAdapter,
  type Severity,
  type Tolerances,
  type Unmatched,
} from './types.js';

/**
 * Reconciliation runs. `startRun` records what to check and answers at once; `executeRun` does the work,
 * a page of stones at a time, appending findings to Redis lists and progress to the run's hash, so memory
 * stays bounded however many stones there are. `executeRun` takes everything it needs as arguments, so a
 * queue worker can run it, and starting it again after a crash clears the partial output first.
 */

/** A run's state. */
export type RunStatus = 'running' | 'done' | 'failed';

/** How far a run has got, in stones. */
export interface RunProgress {
  done: number;
  total: number;
}

/** What to check: named stones, or every stored stone. */
export type RunScope = { ids: readonly string[]; all?: false } | { all: true; ids?: undefined };

/** Counts of what a run found so far. */
export interface RunCounts {
  mismatches: number;
  unmatched: number;
  bySeverity: Record<Severity, number>;
}

/** A run and a page of its findings: DESIGN's report shape, plus when, who and counts. */
export interface RunReport {
  runId: string;
  status: RunStatus;
  progress: RunProgress;
  mismatches: Mismatch[];
  unmatched: Unmatched[];
  counts: RunCounts;
  /** The platforms the run compared (column order for tabular reports). */
  platforms: string[];
  actor: string;
  startedAt: string;
  finishedAt?: string;
  error?: string;
}

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

/** The most stones a run over named stones may list; larger sets run over all stones. */
export const maxRunIds = 100_000;

/** Records a run and answers its ID; run it with {@link executeRun}. */
export async function startRun(store: Store, scope: RunScope, { actor }: { actor: string }): Promise<string> {
  // Scopes arrive from request bodies: check the shape, not only the type.
  const valid =
    scope !== null && typeof scope === 'object' && (scope.all === true || Array.isArray(scope.ids));
  if (!valid) throw new StoreInputError('reconcile scope', scope, '{ids: [...]} or {all: true}');
  const ids: readonly string[] | null = scope.all === true ? null : scope.ids;
  if (ids && (ids.length === 0 || ids.length > maxRunIds)) {
    throw new StoreInputError('reconcile ids', `${ids.length} ids`, `1 to ${maxRunIds} bridge IDs`);
  }
  ids?.forEach((id) => assertDiamondId(id));
  const runId = `rc_${newDiamondId().slice(3)}`;
  const { redis, keys } = store;
  const now = new Date();
  const multi = redis.multi();
  multi.hset(keys.reconcileRun(runId), {
    status: 'running',
    scope: ids ? 'ids' : 'all',
    actor: assertSafeText(actor, 'actor'),
    startedAt: now.toISOString(),
    done: 0,
    total: ids ? ids.length : await store.diamonds.count(),
    attempt: 0,
    platforms: '[]',
  });
  for (let i = 0; ids && i < ids.length; i += 1000)
    multi.rpush(keys.reconcileRunIds(runId), ...ids.slice(i, i + 1000));
  multi.zadd(keys.reconcileRuns, now.getTime(), runId);
  await multi.exec();
  return runId;
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
  const { redis, keys } = store;
  const runKey = keys.reconcileRun(runId);
  const [scope, actor] = await redis.hmget(runKey, 'scope', 'actor');
  if (scope === null || scope === undefined)
    throw new StoreInputError('run id', runId, 'a started reconciliation run');
  const pageSize = options.pageSize ?? 200;
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new StoreInputError('pageSize', pageSize, 'a positive integer');
  const platforms = [...new Set(options.platforms ?? options.adapters.map((adapter) => adapter.name))];
  const total =
    scope === 'ids' ? await redis.llen(keys.reconcileRunIds(runId)) : await store.diamonds.count();
  const attempt = await redis.hincrby(runKey, 'attempt', 1);
  const reset = redis.multi().del(keys.reconcileMismatches(runId), keys.reconcileUnmatched(runId));
  reset.hdel(runKey, 'finishedAt', 'error', ...countFields);
  await reset
    .hset(runKey, { status: 'running', done: 0, total, platforms: JSON.stringify(platforms) })
    .exec();

  const context = {
    authorityOf: authorityFromAdapters(options.adapters),
    platforms,
    tolerances: options.tolerances ?? {},
  };
  const progress: RunProgress = { done: 0, total };
  // Platforms seen in findings (`bridge` for lineage findings), for the report's columns.
  const seen = new Set(platforms);
  try {
    for await (const ids of idPages(store, runId, scope, pageSize)) {
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

/** A run with a page of its mismatches and unmatched stones (default the first 1000 of each, at most 10000). */
export async function getRun(
  store: Store,
  runId: string,
  { offset = 0, limit = 1000 }: { offset?: number; limit?: number } = {},
): Promise<RunReport | null> {
  if (!Number.isInteger(offset) || offset < 0)
    throw new StoreInputError('offset', offset, 'an integer, 0 or more');
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    throw new StoreInputError('limit', limit, 'an integer from 1 to 10000');
  const { redis, keys } = store;
  const [fields, mismatches, unmatched] = await Promise.all([
    redis.hgetall(keys.reconcileRun(runId)),
    redis.lrange(keys.reconcileMismatches(runId), offset, offset + limit - 1),
    redis.lrange(keys.reconcileUnmatched(runId), offset, offset + limit - 1),
  ]);
  const report = runHeader(runId, fields);
  if (report === null) return null;
  report.mismatches = mismatches.map((json) => parseJson(keys.reconcileMismatches(runId), json) as Mismatch);
  report.unmatched = unmatched.map((json) => parseJson(keys.reconcileUnmatched(runId), json) as Unmatched);
  return report;
}

/** Every mismatch of a run in the order found, read a page at a time. */
export function runMismatches(store: Store, runId: string, pageSize = 1000): AsyncGenerator<Mismatch> {
  return readList<Mismatch>(store, store.keys.reconcileMismatches(runId), pageSize);
}

/** Every unmatched entry of a run, read a page at a time. */
export function runUnmatched(store: Store, runId: string, pageSize = 1000): AsyncGenerator<Unmatched> {
  return readList<Unmatched>(store, store.keys.reconcileUnmatched(runId), pageSize);
}

const countFields = ['count:mismatches', 'count:unmatched', ...severities.map((s) => `count:${s}`)];

/** The run's hash read into a report with no findings, or null for an unknown run. */
export function runHeader(runId: string, fields: Record<string, string>): RunReport | null {
  if (fields.status === undefined) return null;
  const count = (name: string): number => Number(fields[`count:${name}`] ?? 0);
  const report: RunReport = {
    runId,
    status: fields.status as RunStatus,
    progress: { done: Number(fields.done ?? 0), total: Number(fields.total ?? 0) },
    mismatches: [],
    unmatched: [],
    counts: {
      mismatches: count('mismatches'),
      unmatched: count('unmatched'),
      bySeverity: { critical: count('critical'), major: count('major'), minor: count('minor') },
    },
    platforms: JSON.parse(fields.platforms ?? '[]') as string[],
    actor: fields.actor ?? '',
    startedAt: fields.startedAt ?? '',
  };
  if (fields.finishedAt !== undefined) report.finishedAt = fields.finishedAt;
  if (fields.error !== undefined) report.error = fields.error;
  return report;
}

async function* idPages(
  store: Store,
  runId: string,
  scope: string,
  pageSize: number,
): AsyncGenerator<string[]> {
  if (scope === 'ids') {
    const key = store.keys.reconcileRunIds(runId);
    for (let start = 0; ; start += pageSize) {
      const ids = await store.redis.lrange(key, start, start + pageSize - 1);
      if (ids.length > 0) yield ids;
      if (ids.length < pageSize) return;
    }
  }
  let cursor: string | null = null;
  do {
    const page = await store.diamonds.list({ cursor, count: pageSize });
    if (page.ids.length > 0) yield page.ids;
    cursor = page.cursor;
  } while (cursor !== null);
}

async function* readList<T>(store: Store, key: string, pageSize: number): AsyncGenerator<T> {
  for (let start = 0; ; start += pageSize) {
    const items = await store.redis.lrange(key, start, start + pageSize - 1);
    for (const json of items) yield parseJson(key, json) as T;
    if (items.length < pageSize) return;
  }
}
