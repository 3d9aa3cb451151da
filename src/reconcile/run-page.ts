import { REGISTERED } from '../match/types.js';
import type { Store } from '../store/index.js';
import type { DiamondRecord } from '../types/diamond.js';
import type { AuthorityOf } from '../match/authority.js';
import { checkLineage, findUnmatched, lineageRelatives } from './lineage-checks.js';
import { findMismatches } from '../match/rules.js';
import type { Mismatch, Tolerances, Unmatched } from '../match/types.js';

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
    const views: Record<string, DiamondRecord> = {};
    for (const platform in stoneMirrors) views[platform] = stoneMirrors[platform]!.view;
    views[REGISTERED] = record;
    findings.mismatches.push(
      ...findMismatches(id, views, { authorityOf: context.authorityOf, tolerances: context.tolerances }),
      ...checkLineage(id, record, relatives),
    );
    const unmatched = findUnmatched(id, record, stoneMirrors, context.platforms);
    if (unmatched) findings.unmatched.push(unmatched);
  });
  return findings;
}
