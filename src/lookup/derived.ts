import { BoundedMap } from '../bounded-map.js';
import type { StoredDiamond } from '../store/index.js';
import type { PlatformView } from './provenance.js';
import type { LookupMismatch, LookupQuery, MergedView } from './types.js';

/** What a lookup works out from what it read: the merged record with its sources, and the mismatches. */
export interface Derived {
  merged: MergedView | null;
  mismatches: LookupMismatch[];
}

interface Entry {
  views: readonly PlatformView[];
  derived: Derived;
}

/**
 * The merged record and mismatches of recent lookups. Both are pure functions of the stored record (named by
 * its stone and version) and the platforms' canonical views, and a platform client hands back the same view
 * object while the platform's record is unchanged (each client caches its mappings), so a repeated lookup of
 * an unchanged stone reuses them instead of merging and comparing every field again. Any other view object
 * (a changed record, a platform that now answers differently) computes afresh. Answers share what is kept
 * here, so nothing downstream may change a lookup answer in place.
 */
export class DerivedViews {
  private readonly entries: BoundedMap<string, Entry>;

  // A merged record with its sources runs to tens of kilobytes in memory: keep the recently looked-up few.
  constructor(maxStones = 2_000) {
    this.entries = new BoundedMap(maxStones);
  }

  /** The kept result for `stored` and `views`, else `compute()`'s, kept for next time. */
  get(
    query: LookupQuery,
    stored: StoredDiamond | null,
    views: readonly PlatformView[],
    compute: () => Derived,
  ): Derived {
    // A stone the bridge does not hold has no version: its views alone decide, kept per query.
    const key = stored
      ? `stone ${stored.record.id ?? ''}@${stored.version}`
      : `query ${query.name}=${query.value}`;
    const known = this.entries.get(key);
    if (known && sameViews(known.views, views)) return known.derived;
    const derived = compute();
    this.entries.set(key, { views, derived });
    return derived;
  }
}

function sameViews(kept: readonly PlatformView[], now: readonly PlatformView[]): boolean {
  return (
    kept.length === now.length &&
    kept.every((view, i) => view.platform === now[i]?.platform && view.record === now[i].record)
  );
}
