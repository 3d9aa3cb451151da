/**
 * One sync job: write the stone's latest stored content to one platform, exactly once. The worker reads
 * the platform first and skips the write when the platform already holds the content; writes carry an
 * idempotency key that is stable across retries; after an ambiguous failure the next attempt's read finds
 * a write that landed. Jobs for the same stone and platform never run at once, even across processes.
 * Every job leaves the platform's view of the stone as its mirror, for the reconciler to compare.
 */
import { DelayedError, type Job, type Processor } from 'bullmq';
import type { PlatformClient, PlatformRecord } from '../adapters/contract.js';
import { NotPermittedError } from '../adapters/errors.js';
import type { AnyAdapter } from '../adapters/registry.js';
import { contentHash, sha256Hex } from '../mapping/content-hash.js';
import type { Translation } from '../mapping/loss.js';
import {
  IDENTIFIER_NAMES,
  UnknownDiamondError,
  VersionConflictError,
  type Fence,
  type IdentifierName,
  type Store,
  type StoredDiamond,
  type RedisClient,
} from '../store/index.js';
import type { DiamondRecord } from '../types/diamond.js';
import type { PutBatcher } from '../queue/batcher.js';
import {
  platformHolds,
  recordForPlatform,
  writtenForm,
  writtenFormChanges,
  writtenFormIfAny,
} from './compare.js';
import { syncJobId, type SyncJobData, type SyncJobResult } from '../queue/job-ids.js';
import { identityResolver, withBridgeLineage } from './lineage-links.js';
import { tryLease, type Lease } from '../queue/lock.js';
import { jobFailure, outlived, retryAfterOf } from '../queue/policy.js';
import { enqueueSync, type BridgeQueues } from '../queue/queues.js';
import { chooseTargets } from './targets.js';

/** What a sync processor works with. */
export interface SyncContext {
  adapter: AnyAdapter;
  client: PlatformClient;
  batcher: PutBatcher;
  store: Store;
  queues: BridgeQueues;
  /** Every adapter, for the jobs a written-back identifier fans out to. */
  adapters: readonly AnyAdapter[];
  /** For the per-stone lock; shares the store's hash tag. */
  redis: RedisClient;
  /**
   * The store's prefix, not the job's queue partition's: the lock key names the platform and the stone,
   * so it is one per stone whatever partition its jobs are in, and stays the same across a repartition.
   */
  prefix: string;
  /** How long a per-stone lock lives if its holder dies. */
  lockMs: number;
  /** How long a job retries, from its first attempt, before a retryable failure is final. */
  retryMaxAgeMs: number;
}

/** The job's hold on the stone lapsed while it worked: what it read may be stale, so it is retried. */
class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/** A change enqueued before its save landed: retried until the store holds it. */
class NotStoredYetError extends Error {
  override readonly name = 'NotStoredYetError';
}

/** The BullMQ processor for `context.adapter`'s sync queue. */
export function createSyncProcessor(context: SyncContext): Processor<SyncJobData, SyncJobResult> {
  const target = context.adapter.name;
  return async (job, token) => {
    const { diamondId } = job.data;
    if (job.attemptsMade > 0)
      await job.log(JSON.stringify({ attempt: job.attemptsMade + 1, startedAt: Date.now() }));
    const lease = await tryLease(
      context.redis,
      context.store.keys.syncLease(target, diamondId),
      `${job.id}:${token ?? ''}`,
      context.lockMs,
      // Renewed while the job works: a write that waits for a slow block keeps the stone to itself.
      { renew: true },
    );
    if (!lease) {
      // Another job is writing this stone here; waiting costs no attempt and avoids two creates at once.
      await job.moveToDelayed(Date.now() + 50 + Math.floor(Math.random() * 200), token);
      throw new DelayedError();
    }
    const putMade = context.batcher.expect();
    try {
      return await syncStone(context, job, putMade, lease);
    } catch (error) {
      putMade();
      const failure = await agedFailure(job, jobFailure(error, { target, diamondId }), context.retryMaxAgeMs);
      await job.log(
        JSON.stringify({
          attempt: job.attemptsMade + 1,
          failedAt: Date.now(),
          reason: failure.message,
          ...(retryAfterOf(error) === undefined ? {} : { retryAfterMs: retryAfterOf(error) }),
        }),
      );
      throw failure;
    } finally {
      putMade();
      await lease.release();
    }
  };
}

