/**
 * The change-feed cursor. GIA's `getChangedReports` lists the reports a plan fetched that changed since,
 * with an `endCursor` that is null on the last page, and `clearChangedReports` empties the whole list once
 * the client has saved the updates. There is no position to resume from after the last page, and clearing
 * too early loses changes, so the bridge's cursor is the acknowledgement instead:
 *
 * - the cursor names each report already handed out, with a fingerprint of the content handed out;
 * - each call reads the whole feed (free), hands out what the cursor does not name (a report that changed
 *   again has a new fingerprint), and answers a cursor naming it as well;
 * - a call whose cursor names everything in the feed clears the feed: the caller passes a cursor on only
 *   after storing the changes it covers, so everything named has been stored.
 *
 * GIA's clear takes no argument, so a change that lands between that last read and the clear is cleared
 * unseen; the read happens immediately before the clear to keep that window to one round trip.
 */
import { sha256Hex } from '../../mapping/content-hash.js';
import type { PlatformRecord, RejectedChange } from '../contract.js';
import { PlatformError } from '../errors.js';
import type { GiaRecord, GradingReport } from './native.js';

const prefix = 'gia-feed.1.';

/** Report number -> fingerprint of the content already handed out. */
export type FeedSeen = Record<string, string>;

/** A report's fingerprint: its content, without what changes on every call. */
export function reportFingerprint(report: GradingReport): string {
  const { links: _links, assets: _assets, quota: _quota, info_message: _info, ...content } = report;
  return sha256Hex(content).slice(0, 16);
}

/** The cursor for a set of handed-out reports. */
export function encodeFeedCursor(seen: FeedSeen): string {
  return `${prefix}${Buffer.from(JSON.stringify(seen)).toString('base64url')}`;
}

/** The handed-out reports a cursor names; null names none. Throws an unrecoverable PlatformError on a foreign cursor. */
export function decodeFeedCursor(cursor: string | null): FeedSeen {
  if (cursor === null) return {};
  try {
    if (!cursor.startsWith(prefix)) throw new Error('no prefix');
    const seen: unknown = JSON.parse(Buffer.from(cursor.slice(prefix.length), 'base64url').toString('utf8'));
    if (typeof seen !== 'object' || seen === null || Array.isArray(seen)) throw new Error('not an object');
    if (!Object.values(seen).every((value) => typeof value === 'string')) throw new Error('not fingerprints');
    return seen as FeedSeen;
  } catch (error) {
    throw new PlatformError(`cursor ${JSON.stringify(cursor.slice(0, 40))} is not a GIA change-feed cursor`, {
      adapter: 'gia',
      failure: 'unrecoverable',
      field: 'cursor',
      cause: error,
    });
  }
}

/** What to hand out next from the whole feed, given what the cursor names. */
export function nextFeedPage(
  feed: readonly GradingReport[],
  seen: FeedSeen,
  pageSize: number,
): { page: GradingReport[]; seen: FeedSeen; more: boolean; caughtUp: boolean } {
  const unseen = feed.filter((report) => seen[report.report_number] !== reportFingerprint(report));
  const page = unseen.slice(0, pageSize);
  // Only what is still in the feed needs remembering: a report leaves the feed only when it is cleared.
  const next: FeedSeen = {};
  for (const report of feed) {
    const number = report.report_number;
    if (seen[number] === reportFingerprint(report)) next[number] = seen[number];
  }
  for (const report of page) next[report.report_number] = reportFingerprint(report);
  return { page, seen: next, more: unseen.length > page.length, caughtUp: unseen.length === 0 };
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
