/**
 * The EPCIS change feed's cursor: the record time read up to, how many events recorded at exactly that
 * time were read (a capture records many events at one time, and `GE_recordTime` includes that time), and
 * the repository's token for the next page while a page run is under way. Small, and readable in a log:
 * `2026-12-04T19:00:00.000Z|3|<token>`.
 */

/** Where the feed stands. */
export interface FeedPosition {
  time: string | undefined;
  seen: number;
  token: string | undefined;
}

/** The cursor for `position`. */
export function feedCursor(position: FeedPosition): string {
  return `${position.time ?? ''}|${position.seen}|${position.token ?? ''}`;
}

/** Reads a cursor `feedCursor` wrote; null (or anything else) is the start of the feed. */
export function readFeedCursor(cursor: string | null): FeedPosition {
  const [time = '', seen = '0', ...token] = (cursor ?? '').split('|');
  const count = Number(seen);
  return {
    time: time === '' || Number.isNaN(Date.parse(time)) ? undefined : time,
    seen: Number.isInteger(count) && count >= 0 ? count : 0,
    // A page token is the repository's own text: whatever follows the second bar, bars included.
    token: token.length === 0 || token.join('|') === '' ? undefined : token.join('|'),
  };
}