/**
 * The failure a job fails with, given its age: a retryable one past the job's retry age becomes final.
 * The first failure records when the job's first attempt started, so only failing jobs pay for the write.
 */
async function agedFailure(
  job: Job<SyncJobData, SyncJobResult>,
  failure: Error,
  maxAgeMs: number,
): Promise<Error> {
  const firstAttemptAt = job.data.firstAttemptAt ?? job.processedOn ?? Date.now();
  const final = outlived(failure, { firstAttemptAt, maxAgeMs });
  if (final) return final;
  if (job.data.firstAttemptAt === undefined) await job.updateData({ ...job.data, firstAttemptAt });
  return failure;
}

/** `putMade`: tells the batcher this job's put is in (or will not come), so a batch need not wait for it. */
async function syncStone(
  context: SyncContext,
  job: Job<SyncJobData, SyncJobResult>,
  putMade: () => void,
  lease: Lease,
): Promise<SyncJobResult> {
  const { adapter, store } = context;
  const target = adapter.name;
  const { diamondId, afterVersion } = job.data;
  // Both reads go out together; the lease taken before them keeps them consistent with each other.
  const [stored, refs] = await Promise.all([store.diamonds.get(diamondId), store.identity.refs(diamondId)]);
  if (afterVersion !== undefined && (stored?.version ?? 0) <= afterVersion) {
    throw new NotStoredYetError(`stone ${diamondId} is not yet stored past version ${afterVersion}`);
  }
  if (!stored) throw new UnknownDiamondError(diamondId);
  // Always the latest content: a job for an older hash writes what is stored now, and the job for the
  // newer hash then finds the platform unchanged.
  const { record } = stored;
  const { held, exhaustive } = await readPlatform(context, record, diamondId, refs[target]);
  const toWrite = recordForPlatform(record, target, held?.canonical);
  // Translated once for the whole write: the comparison, the put, the source hash and the mirror share it.
  const native = writtenFormIfAny(adapter, toWrite);
  let result: SyncJobResult;
  let nativeHash: string;
  let view: DiamondRecord | null;
  if (held && platformHolds(adapter, toWrite, held.canonical, native)) {
    putMade();
    result = { outcome: 'unchanged', ref: held.ref };
    nativeHash = sha256Hex(held.native);
    view = held.canonical;
  } else {
    // Names this change of the stone (its stored version): retries of it share the key, and a later change
    // (even back to earlier content) gets a new one. Acts a stone takes once, such as its registration on
    // a ledger, are named by the adapter from the bridge ID the record carries, never from this key.
    const key = `sync-${target}-${diamondId}-v${stored.version}`;
    // What was just read spares the client its own read; "nothing there" only when nothing was filtered out.
    const putting = context.batcher.put(toWrite, key, held ?? (exhaustive ? null : undefined), native?.value);
    putMade();
    const put = await putting.catch((error: unknown) => {
      if (error instanceof NotPermittedError) return error;
      throw error;
    });
    if (put instanceof NotPermittedError) return notPermitted(context, job, stored, put, lease);
    result = { outcome: put.outcome, ref: put.ref };
    // The put took the record, so it translates: `native` is there.
    nativeHash = sha256Hex((native ?? writtenForm(adapter, toWrite)).value);
    view = await writtenView(adapter, native, put.ref, job);
  }
  if (!lease.held()) {
    // Another job may hold the stone now (its write is idempotent by the act): this one records nothing.
    throw new LeaseLostError(
      `[${target}] the hold on stone ${diamondId} (fencing token ${lease.token}) lapsed during the write; retried`,
    );
  }
  const syncedAt = new Date().toISOString();
  // Independent keys: the link with its source, and the mirror (a cache that never fails the job).
  await Promise.all([
    store.identity.recordSync(
      diamondId,
      target,
      { ref: result.ref, syncedAt, hash: nativeHash },
      // Refused by the store if the lease lapsed since the check above: the job is then retried.
      { actor: `worker:${target}`, fence: lease.fence },
    ),
    view
      ? saveMirror(context, job, view, { readAt: syncedAt, ref: result.ref, fence: lease.fence })
      : undefined,
  ]);
  await writeBackAssignedId(context, stored, result.ref, lease);
  return result;
}

