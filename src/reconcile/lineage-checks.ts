import { caratsToThousandths } from '../mapping/index.js';
import type { StoneMirrors } from '../store/index.js';
import type { DiamondRecord } from '../types/diamond.js';
import type { Mismatch, Unmatched } from '../match/types.js';

/**
 * Lineage and presence checks on the bridge's own records: a polished stone's parent exists, a rough and
 * its children point at each other, the children never outweigh the rough, and every stone is held by the
 * platforms that should hold it. Findings keep the mismatch shape; their values are keyed `bridge`.
 */

/** The bridge IDs {@link checkLineage} needs to see besides the stone itself. */
export function lineageRelatives(record: DiamondRecord): string[] {
  const ids = [...(record.lineage?.childIds ?? [])];
  if (record.lineage?.parentId !== undefined) ids.push(record.lineage.parentId);
  return ids;
}

/**
 * Checks one stone's lineage against its relatives (`relatives.get(id)` is null for an ID the store does
 * not hold; every ID from {@link lineageRelatives} must be a key).
 */
export function checkLineage(
  diamondId: string,
  record: DiamondRecord,
  relatives: ReadonlyMap<string, DiamondRecord | null>,
): Mismatch[] {
  const findings: Mismatch[] = [];
  const parentId = record.lineage?.parentId;
  if (parentId !== undefined) {
    const parent = relatives.get(parentId);
    if (!parent) {
      findings.push(
        finding(diamondId, 'lineage.parentId', parentId, 'critical', 'lineage-parent', [
          `the parent ${parentId} is not a stored stone`,
        ]),
      );
    } else if (!(parent.lineage?.childIds ?? []).includes(diamondId)) {
      findings.push(
        finding(diamondId, 'lineage.parentId', parentId, 'minor', 'lineage-reciprocal', [
          `the parent ${parentId} does not list ${diamondId} among its children`,
        ]),
      );
    }
  }
  const childIds = record.lineage?.childIds ?? [];
  if (childIds.length === 0) return findings;
  const missing = childIds.filter((id) => !relatives.get(id));
  if (missing.length > 0) {
    findings.push(
      finding(diamondId, 'lineage.childIds', childIds, 'major', 'lineage-child', [
        `children ${missing.join(', ')} are not stored stones`,
      ]),
    );
  }
  const rough = record.rough?.caratWeight;
  if (rough === undefined) return findings;
  // Whole thousandths: summing float carats would let 0.1 + 0.2 tip the balance.
  let childrenThousandths = 0;
  for (const id of childIds) {
    const weight = relatives.get(id)?.polished?.caratWeight;
    if (weight !== undefined) childrenThousandths += caratsToThousandths(weight);
  }
  if (childrenThousandths > caratsToThousandths(rough)) {
    findings.push(
      finding(diamondId, 'lineage.childIds', childIds, 'critical', 'mass-balance', [
        `the polished children weigh ${(childrenThousandths / 1000).toFixed(3)} ct in all,`,
        `more than the rough's ${rough.toFixed(3)} ct`,
      ]),
    );
  }
  return findings;
}

/**
 * A stone that only one of the expected platforms holds (the others never confirmed it), or that no
 * platform holds at all. `platforms` are the platforms in play; with fewer than two, one holder is normal.
 */
export function findUnmatched(
  diamondId: string,
  record: DiamondRecord,
  mirrors: StoneMirrors,
  platforms: readonly string[],
): Unmatched | null {
  const holders = Object.keys(mirrors).sort();
  if (holders.length === 0) {
    return { platform: 'bridge', ref: diamondId, diamondId, reason: 'no platform holds this stone yet' };
  }
  const [holder] = holders;
  if (holders.length > 1 || holder === undefined || platforms.length < 2) return null;
  const others = platforms.filter((platform) => platform !== holder);
  if (others.length === 0) return null;
  return {
    platform: holder,
    ref: mirrors[holder]?.ref ?? record.sources?.[holder]?.ref ?? null,
    diamondId,
    reason: `held on ${holder} only; not found on ${others.join(', ')}`,
  };
}

function finding(
  diamondId: string,
  field: string,
  value: unknown,
  severity: Mismatch['severity'],
  rule: string,
  detail: string[],
): Mismatch {
  return {
    diamondId,
    field,
    values: { bridge: value },
    severity,
    authority: null,
    rule,
    detail: detail.join(' '),
  };
}
