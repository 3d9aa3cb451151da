/**
 * Registering stones: validate, store (the store assigns the bridge ID), and enqueue one sync job per
 * platform that can take the record. A record that does not validate changes nothing. Jobs are enqueued
 * even when the stored content was already there: a caller retrying a registration whose answer it lost
 * must still see its stone synced, and the job ID makes the repeat one job.
 *
 * The save records the intent to sync each changed stone in the same atomic step (the outbox), and the
 * intents are cleared once their jobs exist: a crash between the save and the enqueue leaves an intent the
 * outbox sweeper turns into the jobs, so no stored stone is left unsynced.
 */
import { heldOutside, keepBridgeFacts } from '../participants/custody.js';
import type { AnyAdapter } from '../adapters/registry.js';
import { validateDiamond, type ValidationIssue } from '../mapping/validate.js';
import { IdentifierConflictError, newDiamondId, type Store } from '../store/index.js';
import type { DiamondRecord } from '../types/diamond.js';
import { enqueueSync, type BridgeQueues, type EnqueuedJob, type SyncRequest } from '../queue/queues.js';
import { chooseTargets, type SkippedTarget } from './targets.js';

/** Who is registering. */
export interface RegisterOptions {
  /** The API principal or command, for the audit log. */
  actor: string;
  /** The caller's organisation: it must own the record (`owner.org`), which it defaults to. */
  org?: string;
  /**
   * The caller validated the records already against the canonical schema (an import's rows are, to name
   * each refused row's column): they are not checked a second time.
   */
  validated?: boolean;
}

/**
 * An identifier of the record is held by a stone the caller may not read: the conflict is told without
 * naming that stone, so a conflict never discloses another organisation's stone.
 */
export class ForeignIdentifierConflictError extends Error {
  override readonly name = 'ForeignIdentifierConflictError';

  constructor(
    readonly identifier: string,
    readonly value: string,
  ) {
    super(
      `[tracebridge] [register] identifiers.${identifier} ${JSON.stringify(value)} already belongs to a stone held by another organisation`,
    );
  }
}

/** What a registration did. */
export interface Registration {
  id: string;
  version: number;
  outcome: 'created' | 'updated' | 'unchanged';
  jobs: EnqueuedJob[];
  /** Platforms that will not get the stone, with the reason. */
  skipped: SkippedTarget[];
}

/** A record that cannot be registered; nothing was stored or enqueued. */
export class RegistrationError extends Error {
  override readonly name = 'RegistrationError';

  constructor(
    /** Which record of a batch (0 for a single one). */
    readonly index: number,
    readonly issues: ValidationIssue[],
  ) {
    super(
      `[tracebridge] [register] record ${index} is not valid: ${issues.map((i) => `${i.pointer || '/'} ${i.message}`).join('; ')}`,
    );
  }
}

/** What ingestion needs. */
export interface IngestContext {
  store: Store;
  queues: BridgeQueues;
  /** The adapters that may be written to, by name. */
  adapters: ReadonlyMap<string, AnyAdapter>;
}

/** Registers (or updates) one stone and enqueues its sync jobs. */
export async function register(
  context: IngestContext,
  record: unknown,
  options: RegisterOptions,
): Promise<Registration> {
  const [registration] = await registerMany(context, [record], options);
  return registration!;
}

/**
 * Registers many stones: every record is checked before any is stored, then they are saved in one atomic
 * batch and their sync jobs added with one pipelined `addBulk` per platform.
 */