/**
 * An act no signer the bridge holds may take: a state of the stone on this platform, not a failure, so the
 * job completes with the reason and nothing retries it. What the write did do before it (a registration)
 * stays linked, so the platform's ID still reaches the record.
 */
async function notPermitted(
  context: SyncContext,
  job: Job<SyncJobData, SyncJobResult>,
  stored: StoredDiamond,
  error: NotPermittedError,
  lease: Lease,
): Promise<SyncJobResult> {
  const target = context.adapter.name;
  const ref = error.ref ?? '';
  await job.log(JSON.stringify({ attempt: job.attemptsMade + 1, notPermitted: error.reason }));
  if (ref !== '' && lease.held()) {
    await context.store.identity.link(job.data.diamondId, target, ref, {
      actor: `worker:${target}`,
      fence: lease.fence,
    });
    // The new version gets a job here too, whose answer keeps the refused act in view: without one the
    // stone would show as never synced here, since a refused write records no sync.
    await writeBackAssignedId(context, stored, ref, lease, { refused: true });
  }
  return { outcome: 'not_permitted', ref, reason: error.reason };
}

/** Stores the platform's view as the stone's mirror; a failure is logged on the job, never fails it. */
async function saveMirror(
  { adapter, store }: SyncContext,
  job: Job<SyncJobData, SyncJobResult>,
  view: DiamondRecord,
  { readAt, ref, fence }: { readAt: string; ref: string; fence: Fence },
): Promise<void> {
  try {
    const mirrored = await withBridgeLineage(view, adapter.name, identityResolver(store, adapter.name));
    // Fenced like the sync record: a worker that lost its hold leaves the mirror to the next holder.
    await store.mirrors.save(job.data.diamondId, adapter.name, mirrored, {
      readAt,
      fence,
      ...(ref === '' ? {} : { ref }),
    });
  } catch (error) {
    await job.log(JSON.stringify({ mirror: 'skipped', reason: messageOf(error) }));
  }
}

/**
 * What the platform holds after a write, as it represents it: what was written, through the adapter's own
 * transforms both ways, with the identifier the platform assigned. The write already succeeded, so a view
 * that does not translate back only costs the mirror (logged on the job), never the job.
 */
async function writtenView(
  adapter: AnyAdapter,
  written: Translation<unknown> | undefined,
  ref: string,
  job: Job<SyncJobData, SyncJobResult>,
): Promise<DiamondRecord | null> {
  try {
    if (written === undefined) throw new Error('the record does not translate to the platform');
    const view = adapter.toCanonical(written.value).value;
    const assigned = `${adapter.name}Id`;
    if (!(IDENTIFIER_NAMES as readonly string[]).includes(assigned) || ref === '') return view;
    return { ...view, identifiers: { [assigned]: ref, ...view.identifiers } };
  } catch (error) {
    await job.log(
      JSON.stringify({
        mirror: 'skipped',
        reason: `the written record does not translate back from ${adapter.name}: ${messageOf(error)}`,
      }),
    );
    return null;
  }
}

/**
 * The platform's record of the stone: by the linked ref `ref`, else by any identifier the bridge knows.
 * `exhaustive` when a null `held` means the platform holds nothing under those identifiers, rather than
 * only nothing that is this stone's (a candidate that belongs to another stone was passed over).
 */
async function readPlatform(
  context: SyncContext,
  record: DiamondRecord,
  diamondId: string,
  ref: string | undefined,
): Promise<{ held: PlatformRecord | null; exhaustive: boolean }> {
  const target = context.adapter.name;
  if (ref !== undefined) {
    const found = await context.client.get(ref);
    if (found) return { held: found, exhaustive: true };
  }
  if (!record.identifiers || Object.keys(record.identifiers).length === 0)
    return { held: null, exhaustive: true };
  const candidates = await context.client.find(record.identifiers);
  const owners = await Promise.all(
    candidates.map((candidate) => context.store.identity.resolve(target, candidate.ref)),
  );
  const mine = candidates.filter((_, i) => owners[i] === null || owners[i] === diamondId);
  const held = mine.find((candidate) => candidate.canonical.id === diamondId) ?? mine[0] ?? null;
  return { held, exhaustive: mine.length === candidates.length };
}

