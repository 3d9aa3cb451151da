import type { StoredDiamond } from '../../store/index.js';
import type { Principal } from '../auth.js';
import { invalidField } from '../problem.js';
import type { ApiServices } from '../services.js';
import { stoneSyncStatus, type SyncEntry } from '../sync-status.js';
import { isBridgeId, mayRead } from './diamonds.js';
import { wholeNumberParam } from './params.js';
import { defineRoute } from './types.js';

/**
 * Where a producer's stones stand on each platform: counts per status, and the stones in one status, with
 * the reason a platform was not written. Both read every stored stone the caller may see (a page of records
 * and their sync jobs at a time), so their cost grows with the stones held, not with the answer's length.
 */

const SYNC_STATUSES = ['in_sync', 'pending', 'failed', 'not_synced', 'not_permitted'] as const;
type SyncStatus = (typeof SYNC_STATUSES)[number];

/** How many records one scan step reads from the store. */
const SCAN_PAGE = 200;

/** One stored stone the caller may read, and its status on each platform. */
interface StoneSync {
  stored: StoredDiamond;
  sync: Record<string, SyncEntry>;
}

/**
 * The caller's stones from `cursor` on, a store page at a time, each with its sync status; `cursor` of the
 * last page read is returned with each, so a listing can stop anywhere and go on from there.
 */
async function* readableStones(
  services: ApiServices,
  principal: Principal,
  cursor: string | null,
): AsyncGenerator<{ stones: StoneSync[]; cursor: string | null }> {
  let next = cursor;
  do {
    const page = await services.store.diamonds.list({ cursor: next, count: SCAN_PAGE });
    const stored = await services.store.diamonds.getMany(page.ids);
    const readable = stored.filter(
      (entry): entry is StoredDiamond => entry !== null && mayRead(principal, entry.record),
    );
    const stones = await Promise.all(readable.map(async (entry) => stoneSyncStatus(services, entry)));
    next = page.cursor;
    yield { stones, cursor: next };
  } while (next !== null);
}

/** `GET /v1/sync/summary`: how many of the caller's stones stand in each status on each platform. */
export const syncSummary = defineRoute({
  method: 'get',
  path: '/v1/sync/summary',
  operationId: 'syncSummary',
  summary: "How many of the caller's stones are in each sync status, per platform",
  description:
    "For each platform: the stones it holds at their current content (in_sync), waiting for a sync job (pending), whose job failed (failed), never sent (not_synced) or needing an act no signer of the bridge may take there (not_permitted). A producer counts only its own organisation's stones. Reads every stone the caller may see.",
  tag: 'jobs',
  access: ['admin', 'producer'],
  responses: { 200: { description: 'The counts.', schema: 'sync-summary' } },
  async handler({ services, principal }) {
    const platforms: Record<string, Record<SyncStatus, number>> = {};
    let stones = 0;
    for await (const page of readableStones(services, principal as Principal, null)) {
      stones += page.stones.length;
      for (const { sync } of page.stones) {
        for (const [platform, entry] of Object.entries(sync)) {
          const counts = (platforms[platform] ??= zeroCounts());
          counts[entry.status as SyncStatus] += 1;
        }
      }
    }
    return { status: 200, body: { stones, platforms } };
  },
});

/** `GET /v1/sync/stones?platform=&status=&cursor=&limit=`: the caller's stones in one status, paged. */
export const listSyncStones = defineRoute({
  method: 'get',
  path: '/v1/sync/stones',
  operationId: 'listSyncStones',
  summary: "The caller's stones in a sync status on a platform, a page at a time",
  description:
    "Each stone with its references and, per platform that matches, its status, the reason it was not written (a failed job's last error, or the act no signer may take) and its sync job. Paged with an opaque cursor; the filters apply before the page limit, so a page may be short (even empty) while `cursor` is not null.",
  tag: 'jobs',
  access: ['admin', 'producer'],
  query: [
    { name: 'platform', description: "Only this platform's status.", schema: { type: 'string' } },
    { name: 'status', description: 'Only stones in this status.', schema: { enum: [...SYNC_STATUSES] } },
    {
      name: 'cursor',
      description: "The previous page's `cursor`, with the same filters.",
      schema: { type: 'string', maxLength: 128 },
    },
    {
      name: 'limit',
      description: 'Most stones on the page, 1 to 500 (default 50).',
      schema: { type: 'integer', minimum: 1, maximum: 500 },
    },
  ],
  responses: { 200: { description: 'A page of stones.', schema: 'sync-stone-page' } },
  async handler({ services, principal, req }) {
    const query = req.query as Record<string, unknown>;
    const { platform, status, cursor } = query;
    if (platform !== undefined && (typeof platform !== 'string' || !services.adapters.has(platform))) {
      throw invalidField(
        '#/query/platform',
        `must be one of ${[...services.adapters.keys()].join(', ')}, got ${JSON.stringify(platform)}`,
      );
    }
    if (status !== undefined && !(SYNC_STATUSES as readonly unknown[]).includes(status))
      throw invalidField(
        '#/query/status',
        `must be one of ${SYNC_STATUSES.join(', ')}, got ${JSON.stringify(status)}`,
      );
    if (cursor !== undefined && (typeof cursor !== 'string' || !isBridgeId(cursor)))
      throw invalidField('#/query/cursor', 'must be the cursor of a previous page');
    const limit = wholeNumberParam(query, 'limit', { min: 1, max: 500, fallback: 50 });

    const stones: NonNullable<ReturnType<typeof stoneRow>>[] = [];
    let next: string | null = null;
    scan: for await (const page of readableStones(services, principal as Principal, cursor ?? null)) {
      next = page.cursor;
      for (const stone of page.stones) {
        const row = stoneRow(stone, platform, status as SyncStatus | undefined);
        if (!row) continue;
        stones.push(row);
        // A full page: the next one starts after this stone, however far the scan read.
        if (stones.length === limit) {
          next = row.id;
          break scan;
        }
      }
    }
    return { status: 200, body: { stones, cursor: next } };
  },
});

/** A stone's row of the listing, or undefined when no platform matches the filters. */
function stoneRow({ stored, sync }: StoneSync, platform?: string, status?: SyncStatus) {
  const entries = Object.entries(sync).filter(
    ([name, entry]) =>
      (platform === undefined || name === platform) && (status === undefined || entry.status === status),
  );
  if (entries.length === 0) return undefined;
  const { identifiers } = stored.record;
  return {
    id: stored.record.id as string,
    ...(identifiers?.producerRef === undefined ? {} : { producerRef: identifiers.producerRef }),
    ...(identifiers?.roughControlNumber === undefined
      ? {}
      : { roughControlNumber: identifiers.roughControlNumber }),
    updatedAt: stored.updatedAt,
    sync: Object.fromEntries(entries),
  };
}

function zeroCounts(): Record<SyncStatus, number> {
  return { in_sync: 0, pending: 0, failed: 0, not_synced: 0, not_permitted: 0 };
}
