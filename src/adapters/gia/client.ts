/**
 * The GIA client: reports over GraphQL, rough stones over the Mine-to-Market intake (REST). Reads spend
 * quota only when they must: a report already fetched is checked with the free `isReportUpdated` first.
 */
import type { AxiosInstance } from 'axios';
import { BoundedMap } from '../../bounded-map.js';
import type {
  ChangePage,
  ConnectOptions,
  PlatformClient,
  PlatformHealth,
  PlatformRecord,
  PutOptions,
  PutResult,
  StoneIdentifiers,
} from '../contract.js';
import { PlatformError } from '../errors.js';
import { createHttpClient, optional } from '../http.js';
import { mapOrRefuse } from '../refuse.js';
import { createMemoryReportCache, type CachedReport, type ReportCache } from './cache.js';
import {
  decodeFeedCursor,
  encodeFeedCursor,
  isStoredLastPage,
  notHandedOut,
  pageDigest,
  readFeedPage,
  type FeedPosition,
} from './feed.js';
import { callGia, ReportNotFound } from './graphql.js';
import { intakeFromCanonical, submission, submittedFields, type IntakeSubmission } from './intake.js';
import type { GiaRecord, GradingReport, IntakeRecord } from './native.js';
import { toCanonical } from './transform.js';

/** How to reach a GIA plan. */
export interface GiaConnectOptions extends ConnectOptions {
  /** The GraphQL endpoint URL of the plan, e.g. `https://api.reportresults.gia.edu/graphql`. */
  url: string;
  /** The plan's API key, sent bare in `Authorization` as GIA requires. */
  apiKey: string;
  /** The Mine-to-Market intake's base URL. Default: the endpoint's origin + `/m2m/v1`. */
  intakeUrl?: string;
  /** Fetched reports; pass one to share it between clients. Default: in memory, 1000 reports. */
  cache?: ReportCache;
  /** Changes per `changes()` page. Default 50. */
  changesPageSize?: number;
  /**
   * How far this machine's clock may run ahead of GIA's. A fresh report is checked for changes made up to
   * this long before it was fetched, at the cost of at most one extra lookup. Default 5 minutes.
   */
  clockSkewMs?: number;
}

/** A GIA client; `acknowledge` lets GIA forget the changes a stored cursor covers. */
export type GiaClient = PlatformClient<GiaRecord> & { acknowledge(cursor: string | null): Promise<void> };

/** GIA report numbers are digits; anything else is a rough control number. */
const reportNumberPattern = /^\d{5,12}$/;

