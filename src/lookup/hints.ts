import { BoundedMap } from '../bounded-map.js';
import type { LookupQuery } from './types.js';

/**
 * Where a stone the bridge does not hold was found, by the query that found it. Such a stone takes two
 * steps the first time (GIA's report names its Tracr ID, then the ledger is asked by it); remembering the
 * refs the second step found lets the next lookup ask every platform at once. A hint is only a guess: the
 * lookup believes a hinted answer only when this round's other answers still name it (lookup.ts), and
 * forgets the hint otherwise.
 */
export class LinkHints {
  private readonly byQuery: BoundedMap<string, Readonly<Record<string, string>>>;

  constructor(maxQueries = 10_000) {
    this.byQuery = new BoundedMap(maxQueries);
  }

  /** The platforms' refs learnt for `query`, by platform name; empty when none. */
  get(query: LookupQuery): Readonly<Record<string, string>> {
    return this.byQuery.get(keyOf(query)) ?? {};
  }

  /** Remembers the refs the second step found for `query`, replacing what was known. */
  set(query: LookupQuery, refs: Readonly<Record<string, string>>): void {
    if (Object.keys(refs).length === 0) this.byQuery.delete(keyOf(query));
    else this.byQuery.set(keyOf(query), refs);
  }

  /** Forgets `query`'s hint: a platform no longer confirms it. */
  forget(query: LookupQuery): void {
    this.byQuery.delete(keyOf(query));
  }
}

function keyOf(query: LookupQuery): string {
  return `${query.name}=${query.value}`;
}
