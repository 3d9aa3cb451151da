import type { LookupQuery } from './types.js';

/**
 * Where a stone the bridge does not hold was found, by the query that found it. Such a stone takes two
 * steps the first time (GIA's report names its Tracr ID, then the ledger is asked by it); remembering the
 * refs the second step found lets the next lookup ask every platform at once. A hint is only a guess: the
 * lookup believes a hinted answer only when this round's other answers still name it (lookup.ts), and
 * forgets the hint otherwise.
 */
export class LinkHints {
  // A Map iterates in insertion order, so re-inserting on every use keeps the least recently used first.
  private readonly byQuery = new Map<string, Readonly<Record<string, string>>>();

  constructor(private readonly maxQueries = 10_000) {
    if (!Number.isInteger(maxQueries) || maxQueries < 1)
      throw new RangeError(`[lookup] maxQueries must be a whole number of 1 or more; got ${maxQueries}`);
  }

  /** The platforms' refs learnt for `query`, by platform name; empty when none. */
  get(query: LookupQuery): Readonly<Record<string, string>> {
    const key = keyOf(query);
    const refs = this.byQuery.get(key);
    if (refs === undefined) return {};
    this.byQuery.delete(key);
    this.byQuery.set(key, refs);
    return refs;
  }

  /** Remembers the refs the second step found for `query`, replacing what was known. */
  set(query: LookupQuery, refs: Readonly<Record<string, string>>): void {
    const key = keyOf(query);
    this.byQuery.delete(key);
    if (Object.keys(refs).length === 0) return;
    this.byQuery.set(key, refs);
    if (this.byQuery.size > this.maxQueries) {
      const oldest = this.byQuery.keys().next();
      if (!oldest.done) this.byQuery.delete(oldest.value);
    }
  }

  /** Forgets `query`'s hint: a platform no longer confirms it. */
  forget(query: LookupQuery): void {
    this.byQuery.delete(keyOf(query));
  }
}

function keyOf(query: LookupQuery): string {
  return `${query.name}=${query.value}`;
}