/** Connects to a GIA plan. */
export function connectGia(options: GiaConnectOptions): GiaClient {
  const endpoint = parseUrl(options.url, 'url');
  const intakeUrl = options.intakeUrl ?? `${endpoint.origin}/m2m/v1`;
  parseUrl(intakeUrl, 'intakeUrl');
  const common = {
    adapter: 'gia',
    authorization: options.apiKey,
    ...optional('timeoutMs', options.timeoutMs),
  };
  const graphql = createHttpClient({ ...common, baseURL: options.url });
  const intake = createHttpClient({ ...common, baseURL: intakeUrl });
  const cache = options.cache ?? createMemoryReportCache();
  const pageSize = options.changesPageSize ?? 50;
  const skewMs = options.clockSkewMs ?? 5 * 60_000;
  const quotaRetryAfterMs = () => quotaRenewsInMs(graphql);
  const viewOf = createViews();
  const platformRecordOf = (native: GiaRecord, asked: string) => platformRecord(viewOf, native, asked);

  const remember = async (asked: string, report: GradingReport, currentAsOf?: string): Promise<void> => {
    const fetchedAt = Date.now();
    const entry: CachedReport = {
      report,
      fetchedAt,
      currentAsOf: currentAsOf ?? new Date(fetchedAt - skewMs).toISOString(),
    };
    await cache.set(asked, entry);
    if (report.report_number !== asked) await cache.set(report.report_number, entry);
  };

  /** The report now, from the cache when GIA says it has not changed since it was fetched. */
  const report = async (reportNumber: string): Promise<GradingReport | null> => {
    const cached = await cache.get(reportNumber);
    let currentAsOf: string | undefined;
    try {
      if (cached) {
        const { isReportUpdated } = await callGia<{
          isReportUpdated: { report_updated: boolean; date_updated: string | null };
        }>(
          graphql,
          'ReportUpdatedQuery',
          { ReportNumber: cached.report.report_number, Date: cached.currentAsOf },
          { stone: reportNumber },
        );
        if (!isReportUpdated.report_updated) return cached.report;
        currentAsOf = isReportUpdated.date_updated ?? undefined;
      }
      const { getReport } = await callGia<{ getReport: GradingReport | null }>(
        graphql,
        'ReportQuery',
        { ReportNumber: reportNumber },
        { stone: reportNumber, quotaRetryAfterMs },
      );
      if (getReport === null) return null;
      const fetched = withoutNulls(getReport);
      await remember(reportNumber, fetched, currentAsOf);
      return fetched;
    } catch (error) {
      if (error instanceof ReportNotFound) return null;
      throw error;
    }
  };

  const roughRecord = async (roughControlNumber: string): Promise<IntakeRecord | null> => {
    try {
      return (await intake.get<IntakeRecord>(`/rough/${encodeURIComponent(roughControlNumber)}`)).data;
    } catch (error) {
      if (error instanceof PlatformError && error.status === 404) return null;
      throw error;
    }
  };

  return {
    async get(ref) {
      const native = reportNumberPattern.test(ref) ? await report(ref) : null;
      // A rough control number may be all digits too: look in the intake when no report has the number.
      const found = native ?? (await roughRecord(ref));
      return found === null ? null : platformRecordOf(found, ref);
    },

    async find(identifiers: StoneIdentifiers) {
      const lookups: Promise<PlatformRecord<GiaRecord> | null>[] = [];
      const byReport = async (number: string) => {
        const found = await report(number);
        return found === null ? null : platformRecordOf(found, number);
      };
      if (identifiers.giaReportNumber !== undefined) lookups.push(byReport(identifiers.giaReportNumber));
      // GIA inscribes its report number on the girdle: "GIA 2141438171" finds report 2141438171.
      const inscribed = /^GIA\s*(\d{5,12})$/i.exec(identifiers.inscription?.trim() ?? '')?.[1];
      if (inscribed !== undefined) lookups.push(byReport(inscribed));
      if (identifiers.roughControlNumber !== undefined) {
        const rcn = identifiers.roughControlNumber;
        lookups.push(
          roughRecord(rcn).then((found) => (found === null ? null : platformRecordOf(found, rcn))),
        );
      }
      // Tracr IDs, KP certificates and producer references: GIA offers no search by them.
      const found = (await Promise.all(lookups)).filter((record) => record !== null);
      return found.filter((record, i) => found.findIndex((other) => other.ref === record.ref) === i);
    },

    async put(record, { idempotencyKey, held, native }): Promise<PutResult> {
      const wanted = intakeSubmission(record, native as IntakeRecord | undefined);
      const ref = wanted.rough_control_no;
      const path = `/rough/${encodeURIComponent(ref)}`;
      const headers = { 'Idempotency-Key': idempotencyKey };
      // Read first: after a lost reply the stone may already be there, and the intake is keyed by control number.
      const existing = heldIntake(held, ref) ?? (await roughRecord(ref));
      if (existing !== null) {
        if (sameSubmission(existing, wanted)) return { ref, outcome: 'unchanged' };
        await intake.put(path, wanted, { headers });
        return { ref, outcome: 'updated' };
      }
      const created = await intake.post('/rough', wanted, { headers });
      return { ref, outcome: created.status === 201 ? 'created' : 'unchanged' };
    },

    async changes(cursor): Promise<ChangePage<GiaRecord>> {
      const position = decodeFeedCursor(cursor);
      const read = await changedReports(graphql, position.after, pageSize);
      const fresh = notHandedOut(position, read.reports);
      if (fresh.length === 0 && read.endCursor === null) {
        if (position.handedOut === undefined) return { changes: [], cursor, more: false };
        // The last page was handed out and stored: clear it, unless that was done already.
        if (isStoredLastPage(position, read)) await callGia(graphql, 'ClearChangedReports', {});
        return { changes: [], cursor: encodeFeedCursor({ after: null }), more: false };
      }
      for (const changed of fresh) await remember(changed.report_number, changed);
      const { changes, rejected } = readFeedPage(fresh, (changed) =>
        platformRecordOf(changed, changed.report_number),
      );
      const next: FeedPosition =
        read.endCursor === null
          ? {
              after: position.after,
              handedOut: { count: read.reports.length, digest: pageDigest(read.reports) },
            }
          : { after: read.endCursor };
      return {
        changes,
        cursor: encodeFeedCursor(next),
        more: read.endCursor !== null,
        ...(rejected.length > 0 ? { rejected } : {}),
      };
    },

    /** Called once the bridge stored `cursor`: clears GIA's feed when that cursor covers all of it. */
    async acknowledge(cursor: string | null): Promise<void> {
      const position = decodeFeedCursor(cursor);
      if (position.handedOut === undefined) return;
      const read = await changedReports(graphql, position.after, pageSize);
      if (isStoredLastPage(position, read)) await callGia(graphql, 'ClearChangedReports', {});
    },

    async health(): Promise<PlatformHealth> {
      const started = performance.now();
      try {
        const { getQuota } = await callGia<{ getQuota: { remaining: number } | null }>(
          graphql,
          'QuotaQuery',
          {},
        );
        const remaining = getQuota?.remaining ?? 0;
        const latencyMs = Math.round(performance.now() - started);
        return { ok: remaining > 0, latencyMs, detail: `${remaining} report lookups left on the plan` };
      } catch (error) {
        if (!(error instanceof PlatformError)) throw error;
        return {
          ok: false,
          latencyMs: Math.round(performance.now() - started),
          detail: error.message,
          ...(error.status === 429 ? { rateLimited: true } : {}),
        };
      }
    },
  };
}

