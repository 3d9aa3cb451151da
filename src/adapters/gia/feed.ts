/**
 * The change-feed cursor. GIA's `getChangedReports(limit, cursor)` lists, oldest change first, the reports a
 * plan fetched that changed since, with an `endCursor` to read on from that is null on the last page (a
 * report that changes again moves to the end); `clearChangedReports` empties the whole list once the client
 * has saved the updates. So the bridge's cursor is GIA's position plus, once the last page is handed out, a
 * digest of that page:
 *
 * - a pull reads one page on from GIA's `endCursor`, so it costs what is new, and the cursor stays small;
 * - after the last page, the cursor keeps the position that page was read from, how many reports it held
 *   and their digest. Once the bridge has stored that cursor, the page is read again: when it is the same
 *   and still the last, every change in the feed is stored and the feed is cleared; when it grew, only what
 *   follows it is handed out. (A report that changed again moves to the end, so the page no longer starts
 *   with what was handed out: it is handed out whole again, and what was stored is stored once.)
 *
 * GIA's clear takes no argument, so a change that lands between that check and the clear is cleared
 * unseen; the check happens immediately before the clear to keep that window to one round trip. This
 * relies on an `endCursor` staying a position in the feed after a clear, as the simulator's does.
 */
import { sha256Hex } from '../../mapping/content-hash.js';
import type { PlatformRecord, RejectedChange } from '../contract.js';
import { PlatformError } from '../errors.js';
import type { GiaRecord, GradingReport } from './native.js';

const prefix = 'gia-feed.2.';
/** The previous version's cursor: the reports handed out since the feed was last cleared. */
const listingPrefix = 'gia-feed.1.';

/** Where a feed's reader stands. */
export interface FeedPosition {
  /** GIA's `endCursor` to read on from; null reads from the start of GIA's feed. */
  after: string | null;
  /** Set once the last page was handed out: that page, read from `after`. */
  handedOut?: { count: number; digest: string };
}

/** A report's fingerprint: its content, without what changes on every call. */
export function reportFingerprint(report: GradingReport): string {
  const { links: _links, assets: _assets, quota: _quota, info_message: _info, ...content } = report;
  return sha256Hex(content).slice(0, 16);
}

/** A page's digest: which reports it held, with what content. */
export function pageDigest(page: readonly GradingReport[]): string {
  return sha256Hex(page.map((report) => [report.report_number, reportFingerprint(report)])).slice(0, 16);
}

/** The cursor for a position. */
export function encodeFeedCursor(position: FeedPosition): string {
  const { after, handedOut } = position;
  const body = { a: after, ...(handedOut === undefined ? {} : { n: handedOut.count, h: handedOut.digest }) };
  return `${prefix}${Buffer.from(JSON.stringify(body)).toString('base64url')}`;
}

/**
 * The position a cursor names; null is the start. The previous version's cursor is read as the start: GIA's
 * feed still holds everything since its last clear, and what was stored already is stored once. Throws an
 * unrecoverable PlatformError on a foreign cursor.
 */
export function decodeFeedCursor(cursor: string | null): FeedPosition {
  if (cursor === null || cursor.startsWith(listingPrefix)) return { after: null };
  try {
    if (!cursor.startsWith(prefix)) throw new Error('no prefix');
    const body: unknown = JSON.parse(Buffer.from(cursor.slice(prefix.length), 'base64url').toString('utf8'));
    const { a, n, h } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (a !== null && typeof a !== 'string') throw new Error('no position');
    if (h === undefined) return { after: a };
    if (typeof h !== 'string' || !Number.isInteger(n) || (n as number) < 1) throw new Error('no page');
    return { after: a, handedOut: { count: n as number, digest: h } };
  } catch (error) {
    throw new PlatformError(`cursor ${JSON.stringify(cursor.slice(0, 40))} is not a GIA change-feed cursor`, {
      adapter: 'gia',
      failure: 'unrecoverable',
      field: 'cursor',
      cause: error,
    });
  }
}

/** What a page read from `position.after` holds that was not handed out yet. */
export function notHandedOut(position: FeedPosition, page: readonly GradingReport[]): GradingReport[] {
  const { handedOut } = position;
  if (handedOut === undefined || page.length < handedOut.count) return [...page];
  const head = page.slice(0, handedOut.count);
  return pageDigest(head) === handedOut.digest ? page.slice(handedOut.count) : [...page];
}

/** Whether a page read from `position.after` is the last page handed out, unchanged: all of it is stored. */
export function isStoredLastPage(
  position: FeedPosition,
  page: { reports: readonly GradingReport[]; endCursor: string | null },
): boolean {
  return (
    page.endCursor === null &&
    page.reports.length > 0 &&
    page.reports.length === position.handedOut?.count &&
    notHandedOut(position, page.reports).length === 0
  );
}

/**
 * A page's reports read into platform records. A report the adapter cannot map is handed back as rejected,
 * with the reason, rather than thrown: the cursor already names it, so the rest of the feed moves on and
 * the bridge shows the report to an operator. Any other failure still throws.
 */
export function readFeedPage(
  page: readonly GradingReport[],
  read: (report: GradingReport) => PlatformRecord<GiaRecord>,
): { changes: PlatformRecord<GiaRecord>[]; rejected: RejectedChange[] } {
  const changes: PlatformRecord<GiaRecord>[] = [];
  const rejected: RejectedChange[] = [];
  for (const report of page) {
    try {
      changes.push(read(report));
    } catch (error) {
      if (!(error instanceof PlatformError) || error.failure !== 'unrecoverable') throw error;
      rejected.push({ ref: String(report.report_number), reason: error.message });
    }
  }
  return { changes, rejected };
}
