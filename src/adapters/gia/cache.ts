/**
 * Reports already fetched, so a repeated lookup costs no quota: `getReport` spends a lookup from the API
 * plan, `isReportUpdated` does not, so a cached report is only fetched again when GIA says it changed.
 */
import { BoundedMap } from '../../bounded-map.js';
import type { GradingReport } from './native.js';

/** A report as fetched, and the moment up to which it is known to be current. */
export interface CachedReport {
  report: GradingReport;
  /** When the report was fetched (epoch ms, this machine's clock). */
  fetchedAt: number;
  /**
   * The ISO 8601 moment passed to `isReportUpdated`: changes after it are changes this copy lacks. GIA's
   * own `date_updated` when known, so a clock that runs ahead of GIA's cannot hide a change.
   */
  currentAsOf: string;
}

/**
 * Where a client keeps fetched reports, keyed by the report number asked for. The API's lookup shares one
 * between its clients; it may be in memory or in a shared store, so both methods may answer a promise.
 */
export interface ReportCache {
  get(reportNumber: string): CachedReport | undefined | Promise<CachedReport | undefined>;
  set(reportNumber: string, entry: CachedReport): void | Promise<void>;
}

/** The in-memory cache: a {@link ReportCache} that answers at once. */
export interface MemoryReportCache extends ReportCache {
  get(reportNumber: string): CachedReport | undefined;
  set(reportNumber: string, entry: CachedReport): void;
}

/** A bounded in-memory {@link ReportCache} that forgets the least recently used report first. */
export function createMemoryReportCache(maxReports = 1000): MemoryReportCache {
  const entries = new BoundedMap<string, CachedReport>(maxReports);
  return {
    get: (reportNumber) => entries.get(reportNumber),
    set: (reportNumber, entry) => entries.set(reportNumber, entry),
  };
}
