import { REGISTERED } from './types.js';
import { createHash } from 'node:crypto';
import type { Store } from '../store/index.js';
import { runScript, type StoreScript } from '../store/scripts.js';
import type { DiamondRecord } from '../types/diamond.js';
import type { AuthorityOf } from './authority.js';
import { checkLineage, findUnmatched, lineageRelatives } from './lineage.js';
import { findMismatches } from './rules.js';
import type { Mismatch, Tolerances, Unmatched } from './types.js';

/** What every page of a run is checked with. */
export interface PageContext {
  authorityOf: AuthorityOf;
  /** The platforms each stone is expected on. */
  platforms: readonly string[];
  tolerances: Partial<Tolerances>;
}

/** What one page of stones produced. */
export interface PageFindings {
  mismatches: Mismatch[];
  unmatched: Unmatched[];
}

/**
 * Checks a page of stones: records, platform views and lineage relatives in three pipelined round trips,
 * then the mismatch rules and lineage checks on each stone. A stone named but not stored is unmatched.
 */
export async function evaluatePage(
  store: Store,
  ids: readonly string[],
  context: PageContext,
): Promise<PageFindings> {
  const [stored, mirrors] = await Promise.all([store.diamonds.getMany(ids), store.mirrors.getMany(ids)]);
  const records = new Map<string, DiamondRecord | null>();
  ids.forEach((id, i) => records.set(id, stored[i]?.record ?? null));
  const missing = new Set<string>();
  for (const record of records.values()) {
    for (const id of record ? lineageRelatives(record) : []) if (!records.has(id)) missing.add(id);
  }
  const relatives = new Map(records);
  const fetched = await store.diamonds.getMany([...missing]);
  [...missing].forEach((id, i) => relatives.set(id, fetched[i]?.record ?? null));

  const findings: PageFindings = { mismatches: [], unmatched: [] };
  ids.forEach((id, i) => {
    const record = records.get(id);
    if (!record) {
      findings.unmatched.push({ platform: 'bridge', ref: id, diamondId: id, reason: 'not a stored stone' });
      return;
    }
    const stoneMirrors = mirrors[i] ?? {};
    // The registered record (the producer's claim) is a source like any platform: a lab grade that differs
    // from it is a finding, settled by applying the authoritative platform's value to the record.
    const views = {
      ...Object.fromEntries(Object.entries(stoneMirrors).map(([platform, entry]) => [platform, entry.view])),
      [REGISTERED]: record,
    };
    findings.mismatches.push(
      ...findMismatches(id, views, { authorityOf: context.authorityOf, tolerances: context.tolerances }),
      ...checkLineage(id, record, relatives),
    );
    const unmatched = findUnmatched(id, record, stoneMirrors, context.platforms);
    if (unmatched) findings.unmatched.push(unmatched);
  });
  return findings;
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
  { mismatches, unmatched }: PageFindings,
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