/**
 * One client's canonical views of the native records it read, so that a repeated lookup of an unchanged
 * record reuses its mapping instead of re-reading every printed value. Each client keeps its own: two
 * clients (two plans, two tests) never share a translation.
 */
function createViews(): (native: GiaRecord) => ReturnType<typeof toCanonical> {
  // A cached report is the same object until it is fetched again; held weakly, so a report the report
  // cache forgets is forgotten here too.
  const reportViews = new WeakMap<GiaRecord, ReturnType<typeof toCanonical>>();
  // The intake is read afresh every time: an unchanged record (the same JSON) maps to the same view object,
  // which the lookup's derived views key on.
  const intakeViews = new BoundedMap<string, ReturnType<typeof toCanonical>>(5_000);
  return (native) => {
    const content = 'report_number' in native ? undefined : JSON.stringify(native);
    let view = content === undefined ? reportViews.get(native) : intakeViews.get(content);
    if (view === undefined) {
      view = toCanonical(native);
      if (content === undefined) reportViews.set(native, view);
      else intakeViews.set(content, view);
    }
    return view;
  };
}

/** A native record with its canonical view; a record that cannot be read fails naming the stone and field. */
function platformRecord(
  viewOf: (native: GiaRecord) => ReturnType<typeof toCanonical>,
  native: GiaRecord,
  asked: string,
): PlatformRecord<GiaRecord> {
  const ref = 'report_number' in native ? native.report_number : native.rough_control_no;
  const view = mapOrRefuse('gia', () => viewOf(native), { stone: ref, doing: `cannot read ${asked}` });
  return { ref, native, canonical: view.value, loss: view.loss };
}

/** What the intake is sent for `record`: `native` when the caller translated it already (see `PutOptions.native`). */
function intakeSubmission(
  record: Parameters<PlatformClient['put']>[0],
  native: IntakeRecord | undefined,
): IntakeSubmission {
  return mapOrRefuse('gia', () => submission(native ?? intakeFromCanonical(record).value), {
    stone: record.id ?? record.identifiers?.roughControlNumber,
    doing: 'the Mine-to-Market intake cannot take this stone',
  });
}

/**
 * The intake record under `roughControlNumber` as the caller just read it: null when its lookup found
 * nothing (a lookup by the record's identifiers asks the intake for this very number), undefined when what
 * it read says nothing about the intake (a grading report, or nothing read) and the intake must be asked.
 */
function heldIntake(held: PutOptions['held'], roughControlNumber: string): IntakeRecord | null | undefined {
  if (held === null) return null;
  if (held === undefined || held.ref !== roughControlNumber) return undefined;
  const native = held.native as GiaRecord;
  if ('report_number' in native) return undefined;
  return native.rough_control_no === roughControlNumber ? native : undefined;
}

function sameSubmission(existing: IntakeRecord, wanted: IntakeSubmission): boolean {
  return submittedFields.every((field) => existing[field] === wanted[field]);
}

/** One page of the plan's change feed read on from GIA's `after` (GIA's reads of it are free). */
async function changedReports(
  graphql: AxiosInstance,
  after: string | null,
  limit: number,
): Promise<{ reports: GradingReport[]; endCursor: string | null }> {
  type Page = {
    getChangedReports: { results: ({ report: GradingReport } | null)[]; endCursor: string | null };
  };
  const { getChangedReports } = await callGia<Page>(graphql, 'ChangedReportsQuery', {
    Limit: limit,
    Cursor: after,
  });
  const reports = getChangedReports.results.flatMap((result) =>
    result ? [withoutNulls(result.report)] : [],
  );
  return { reports, endCursor: getChangedReports.endCursor };
}

/** Milliseconds until the plan's current quota bucket expires, when GIA says. */
async function quotaRenewsInMs(graphql: AxiosInstance): Promise<number | undefined> {
  type Quota = { getQuota: { buckets?: ({ expiration_date?: string | null } | null)[] | null } | null };
  const { getQuota } = await callGia<Quota>(graphql, 'QuotaQuery', {});
  const ends = (getQuota?.buckets ?? [])
    .map((bucket) => Date.parse(bucket?.expiration_date ?? ''))
    .filter((end) => end > Date.now());
  return ends.length > 0 ? Math.min(...ends) - Date.now() : undefined;
}

/**
 * GraphQL answers null for every field asked that a report lacks; the native record keeps only what the
 * report has, so its fingerprint and `extensions.gia` do not depend on which fields the query asked.
 */
function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (typeof value !== 'object' || value === null) return value;
  const kept = Object.entries(value).filter(([, member]) => member !== null);
  return Object.fromEntries(kept.map(([key, member]) => [key, withoutNulls(member)])) as T;
}

function parseUrl(value: string, option: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new TypeError(`[gia] option ${option} must be an absolute URL; got ${JSON.stringify(value)}`);
  }
}
