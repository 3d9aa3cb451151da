/**
 * Change feeds: a job scheduler per adapter with a feed pulls `client.changes(cursor)` page by page. Each
 * page goes through the one inbound path (inbound-records.ts): linked to its stones, merged, and saved together
 * with the cursor in one atomic step, so the cursor never passes a change that was not stored. A change
 * that cannot be read or stored, from any adapter's feed, is recorded as rejected and skipped, so it
 * cannot hold the feed back forever.
 */
import { UnrecoverableError, type Processor } from 'bullmq';
import type { ChangePage, PlatformClient, PlatformRecord, RejectedChange } from '../adapters/contract.js';
import { PlatformError } from '../adapters/errors.js';
import type { AnyAdapter } from '../adapters/registry.js';
import type { Tolerances } from '../match/types.js';
import type { Store, RedisClient } from '../store/index.js';
import type { Participants } from '../participants/registry.js';
import { ingestPlatformRecords } from './inbound-records.js';
import { FEED_QUEUE, feedSchedulerId, type FeedJobData } from '../queue/job-ids.js';
import { tryLease } from '../queue/lock.js';
import type { BridgeQueues } from '../queue/queues.js';
import { forgetRejectedChanges, rejectedEntriesOf, setAsideUnreadable } from './rejected.js';

/** What the feed processor works with. */
export interface FeedContext {
  adapters: ReadonlyMap<string, AnyAdapter>;
  clients: ReadonlyMap<string, PlatformClient>;
  store: Store;
  queues: BridgeQueues;
  redis: RedisClient;
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
  return async (job) => {
    const { adapter, retry } = job.data;
    if (retry === undefined) return pullFeed(context, adapter, String(job.id));
    const result = await retryRejected(context, adapter, retry, String(job.id));
    // A pull holds the feed: the retry waits its turn (the job's backoff) rather than doing nothing.
    if (result.skipped) throw new Error(`[${adapter}] the change feed is being pulled; retrying later`);
    return result;
  };
}

/** Queues a retry of `refs`, rejected changes of `adapter`, for a feed worker; answers the job ID. */
export async function queueRejectedRetry(
  queues: BridgeQueues,
  adapter: string,
  refs: readonly string[],
): Promise<string> {
  const job = await queues.feeds.add(
    'retry',
    { adapter, retry: [...refs] },
    { attempts: 20, backoff: { type: 'exponential', delay: 1_000 } },
  );
  return String(job.id);
}

/**
 * Pulls `name`'s change feed once, up to `maxPages` pages. Pulls of one feed never overlap, across
 * processes too: a pull that finds another running returns at once with `skipped`.
 */
export async function pullFeed(context: FeedContext, name: string, holder = 'pull'): Promise<FeedPullResult> {
  const { adapter, client } = feedOf(context, name);
  return underFeedLease(context, name, holder, (held) => pull(context, adapter, client, held));
}

/**
 * Reads the records `refs` names again and stores what the bridge can read now, under the feed's lease so a
 * retry never interleaves with a pull. Each stored one leaves the rejected list; one still unreadable is
 * recorded again with today's reason, and one the platform no longer holds is recorded as such.
 */
export async function retryRejected(
  context: FeedContext,
  name: string,
  refs: readonly string[],
  holder = 'retry',
): Promise<FeedPullResult> {
  const adapter = context.adapters.get(name);
  const client = context.clients.get(name);
  if (!adapter || !client)
    throw new UnrecoverableError(`[${name}] no client is configured for adapter '${name}'`);
  // The entries being retried, as they are now: those rejected again are recorded anew meanwhile.
  const retried = await rejectedEntriesOf(context.store, name, refs);
  const result = await underFeedLease(context, name, holder, async () => {
    const read = await Promise.all(refs.map(async (ref) => readAgain(client, name, ref)));
    const { readable, rejected } = setAsideUnreadable(
      adapter,
      read.flatMap((entry) => ('record' in entry ? [entry.record] : [])),
    );
    for (const entry of read) if ('reason' in entry) rejected.push(entry);
    const ingested = await ingestPlatformRecords(context, name, readable, {
      actor: `retry:${name}`,
      action: 'change-feed',
      rejected,
    });
    const outcome = { pages: 0, changes: refs.length, stored: ingested.stored, rejected: 0, proposed: 0 };
    outcome.rejected = ingested.rejected.length;
    outcome.proposed = ingested.outcomes.filter((entry) => entry.status === 'proposed').length;
    return outcome;
  });
  // The retried entries leave the list; those rejected again were recorded anew, with today's reason.
  if (!result.skipped) await forgetRejectedChanges(context.store, retried);
  return result;
}

