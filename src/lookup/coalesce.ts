/**
 * Concurrent lookups of the same stone share one question to each platform. A popular stone (a report on a
 * retailer's page, a stone in the news) is looked up by many clients at once; asking its platforms once per
 * client would spend their capacity, and GIA's quota, on copies of one answer. A lookup that arrives while
 * the same question is in flight waits for that answer, which is never older than the lookup's own
 * round trip would be; once it settles, the next lookup asks afresh. Only lookups share: the sync workers'
 * reads go to the client directly and always see the platform as it is after their own writes.
 */
export class InFlightQuestions<T> {
  private readonly pending = new Map<string, Promise<T>>();

  /** The answer to the question `key`: the one already in flight, else a new one from `ask`. */
  ask(key: string, ask: () => Promise<T>): Promise<T> {
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const asked = ask();
    this.pending.set(key, asked);
    const settle = (): void => {
      if (this.pending.get(key) === asked) this.pending.delete(key);
    };
    asked.then(settle, settle);
    return asked;
  }

  /** How many questions are in flight, for metrics and tests. */
  get size(): number {
    return this.pending.size;
  }
}
