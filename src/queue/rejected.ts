/**
 * Rejected changes: platform records a change feed (or a webhook) handed over that the bridge cannot store
 * (a native record the adapter cannot map, a merge that breaks the schema, an identifier another stone
 * holds, two stones matching with certainty). Each is written to the audit log and to a capped list an
 * operator reads, then skipped: one bad record must not hold the feed's cursor back forever.
 */
import { parseJson, trimAuditInMulti } from '../store/audit.js';
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
 * history too when the stone is known) and one list entry each, in one MULTI so the two agree.
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
  const { keys } = store;
  const { retention } = store.audit;
  const multi = store.redis.multi();
  const stones = new Set<string>();
  for (const entry of entries) {
    const fields = [
      'at',
      at,
      'actor',
      actor,
      'action',
      'change-rejected',
      'diamondId',
      entry.diamondId ?? '',
      'platform',
      platform,
      'detail',
      JSON.stringify({ ref: entry.ref, reason: entry.reason }),
    ];
    multi.xadd(keys.auditLog, '*', ...fields);
    if (entry.diamondId !== undefined) {
      multi.xadd(keys.stoneAudit(entry.diamondId), '*', ...fields);
      stones.add(entry.diamondId);
    }
    multi.lpush(keys.rejectedChanges, JSON.stringify(entry));
  }
  const now = Date.now();
  trimAuditInMulti(multi, keys.auditLog, retention.maxLen, retention, now);
  for (const id of stones)
    trimAuditInMulti(multi, keys.stoneAudit(id), retention.stoneMaxLen, retention, now);
  multi.ltrim(keys.rejectedChanges, 0, REJECTED_CHANGES_KEPT - 1);
  const replies = (await multi.exec()) ?? [];
  for (const [error] of replies) if (error) throw error;
  return entries;
}

/** The latest rejected changes, newest first (at most `count`, default 100). */
export async function listRejectedChanges(
  store: Store,
  { count = 100 }: { count?: number } = {},
): Promise<RejectedChangeEntry[]> {
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`rejected changes count ${count} must be a positive integer`);
  const key = store.keys.rejectedChanges;
  const stored = await store.redis.lrange(key, 0, count - 1);
  return stored.map((json) => parseJson(key, json) as RejectedChangeEntry);
}

// A reason quotes the platform's values; a runaway one must not fill the list.
function clip(reason: string): string {
  return reason.length > 2_000 ? `${reason.slice(0, 2_000)}…` : reason;
}
