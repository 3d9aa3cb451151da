import { createHash } from 'node:crypto';
import { parseJson } from './audit.js';
import { newDiamondId, StoreInputError, type Store } from './index.js';
import { assertDiamondId, assertSafeText } from './keys.js';
import { runScript, type StoreScript } from './scripts.js';
import { severities, type Mismatch, type Severity, type Unmatched } from '../match/types.js';

/**
 * Reconciliation runs in Redis. `startRun` records what to check and answers at once; an execution
 * (reconcile/execute-run.ts) takes an attempt, appends each page's findings to Redis lists and its progress
 * to the run's hash, and closes the run; `getRun` and the list readers serve the reports.
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

/** The most stones a run over named stones may list; larger sets run over all stones. */
export const maxRunIds = 100_000;

/** Records a run and answers its ID; reconcile/execute-run.ts runs it. */
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

/** The scope and actor a run was started with; throws for a run never started. */
export async function runStart(
  store: Store,
  runId: string,
): Promise<{ scope: string; actor: string | null }> {
  const [scope, actor] = await store.redis.hmget(store.keys.reconcileRun(runId), 'scope', 'actor');
  if (scope === null || scope === undefined)
    throw new StoreInputError('run id', runId, 'a started reconciliation run');
  return { scope, actor: actor ?? null };
}

/**
 * Begins a new execution of a started run: counts its stones, takes the next attempt number (an earlier
 * execution still alive finds itself superseded at its next page), and clears the partial output.
 */
export async function beginAttempt(
  store: Store,
  runId: string,
  scope: string,
  platforms: readonly string[],
): Promise<{ attempt: number; total: number }> {
  const { redis, keys } = store;
  const runKey = keys.reconcileRun(runId);
  const total =
    scope === 'ids' ? await redis.llen(keys.reconcileRunIds(runId)) : await store.diamonds.count();
  const attempt = await redis.hincrby(runKey, 'attempt', 1);
  const reset = redis.multi().del(keys.reconcileMismatches(runId), keys.reconcileUnmatched(runId));
  reset.hdel(runKey, 'finishedAt', 'error', ...countFields);
  await reset
    .hset(runKey, { status: 'running', done: 0, total, platforms: JSON.stringify(platforms) })
    .exec();
  return { attempt, total };
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

/** The stones of a run, a page at a time: the named ones in order, or every stored stone. */
export async function* runIdPages(
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

// KEYS: run hash, mismatches list, unmatched list.
// ARGV: attempt, done, total, mismatch count, unmatched count, critical, major, minor, then the items.
// Appends a page and its progress in one step, only while this attempt is the run's current one.
const writePageScript = script(`
if tonumber(redis.call('HGET', KEYS[1], 'attempt')) ~= tonumber(ARGV[1]) then return 0 end
local a = 8
local function push(key, count)
  local i = 1
  while i <= count do
    local last = math.min(i + 99, count)
    redis.call('RPUSH', key, unpack(ARGV, a + i, a + last))
    i = last + 1
  end
  a = a + count
end
push(KEYS[2], tonumber(ARGV[4]))
push(KEYS[3], tonumber(ARGV[5]))
redis.call('HSET', KEYS[1], 'done', ARGV[2], 'total', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'count:mismatches', ARGV[4])
redis.call('HINCRBY', KEYS[1], 'count:unmatched', ARGV[5])
redis.call('HINCRBY', KEYS[1], 'count:critical', ARGV[6])
redis.call('HINCRBY', KEYS[1], 'count:major', ARGV[7])
redis.call('HINCRBY', KEYS[1], 'count:minor', ARGV[8])
return 1
`);

// KEYS: run hash. ARGV: attempt, then field/value pairs. Closes the run if this attempt is current.
const finishScript = script(`
if tonumber(redis.call('HGET', KEYS[1], 'attempt')) ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return 1
`);

/** Appends a page's findings and progress; false when a newer execution of the run has taken over. */
export async function writePage(
  store: Store,
  runId: string,
  attempt: number,
  progress: { done: number; total: number },
  { mismatches, unmatched }: { mismatches: readonly Mismatch[]; unmatched: readonly Unmatched[] },
): Promise<boolean> {
  const { keys } = store;
  const bySeverity = { critical: 0, major: 0, minor: 0 };
  for (const mismatch of mismatches) bySeverity[mismatch.severity] += 1;
  const written = await runScript(
    store.redis,
    writePageScript,
    [keys.reconcileRun(runId), keys.reconcileMismatches(runId), keys.reconcileUnmatched(runId)],
    [
      attempt,
      progress.done,
      progress.total,
      mismatches.length,
      unmatched.length,
      bySeverity.critical,
      bySeverity.major,
      bySeverity.minor,
      ...mismatches.map((mismatch) => JSON.stringify(mismatch)),
      ...unmatched.map((entry) => JSON.stringify(entry)),
    ],
  );
  return written === 1;
}

/** Closes a run as done or failed, stamping `finishedAt`; false when a newer execution has taken over. */
export async function finishRun(
  store: Store,
  runId: string,
  attempt: number,
  fields: Record<string, string | number>,
): Promise<boolean> {
  const pairs = Object.entries({ ...fields, finishedAt: new Date().toISOString() }).flat();
  return (
    (await runScript(store.redis, finishScript, [store.keys.reconcileRun(runId)], [attempt, ...pairs])) === 1
  );
}

function script(source: string): StoreScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}