export async function registerMany(
  context: IngestContext,
  records: readonly unknown[],
  options: RegisterOptions,
): Promise<Registration[]> {
  const prepared = records.map((record, index) => prepare(record, index, options));
  const existing = await context.store.diamonds.getMany(
    prepared.map((record) => record.id).filter((id): id is string => id !== undefined),
  );
  const read = new Map(existing.flatMap((stored) => (stored ? [[stored.record.id!, stored] as const] : [])));
  const stones = new Map([...read].map(([id, stored]) => [id, stored.record]));
  prepared.forEach((record, index) => {
    const stored = record.id === undefined ? undefined : stones.get(record.id);
    const owner = stored?.owner?.org;
    if (options.org !== undefined && stored !== undefined && owner !== options.org) {
      throw new RegistrationError(index, [
        { pointer: '/id', message: `stone ${record.id} belongs to ${owner}, not to ${options.org}` },
      ]);
    }
    const held = stored && heldOutside(stored);
    if (options.org !== undefined && held !== undefined) {
      throw new RegistrationError(index, [
        {
          pointer: '/id',
          message: `stone ${record.id} passed on ${held.platform} to ${held.party}, outside the bridge, on ${held.since}: it can no longer be changed here`,
        },
      ]);
    }
  });
  if (options.org !== undefined) await checkLineage(context.store, prepared, options.org);
  // Where the stone is held outside the bridge is the bridge's own fact: a caller can neither set nor drop it.
  const withIds = prepared.map((record) =>
    keepBridgeFacts(
      { ...record, id: record.id ?? newDiamondId() },
      record.id === undefined ? undefined : stones.get(record.id),
    ),
  ) as (DiamondRecord & { id: string })[];
  const saved = await context.store.diamonds
    .saveMany(
      // What was read above spares the store a read of its own; a stone minted here is absent.
      withIds.map((record) => ({ record, read: read.get(record.id) ?? null })),
      { actor: options.actor, action: 'register', syncIntent: {} },
    )
    .catch(async (error: unknown) => {
      throw await withoutForeignStone(context.store, error, options.org);
    });
  const adapters = [...context.adapters.values()];
  const choices = withIds.map((record) => chooseTargets(record, adapters));
  const requests: SyncRequest[] = withIds.flatMap((record, i) =>
    choices[i]!.targets.map((target) => ({
      target,
      diamondId: record.id,
      hash: saved[i]!.hash,
      changed: saved[i]!.outcome === 'updated',
    })),
  );
  const jobs = await enqueueSync(context.queues, requests);
  // Only the intents this save recorded: one an earlier, crashed attempt left is the sweeper's, which
  // also brings back a finished job when the content returned to an earlier state (A -> B -> A).
  await context.store.outbox.clear(
    withIds.flatMap((record, i) =>
      saved[i]!.outcome === 'unchanged' ? [] : [{ diamondId: record.id, hash: saved[i]!.hash }],
    ),
  );
  // The jobs come back in the order of the requests, which are each stone's targets in turn.
  let next = 0;
  return withIds.map((_record, i) => ({
    id: saved[i]!.id,
    version: saved[i]!.version,
    outcome: saved[i]!.outcome,
    jobs: jobs.slice(next, (next += choices[i]!.targets.length)),
    skipped: choices[i]!.skipped,
  }));
}

/**
 * A producer links its stones only to stones it may read: a lineage link to another organisation's stone
 * (or to one the bridge does not hold, told the same way so the refusal discloses nothing) is refused. Links
 * between stones of one batch are fine. Lineage the platforms report (a split on the ledger) still arrives
 * through the change feeds, where custody decides who reads each stone.
 */
async function checkLineage(store: Store, records: readonly DiamondRecord[], org: string): Promise<void> {
  const inBatch = new Set(records.map((record) => record.id).filter((id) => id !== undefined));
  const links = records.flatMap((record, index) => [
    ...(record.lineage?.parentId
      ? [{ index, id: record.lineage.parentId, pointer: '/lineage/parentId' }]
      : []),
    ...(record.lineage?.childIds ?? []).map((id, i) => ({ index, id, pointer: `/lineage/childIds/${i}` })),
  ]);
  const outside = links.filter((link) => !inBatch.has(link.id));
  if (outside.length === 0) return;
  const stones = await store.diamonds.getMany(outside.map((link) => link.id));
  outside.forEach((link, i) => {
    if (stones[i]?.record.owner?.org === org) return;
    throw new RegistrationError(link.index, [
      { pointer: link.pointer, message: `${link.id} is not a stone of yours that the bridge holds` },
    ]);
  });
}

/** An identifier conflict with a stone `org` may not read, retold without naming that stone. */
async function withoutForeignStone(store: Store, error: unknown, org: string | undefined): Promise<unknown> {
  if (org === undefined || !(error instanceof IdentifierConflictError)) return error;
  const holder = await store.diamonds.get(error.ownerId);
  if (holder?.record.owner?.org === org) return error;
  return new ForeignIdentifierConflictError(error.identifier, error.value);
}

function prepare(record: unknown, index: number, { org, validated }: RegisterOptions): DiamondRecord {
  const validation = validated
    ? { valid: true as const, record: record as DiamondRecord }
    : validateDiamond(record);
  if (!validation.valid) throw new RegistrationError(index, validation.errors);
  // The bridge maintains where each platform holds the stone; a caller cannot claim it.
  const { sources: _sources, ...content } = validation.record;
  if (org === undefined) return content;
  if (content.owner !== undefined && content.owner.org !== org) {
    throw new RegistrationError(index, [
      {
        pointer: '/owner/org',
        message: `must be your organisation ${JSON.stringify(org)}, got ${JSON.stringify(content.owner.org)}`,
      },
    ]);
  }
  return { ...content, owner: { org } };
}
