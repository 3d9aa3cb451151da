import { giaSampleAvailability, giaSampleReports, giaSampleSupersession } from './samples.js';
import type { GradingReport } from './types.js';

/** Whether a report is served: GIA withholds some (not for this key, or the stone is back at the lab). */
export type Availability = 'available' | 'forbidden' | 'in_house';

/** A report as the registry holds it. */
export interface StoredReport {
  report: GradingReport;
  availability: Availability;
  /** When the lab last replaced or superseded the report (epoch ms); null while it is as first issued. */
  updatedAt: number | null;
  /** The report number that replaced this one, when the lab re-examined the stone. */
  supersededBy: string | null;
}

/** An API plan: one key, a lookup quota, and the reports it fetched (the scope of its change feed). */
export interface Plan {
  id: string;
  apiKey: string;
  quota: number;
  spent: number;
  /** Quota expiry (epoch ms), a year after the plan was opened. */
  expiresAt: number;
  fetched: Set<string>;
  /** Changed report numbers in change order, each with the sequence number of its latest change. */
  feed: Map<string, number>;
  /** Calls to the plan's change feed: `getChangedReports` pages read and `clearChangedReports` calls. */
  feedCalls: { reads: number; clears: number };
}

/** How a plan is configured. */
export interface PlanOptions {
  apiKey: string;
  quota: number;
}

/** What `issue` did. */
export type IssueOutcome = 'issued' | 'replaced' | 'unchanged';

/**
 * The registry's reports and API plans: quota accounting, supersession and the per-plan change feed
 * behind `getChangedReports`. State is in memory; `reset` restores the seeded reports and fresh plans.
 */
export class ReportRegistry {
  readonly reports = new Map<string, StoredReport>();
  readonly plans = new Map<string, Plan>();
  private sequence = 0;

  constructor(
    private readonly planOptions: readonly PlanOptions[],
    private readonly seed: boolean,
    private readonly now: () => number,
  ) {
    this.reset();
  }

  reset(): void {
    this.reports.clear();
    this.plans.clear();
    this.sequence = 0;
    this.planOptions.forEach(({ apiKey, quota }, i) => {
      this.plans.set(apiKey, {
        id: `plan-${i + 1}`,
        apiKey,
        quota,
        spent: 0,
        expiresAt: this.now() + 365 * 86_400_000,
        fetched: new Set(),
        feed: new Map(),
        feedCalls: { reads: 0, clears: 0 },
      });
    });
    if (!this.seed) return;
    for (const report of giaSampleReports) {
      const availability = giaSampleAvailability[report.report_number] ?? 'available';
      this.reports.set(report.report_number, { report, availability, updatedAt: null, supersededBy: null });
    }
    const { superseded, by } = giaSampleSupersession;
    const old = this.reports.get(superseded);
    const successor = this.reports.get(by);
    if (old && successor) {
      old.supersededBy = by;
      old.updatedAt = Date.parse(`${successor.report.report_date_iso ?? ''}T00:00:00Z`);
    }
  }

  /** The plan an `Authorization` header value opens, if any; GIA sends the bare key. */
  planFor(authorization: string | undefined): Plan | undefined {
    return authorization === undefined ? undefined : this.plans.get(authorization);
  }

  /** The report served for a number, following supersessions to the newest report. */
  resolve(reportNumber: string): StoredReport | undefined {
    let stored = this.reports.get(reportNumber);
    for (let hops = 0; stored?.supersededBy && hops < 100; hops += 1) {
      stored = this.reports.get(stored.supersededBy);
    }
    return stored;
  }

  /** Spends one lookup of the plan's quota on a report it now holds; false when the quota is used up. */
  consumeLookup(plan: Plan, reportNumber: string): boolean {
    if (plan.spent >= plan.quota) return false;
    plan.spent += 1;
    plan.fetched.add(reportNumber);
    return true;
  }

  /**
   * Issues a report, replaces the report with that number, or (with `supersedes`) issues it as the
   * successor of an older report. Plans that fetched the affected report see the change in their feed.
   */
  issue(
    report: GradingReport,
    options: { supersedes?: string; availability?: Availability } = {},
  ): IssueOutcome {
    const number = report.report_number;
    const existing = this.reports.get(number);
    const availability = options.availability ?? existing?.availability ?? 'available';
    if (
      existing &&
      options.supersedes === undefined &&
      existing.availability === availability &&
      stableJson(existing.report) === stableJson(report)
    ) {
      return 'unchanged';
    }
    const at = this.now();
    this.reports.set(number, {
      report,
      availability,
      updatedAt: existing ? at : null,
      supersededBy: existing?.supersededBy ?? null,
    });
    const touched = [number];
    if (options.supersedes !== undefined) {
      const old = this.reports.get(options.supersedes);
      if (old) {
        old.supersededBy = number;
        old.updatedAt = at;
        touched.push(options.supersedes);
      }
    }
    if (existing || options.supersedes !== undefined) this.recordChange(touched, number);
    return existing ? 'replaced' : 'issued';
  }

  /** Report numbers in a plan's change feed after sequence `after`, at most `limit` of them. */
  changes(plan: Plan, after: number, limit: number): { reportNumbers: string[]; last: number | null } {
    plan.feedCalls.reads += 1;
    // The feed is in change order, so a page ends at the first `limit + 1` entries after `after`.
    const page: [string, number][] = [];
    let more = false;
    for (const entry of plan.feed) {
      if (entry[1] <= after) continue;
      if (page.length === limit) {
        more = true;
        break;
      }
      page.push(entry);
    }
    return { reportNumbers: page.map(([number]) => number), last: more ? (page.at(-1)?.[1] ?? null) : null };
  }

  /** Empties a plan's change feed once the client has saved the updates. */
  clearChanges(plan: Plan): void {
    plan.feedCalls.clears += 1;
    plan.feed.clear();
  }

  private recordChange(touched: readonly string[], current: string): void {
    for (const plan of this.plans.values()) {
      if (!touched.some((number) => plan.fetched.has(number))) continue;
      plan.fetched.add(current);
      for (const number of touched) plan.feed.delete(number);
      // Re-inserting keeps the Map in change order, so a page never skips a report that changed again.
      this.sequence += 1;
      plan.feed.set(current, this.sequence);
    }
  }
}

/** JSON with object keys sorted, so two reports compare equal whatever order their fields came in. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}
