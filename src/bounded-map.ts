/**
 * A bounded map that forgets the least recently used entry first: the bridge's in-memory caches (the Tracr
 * client's parsed keys and verified signatures, GIA's fetched reports, the lookup's learnt links).
 */
export class BoundedMap<K, V> {
  // A Map iterates in insertion order, so re-inserting on every use keeps the least recently used first.
  private readonly entries = new Map<K, V>();

  constructor(private readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new RangeError(
        `[tracebridge] a cache bound must be a whole number of 1 or more; got ${maxEntries}`,
      );
  }

  /** The value under `key`, marking it recently used; undefined when absent. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Forgets `key`. */
  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Keeps `value` under `key`, forgetting the least recently used entry when over the bound. */
  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  /** Forgets everything, e.g. after a check failed and the cached side may be the stale one. */
  clear(): void {
    this.entries.clear();
  }
}
