/**
 * Rejected changes: platform records a change feed (or a webhook) handed over that the bridge cannot store
 * (a native record the adapter cannot map, a merge that breaks the schema, an identifier another stone
 * holds, two stones matching with certainty). Each is written to the audit log and to a capped list an
 * operator reads, then skipped: one bad record must not hold the feed's cursor back forever.
 */
import type { PlatformRecord, RejectedChange } from '../adapters/contract.js';
import type { AnyAdapter } from '../adapters/registry.js';
import { parseJson } from '../store/audit.js';
import type { Store } from '../store/index.js';

/** How many rejected changes the list keeps, newest first; older ones stay in the audit log only. */
export const REJECTED_CHANGES_KEPT = 1_000;

/** One change the bridge could not store. */
export interface RejectedChangeEntry {
  /** The platform the record came from. */
  platform: string;
  /** The platform's own reference for the record. */
  ref: string;
  /** What is wrong, naming the field and the value. */
  reason: string;
  /** The stone the record was meant for, when the bridge knew it. */
  diamondId?: string;
  /** When it was rejected (ISO 8601, UTC). */
  at: string;
  /** Who was ingesting: `feed:gia`, `webhook:tracr`. */
  actor: string;
}

/** A rejection as the ingestion reports it, before it is stamped. */
export type Rejection = Pick<RejectedChangeEntry, 'ref' | 'reason'> & { diamondId?: string };

/**
 * Records rejections from `platform`: one audit entry each (`action: change-rejected`, in the stone's own
 * history too when the stone is known), then one list entry each.
 */
export async function recordRejectedChanges(
  store: Store,
  platform: string,
  rejections: readonly Rejection[],
  { actor }: { actor: string },
): Promise<RejectedChangeEntry[]> {
  if (rejections.length === 0) return [];
  const at = new Date().toISOString();
  const entries = rejections.map((rejection): RejectedChangeEntry => ({
    platform,
    ...rejection,
    reason: clip(rejection.reason),
    at,
    actor,
  }));
  await store.audit.append(
    entries.map((entry) => ({
      at,
      actor,
      action: 'change-rejected',
      ...(entry.diamondId === undefined ? {} : { diamondId: entry.diamondId }),
      platform,
      detail: { ref: entry.ref, reason: entry.reason },
    })),
  );
  const multi = store.redis.multi();
  for (const entry of entries) multi.lpush(store.keys.rejectedChanges, JSON.stringify(entry));
  multi.ltrim(store.keys.rejectedChanges, 0, REJECTED_CHANGES_KEPT - 1);
  for (const [error] of (await multi.exec()) ?? []) if (error) throw error;
  return entries;
}

/** The latest rejected changes, newest first (at most `count`, default 100), of one platform or all. */
export async function listRejectedChanges(
  store: Store,
  { count = 100, platform }: { count?: number; platform?: string } = {},
): Promise<RejectedChangeEntry[]> {
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`rejected changes count ${count} must be a positive integer`);
  const key = store.keys.rejectedChanges;
  // The list is capped at REJECTED_CHANGES_KEPT, so reading it whole to filter stays small.
  const stored = await store.redis.lrange(key, 0, platform === undefined ? count - 1 : -1);
  const entries = stored.map((json) => parseJson(key, json) as RejectedChangeEntry);
  return (platform === undefined ? entries : entries.filter((entry) => entry.platform === platform)).slice(
    0,
    count,
  );
}

/**
 * The entries of the rejected list for `refs` of `platform`, as stored (so exactly these can be forgotten
 * later, and none recorded meanwhile).
 */
export async function rejectedEntriesOf(
  store: Store,
  platform: string,
  refs: readonly string[],
): Promise<string[]> {
  const key = store.keys.rejectedChanges;
  const wanted = new Set(refs);
  const stored = await store.redis.lrange(key, 0, -1);
  return stored.filter((json) => {
    const entry = parseJson(key, json) as RejectedChangeEntry;
    return entry.platform === platform && wanted.has(entry.ref);
  });
}

/** Removes these entries (as {@link rejectedEntriesOf} answered them) from the rejected list. */
export async function forgetRejectedChanges(store: Store, entries: readonly string[]): Promise<void> {
  if (entries.length === 0) return;
  const pipeline = store.redis.pipeline();
  for (const json of new Set(entries)) pipeline.lrem(store.keys.rejectedChanges, 0, json);
  const replies = (await pipeline.exec()) ?? [];
  for (const [error] of replies) if (error) throw error;
}

/**
 * The records of a feed page the bridge can read, and the rest set aside with the reason, for any adapter:
 * a record with no ref, or whose canonical view is missing and whose native form the adapter's own
 * `toCanonical` cannot map, is a rejected change rather than a page that fails for good. A client may so
 * hand over native records alone and leave the mapping, and the setting aside, to the feed machinery.
 */
export function setAsideUnreadable(
  adapter: AnyAdapter,
  records: readonly PlatformRecord[],
): { readable: PlatformRecord[]; rejected: RejectedChange[] } {
  const readable: PlatformRecord[] = [];
  const rejected: RejectedChange[] = [];
  records.forEach((record, index) => {
    const ref = typeof record.ref === 'string' && record.ref !== '' ? record.ref : undefined;
    if (ref === undefined) {
      rejected.push({ ref: `#${index}`, reason: `[${adapter.name}] feed item ${index} carries no ref` });
      return;
    }
    if (typeof record.canonical === 'object' && record.canonical !== null) {
      readable.push(record);
      return;
    }
    try {
      const { value, loss } = adapter.toCanonical(record.native);
      readable.push({ ...record, canonical: value, loss });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      rejected.push({ ref, reason: `[${adapter.name}] ${ref} cannot be mapped: ${reason}` });
    }
  });
  return { readable, rejected };
}

// A reason quotes the platform's values; a runaway one must not fill the list.
function clip(reason: string): string {
  return reason.length > 2_000 ? `${reason.slice(0, 2_000)}…` : reason;
}