/**
 * A platform whose canonical identifier is `<platform>Id` (Tracr's diamond ID) assigns it on the first
 * write; the bridge's record learns it. The new content fans out to the other platforms, which find it
 * unchanged where they cannot store the identifier, so the write-back settles after one round.
 */
async function writeBackAssignedId(
  context: SyncContext,
  stored: StoredDiamond,
  ref: string,
  lease: Lease,
  { refused = false }: { refused?: boolean } = {},
): Promise<void> {
  const target = context.adapter.name;
  const name = `${target}Id`;
  if (!(IDENTIFIER_NAMES as readonly string[]).includes(name)) return;
  let current = stored;
  for (let round = 0; round < 5; round++) {
    const identifiers = current.record.identifiers ?? {};
    if (identifiers[name as IdentifierName] === ref) return;
    const { sources: _sources, ...content } = current.record;
    const updated: DiamondRecord = { ...content, identifiers: { ...identifiers, [name]: ref } };
    // An edit saved while this write was in flight is not on the platform yet: the version saved here
    // gets its own job there, so the stone shows pending until that edit is written too. A refused act
    // likewise keeps a job of its own here, whose answer keeps the refusal in view.
    const owedHere =
      refused ||
      (current !== stored && writtenFormChanges(context.adapter, written(stored, name, ref), updated));
    try {
      const saved = await context.store.diamonds.save(updated, {
        actor: `worker:${target}`,
        action: 'linked',
        platform: target,
        expectedVersion: current.version,
        read: current,
        fence: lease.fence,
        // A crash before the fan-out below leaves the intent for the outbox sweeper. Until then the intent
        // also tells this platform's change feed that the edit is owed to it, not to be undone by its view.
        syncIntent: owedHere ? {} : { except: target },
      });
      // A platform that cannot store the new identifier would be sent what it already has: no job for it,
      // unless its job for the version before has yet to complete. The platform may never take that
      // version, so the new version's status must follow a job of its own, not an older sync.
      const { targets } = chooseTargets(updated, context.adapters, target);
      const owed = await Promise.all(
        targets.map(async (platform) => {
          const other = context.adapters.find((adapter) => adapter.name === platform);
          return (
            other === undefined ||
            writtenFormChanges(other, content, updated) ||
            (await jobOutstanding(context.queues, platform, saved.id, current.hash))
          );
        }),
      );
      const changedFor = targets.filter((_, i) => owed[i]);
      if (owedHere) changedFor.push(target);
      const hash = contentHash(updated);
      if (changedFor.length > 0) {
        await enqueueSync(
          context.queues,
          changedFor.map((platform) => ({ target: platform, diamondId: saved.id, hash, changed: true })),
        );
      }
      if (saved.outcome !== 'unchanged') await context.store.outbox.clear([{ diamondId: saved.id, hash }]);
      return;
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      const latest = await context.store.diamonds.get(current.record.id ?? '');
      if (!latest) return;
      current = latest;
    }
  }
}

/** Whether `platform` has a sync job for the stone's content `hash` that has not completed. */
async function jobOutstanding(
  queues: BridgeQueues,
  platform: string,
  diamondId: string,
  hash: string,
): Promise<boolean> {
  if (!queues.platforms.includes(platform)) return false;
  const job = await queues.sync(platform, diamondId).getJob(syncJobId(platform, diamondId, hash));
  return job !== undefined && (await job.getState()) !== 'completed';
}

/** The record a write sent, as it reads once the platform's assigned identifier is added. */
function written(stored: StoredDiamond, name: string, ref: string): DiamondRecord {
  const { sources: _sources, ...content } = stored.record;
  return { ...content, identifiers: { ...content.identifiers, [name]: ref } };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