/**
 * One record read again: the record, or why it is still refused (the platform no longer holds it, or
 * refuses it for good). A failure worth retrying (a timeout, a 5xx) throws, and the job retries.
 */
async function readAgain(
  client: PlatformClient,
  name: string,
  ref: string,
): Promise<{ record: PlatformRecord } | RejectedChange> {
  try {
    const record = await client.get(ref);
    return record ? { record } : { ref, reason: `[${name}] ${ref} is no longer held by the platform` };
  } catch (error) {
    if (error instanceof PlatformError && error.failure === 'unrecoverable')
      return { ref, reason: error.message };
    throw error;
  }
}

function feedOf(context: FeedContext, name: string): { adapter: AnyAdapter; client: PlatformClient } {
  const adapter = context.adapters.get(name);
  const client = context.clients.get(name);
  if (!adapter || !client?.changes)
    throw new UnrecoverableError(`[${name}] no change feed is configured for adapter '${name}'`);
  return { adapter, client };
}

/** Runs `work` holding `name`'s feed lease; answers `skipped` when another pull or retry holds it. */
async function underFeedLease(
  context: FeedContext,
  name: string,
  holder: string,
  work: (held: () => boolean) => Promise<FeedPullResult>,
): Promise<FeedPullResult> {
  // Renewed while the work runs, so a pull longer than the lease is never overlapped by the next.
  const lease = await tryLease(
    context.redis,
    `${context.prefix}:lease:${FEED_QUEUE}:${name}`,
    holder,
    context.leaseMs,
    { renew: true },
  );
  if (!lease) return { pages: 0, changes: 0, stored: 0, rejected: 0, proposed: 0, skipped: true };
  try {
    return await work(() => lease.held());
  } finally {
    await lease.release();
  }
}

async function pull(
  context: FeedContext,
  adapter: AnyAdapter,
  client: PlatformClient,
  held: () => boolean,
): Promise<FeedPullResult> {
  const { store } = context;
  const result: FeedPullResult = { pages: 0, changes: 0, stored: 0, rejected: 0, proposed: 0 };
  let cursor = await store.cursors.getCursor(adapter.name);
  let page: ChangePage;
  do {
    // Taken before the read: whatever the bridge syncs after it, the page may not show.
    const viewsReadFrom = new Date().toISOString();
    page = await client.changes!(cursor);
    result.pages += 1;
    result.changes += page.changes.length + (page.rejected?.length ?? 0);
    // What the adapter set aside itself, and what the bridge cannot read, are recorded alike.
    const { readable, rejected } = setAsideUnreadable(adapter, page.changes);
    rejected.unshift(...(page.rejected ?? []));
    if (readable.length > 0 || rejected.length > 0) {
      const ingested = await ingestPlatformRecords(context, adapter.name, readable, {
        actor: `feed:${adapter.name}`,
        action: 'change-feed',
        cursor: page.cursor,
        rejected,
        viewsReadFrom,
      });
      result.stored += ingested.stored;
      result.rejected += ingested.rejected.length;
      result.proposed += ingested.outcomes.filter((outcome) => outcome.status === 'proposed').length;
    } else if (page.cursor !== null && page.cursor !== cursor)
      await store.cursors.setCursor(adapter.name, page.cursor);
    cursor = page.cursor;
    // Only now is the cursor stored, so the platform may forget what it has handed over.
    await (client as Acknowledging).acknowledge?.(cursor);
    // A lease lost (a renewal that came too late) may be another pull's now: stop before its next page.
  } while (page.more && result.pages < (context.maxPages ?? 50) && held());
  return result;
}
