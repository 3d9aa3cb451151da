/**
 * Change feeds: a job scheduler per adapter with a feed pulls `client.changes(cursor)` page by page. Each
 * page goes through the one inbound path (inbound.ts): linked to its stones, merged, and saved together
 * with the cursor in one atomic step, so the cursor never passes a change that was not stored. A change
 * that cannot be stored is recorded as rejected and skipped, so it cannot hold the feed back forever.
 */
import { UnrecoverableError, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ChangePage, PlatformClient } from '../adapters/contract.js';
import type { AnyAdapter } from '../adapters/registry.js';
import type { Tolerances } from '../reconcile/types.js';
import type { Store } from '../store/index.js';
import type { Participants } from '../participants/registry.js';
import { ingestPlatformRecords } from './inbound.js';
import { FEED_QUEUE, feedSchedulerId, type FeedJobData } from './job-ids.js';
import { tryLease } from './lock.js';
import type { BridgeQueues } from './queues.js';

/** What the feed processor works with. */
export interface FeedContext {
  adapters: ReadonlyMap<string, AnyAdapter>;
  clients: ReadonlyMap<string, PlatformClient>;
  store: Store;
  queues: BridgeQueues;
  redis: Redis;
  prefix: string;
  /** How long one adapter's pull may hold its lease; pulls of one feed never overlap. */
  leaseMs: number;
  /** Pages read per pull before yielding to the next scheduled pull. Default 50. */
  maxPages?: number;
  /** Matching tolerances for records no stone is linked to yet. */
  tolerances?: Partial<Tolerances>;
  /** The participants registry, for custody changes the feeds report. */
  participants?: Participants;
}

/** What a pull did. */
export interface FeedPullResult {
  pages: number;
  changes: number;
  /** Stones whose stored content changed. */
  stored: number;
  /** Changes recorded as rejected and skipped (see `listRejectedChanges`). */
  rejected: number;
  /** Changes left as match proposals for a person. */
  proposed: number;
  /** Another pull of the same feed was running, so this one did nothing. */
  skipped?: boolean;
}

/** A platform that can acknowledge its change feed (GIA's `clearChangedReports`). */
interface Acknowledging {
  acknowledge?(cursor: string | null): Promise<void>;
}

/** Schedules a pull of every adapter's change feed every `everyMs`. */
export async function scheduleFeeds(
  queues: BridgeQueues,
  adapters: Iterable<AnyAdapter>,
  everyMs: number,
): Promise<string[]> {
  const scheduled: string[] = [];
  for (const adapter of adapters) {
    if (!adapter.capabilities.changeFeed) continue;
    await queues.feeds.upsertJobScheduler(
      feedSchedulerId(adapter.name),
      { every: everyMs },
      {
        name: 'pull',
        data: { adapter: adapter.name },
        opts: { removeOnComplete: { count: 20 }, removeOnFail: { count: 200 } },
      },
    );
    scheduled.push(adapter.name);
  }
  return scheduled;
}

/** The BullMQ processor of the {@link FEED_QUEUE} queue. */
export function createFeedProcessor(context: FeedContext): Processor<FeedJobData, FeedPullResult> {
  return (job) => pullFeed(context, job.data.adapter, String(job.id));
}

/**
 * Pulls `name`'s change feed once, up to `maxPages` pages. Pulls of one feed never overlap, across
 * processes too: a pull that finds another running returns at once with `skipped`.
 */
export async function pullFeed(context: FeedContext, name: string, holder = 'pull'): Promise<FeedPullResult> {
  const adapter = context.adapters.get(name);
  const client = context.clients.get(name);
  if (!adapter || !client?.changes)
    throw new UnrecoverableError(`[${name}] no change feed is configured for adapter '${name}'`);
  const lease = await tryLease(
    context.redis,
    `${context.prefix}:lease:${FEED_QUEUE}:${name}`,
    holder,
    context.leaseMs,
  );
  if (!lease) return { pages: 0, changes: 0, stored: 0, rejected: 0, proposed: 0, skipped: true };
  try {
    return await pull(context, adapter, client);
  } finally {
    await lease.release();
  }
}

async function pull(
  context: FeedContext,
  adapter: AnyAdapter,
  client: PlatformClient,
): Promise<FeedPullResult> {
  const { store } = context;
  const result: FeedPullResult = { pages: 0, changes: 0, stored: 0, rejected: 0, proposed: 0 };
  let cursor = await store.cursors.getCursor(adapter.name);
  let page: ChangePage;
  do {
    page = await client.changes!(cursor);
    result.pages += 1;
    result.changes += page.changes.length + (page.rejected?.length ?? 0);
    if (page.changes.length > 0 || (page.rejected?.length ?? 0) > 0) {
      const ingested = await ingestPlatformRecords(context, adapter.name, page.changes, {
        actor: `feed:${adapter.name}`,
        action: 'change-feed',
        cursor: page.cursor,
        rejected: page.rejected ?? [],
      });
      result.stored += ingested.stored;
      result.rejected += ingested.rejected.length;
      result.proposed += ingested.outcomes.filter((outcome) => outcome.status === 'proposed').length;
    } else if (page.cursor !== null && page.cursor !== cursor)
      await store.cursors.setCursor(adapter.name, page.cursor);
    cursor = page.cursor;
    // Only now is the cursor stored, so the platform may forget what it has handed over.
    await (client as Acknowledging).acknowledge?.(cursor);
  } while (page.more && result.pages < (context.maxPages ?? 50));
  return result;
}
