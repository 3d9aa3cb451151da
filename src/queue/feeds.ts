/**
 * Change feeds: a job scheduler per adapter with a feed pulls `client.changes(cursor)` page by page. Each
 * change is linked to its stone (identity map, else the bridge ID the platform echoes, else any shared
 * identifier, else a new stone), merged into the bridge's record, and saved together with the cursor in
 * one atomic step: the cursor never passes a change that was not stored. Sync jobs to the other platforms
 * are enqueued before the save, waiting for it, so a crash between the two cannot lose the fan-out.
 */
import { UnrecoverableError, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ChangePage, PlatformClient, PlatformRecord } from '../adapters/contract.js';
import type { AnyAdapter } from '../adapters/registry.js';
import { contentHash, sha256Hex } from '../mapping/content-hash.js';
import { validateDiamond } from '../mapping/validate.js';
import { IDENTIFIER_NAMES, newDiamondId, type Store, type StoredDiamond } from '../store/index.js';
import type { DiamondRecord } from '../types/diamond.js';
import { FEED_QUEUE, feedSchedulerId, type FeedJobData } from './job-ids.js';
import { tryLease } from './lock.js';
import { mergePlatformView } from './merge.js';
import { enqueueSync, type BridgeQueues, type SyncRequest } from './queues.js';
import { chooseTargets } from './targets.js';

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
}

/** What a pull did. */
export interface FeedPullResult {
  pages: number;
  changes: number;
  /** Stones whose stored content changed. */
  stored: number;
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
    const name = job.data.adapter;
    const adapter = context.adapters.get(name);
    const client = context.clients.get(name);
    if (!adapter || !client?.changes)
      throw new UnrecoverableError(`[${name}] no change feed is configured for adapter '${name}'`);
    const lease = await tryLease(
      context.redis,
      `${context.prefix}:lease:${FEED_QUEUE}:${name}`,
      String(job.id),
      context.leaseMs,
    );
    if (!lease) return { pages: 0, changes: 0, stored: 0, skipped: true };
    try {
      return await pull(context, adapter, client);
    } finally {
      await lease.release();
    }
  };
}

async function pull(
  context: FeedContext,
  adapter: AnyAdapter,
  client: PlatformClient,
): Promise<FeedPullResult> {
  const { store } = context;
  const result: FeedPullResult = { pages: 0, changes: 0, stored: 0 };
  let cursor = await store.cursors.getCursor(adapter.name);
  let page: ChangePage;
  do {
    page = await client.changes!(cursor);
    result.pages += 1;
    result.changes += page.changes.length;
    if (page.changes.length > 0) result.stored += await applyPage(context, adapter, page);
    else if (page.cursor !== null && page.cursor !== cursor)
      await store.cursors.setCursor(adapter.name, page.cursor);
    cursor = page.cursor;
    // Only now is the cursor stored, so the platform may forget what it has handed over.
    await (client as Acknowledging).acknowledge?.(cursor);
  } while (page.more && result.pages < (context.maxPages ?? 50));
  return result;
}

interface Pending {
  id: string;
  base: StoredDiamond | null;
  record: DiamondRecord | undefined;
  seen: PlatformRecord[];
}

async function applyPage(context: FeedContext, adapter: AnyAdapter, page: ChangePage): Promise<number> {
  const { store } = context;
  const platform = adapter.name;
  const byId = new Map<string, Pending>();
  for (const change of page.changes) {
    const id = (await resolveStone(store, platform, change)) ?? newDiamondId();
    let entry = byId.get(id);
    if (!entry) {
      const base = await store.diamonds.get(id);
      entry = { id, base, record: base?.record, seen: [] };
      byId.set(id, entry);
    }
    entry.record = {
      ...mergePlatformView(entry.record, change.canonical, {
        platform,
        authoritative: adapter.authoritative,
      }),
      id,
    };
    entry.seen.push(change);
  }
  const changed: Pending[] = [];
  for (const entry of byId.values()) {
    const record = entry.record!;
    const validation = validateDiamond(record);
    if (!validation.valid) {
      const [first] = validation.errors;
      throw new UnrecoverableError(
        `[${platform}] change to ${entry.seen.map((c) => c.ref).join(', ')} makes stone ${entry.id} invalid at ${first?.pointer ?? '/'}: ${first?.message ?? 'invalid'}`,
      );
    }
    if (contentHash(record) !== entry.base?.hash) changed.push(entry);
  }
  const requests: SyncRequest[] = changed.flatMap((entry) =>
    chooseTargets(entry.record!, context.adapters.values(), platform).targets.map((target) => ({
      target,
      diamondId: entry.id,
      hash: contentHash(entry.record!),
      afterVersion: entry.base?.version ?? 0,
      changed: true,
    })),
  );
  await enqueueSync(context.queues, requests);
  const context_ = { actor: `feed:${platform}`, action: 'change-feed', platform };
  const changes = changed.map((entry) => ({
    record: entry.record!,
    expectedVersion: entry.base?.version ?? 0,
  }));
  if (page.cursor === null) await store.diamonds.saveMany(changes, context_);
  else await store.cursors.saveChangesAndAdvance(platform, page.cursor, changes, context_);
  for (const entry of byId.values()) {
    for (const change of entry.seen) {
      await store.identity.recordSync(
        entry.id,
        platform,
        { ref: change.ref, syncedAt: new Date().toISOString(), hash: sha256Hex(change.native) },
        { actor: context_.actor, action: 'change-feed' },
      );
    }
  }
  return changed.length;
}

async function resolveStone(
  store: Store,
  platform: string,
  change: PlatformRecord,
): Promise<string | undefined> {
  const linked = await store.identity.resolve(platform, change.ref);
  if (linked) return linked;
  const echoed = change.canonical.id;
  if (echoed !== undefined && (await store.diamonds.get(echoed))) return echoed;
  const identifiers = change.canonical.identifiers ?? {};
  for (const name of IDENTIFIER_NAMES) {
    const value = identifiers[name];
    if (value === undefined) continue;
    const found = await store.identity.findByIdentifier(name, value);
    if (found) return found;
  }
  return undefined;
}
