/**
 * Inbound platform records: the one path by which what a platform holds enters the bridge, for change-feed
 * pulls and webhooks alike.
 *
 * 1. Each record finds its stone: the identity map (the ref is linked), the bridge ID the platform echoes,
 *    a record earlier in the same batch, else `linkOrPropose`: a certain match links, probable and
 *    possible ones become match proposals for a person (nothing is stored for the record), two certain
 *    matches are rejected as ambiguous, and only a record that matches nothing becomes a new stone.
 * 2. Native lineage is resolved to bridge IDs, and each link is written on both stones.
 * 3. The view is merged by the platform's authority; the stones are validated and saved in one atomic
 *    step (with the feed's cursor when there is one), after their sync jobs to the other platforms were
 *    enqueued waiting for that save, so a crash between the two cannot lose the fan-out.
 * 4. Where the platform holds each stone, and its view (the mirror), are recorded.
 *
 * A record that cannot be stored (invalid once merged, an identifier another stone holds, ambiguous) is
 * recorded as a rejected change and skipped, so it never holds back the rest of the batch or the cursor.
 */
import type { FieldGroup, PlatformRecord, RejectedChange } from '../adapters/contract.js';
import type { AnyAdapter } from '../adapters/registry.js';
import { contentHash, sha256Hex } from '../mapping/content-hash.js';
import { isOrgScopedIdentifier } from '../mapping/identifiers.js';
import { validateDiamond } from '../mapping/validate.js';
import { settleCustody, type CustodyMove } from '../participants/custody.js';
import type { Participants } from '../participants/registry.js';
import type { Tolerances } from '../match/types.js';
import {
  IDENTIFIER_NAMES,
  IdentifierConflictError,
  IdentityConflictError,
  normaliseIdentifier,
  VersionConflictError,
  type Store,
  type StoredDiamond,
} from '../store/index.js';
import type { DiamondRecord } from '../types/diamond.js';
import { identityResolver, lineageEdges, withBridgeLineage, withEdge } from './lineage-links.js';
import { owedTo } from './compare.js';
import { syncJobId } from '../queue/job-ids.js';
import { mergePlatformView } from './merge.js';
import { placeRecords, type PlacedRecord } from './placement.js';
import { enqueueSync, type BridgeQueues, type SyncRequest } from '../queue/queues.js';
import { recordRejectedChanges, type RejectedChangeEntry, type Rejection } from './rejected.js';
import { chooseTargets } from './targets.js';

/** What ingestion works with. */
export interface InboundContext {
  store: Store;
  queues: BridgeQueues;
  /** Every adapter, by name: the source's authority, and the targets of the fan-out. */
  adapters: ReadonlyMap<string, AnyAdapter>;
  /** Matching tolerances for records no stone is linked to yet. */
  tolerances?: Partial<Tolerances>;
  /** The participants registry: who holds a stone, as a bridge organisation. Without it, custody stays. */
  participants?: Participants;
}

/** Who is ingesting, and what to store with the records. */
export interface InboundOptions {
  /** For the audit log: `feed:gia`, `webhook:tracr`. */
  actor: string;
  /** For the audit log: `change-feed`, `webhook`. */
  action: string;
  /** A change-feed cursor to store in the same atomic step as the records it covers. */
  cursor?: string | null;
  /** Items the adapter itself could not read (`ChangePage.rejected`), recorded with the others. */
  rejected?: readonly RejectedChange[];
  /**
   * When the records were read from the platform, at the earliest (ISO 8601). A stone the bridge synced
   * there later holds a write the record predates, so the record decides nothing that write carries.
   */
  viewsReadFrom?: string;
}

/** What became of one inbound record. */
export type InboundOutcome =
  | {
      ref: string;
      status: 'stored' | 'unchanged';
      diamondId: string;
      /** How its stone was found: already `linked`, `matched` with certainty now, or `new`. */
      link: 'linked' | 'matched' | 'new';
    }
  | { ref: string; status: 'proposed'; proposalIds: string[] }
  | { ref: string; status: 'rejected'; reason: string; diamondId?: string };

/** What one call did. */
export interface InboundResult {
  /** One per record, in the order given. */
  outcomes: InboundOutcome[];
  /** Stones whose stored content changed (lineage partners included). */
  stored: number;
  /** Everything rejected, the adapter's own rejections included, as recorded. */
  rejected: RejectedChangeEntry[];
}

interface Pending {
  id: string;
  base: StoredDiamond | null;
  record: DiamondRecord;
  placed: PlacedRecord[];
  /** A change of hands the platform reported, audited with the save. */
  custody?: CustodyMove;
}

// Another writer (a sync worker writing back an assigned ID) may save a stone between our read and save.
const SAVE_ROUNDS = 8;

/** Takes in records read from `platform`; see the module comment for the steps. */
export async function ingestPlatformRecords(
  context: InboundContext,
  platform: string,
  records: readonly PlatformRecord[],
  options: InboundOptions,
): Promise<InboundResult> {
  const adapter = context.adapters.get(platform);
  if (!adapter) throw new Error(`[tracebridge] [ingest] no adapter named '${platform}' is loaded`);
  const { store } = context;
  const readAt = new Date().toISOString();
  const outcomes: (InboundOutcome | undefined)[] = records.map(() => undefined);
  const rejections: Rejection[] = [...(options.rejected ?? [])];
  const reject = (placed: { index: number; record: PlatformRecord }, reason: string, id?: string) => {
    outcomes[placed.index] = {
      ref: placed.record.ref,
      status: 'rejected',
      reason,
      ...(id === undefined ? {} : { diamondId: id }),
    };
    rejections.push({ ref: placed.record.ref, reason, ...(id === undefined ? {} : { diamondId: id }) });
  };

  const placement = await placeRecords(store, platform, records, {
    readAt,
    actor: options.actor,
    ...(context.tolerances === undefined ? {} : { tolerances: context.tolerances }),
    ...(context.participants === undefined ? {} : { participants: context.participants }),
  });
  for (const { index, ref, proposalIds } of placement.proposed)
    outcomes[index] = { ref, status: 'proposed', proposalIds };
  for (const unplaced of placement.unplaced) reject(unplaced, unplaced.reason);
  let placed = placement.placed;
  const batchRefs = new Map(placed.map((entry) => [entry.record.ref, entry.id]));
  const known = identityResolver(store, platform);
  const resolve = async (ref: string) => batchRefs.get(ref) ?? (await known(ref));
  for (const entry of placed) entry.view = await withBridgeLineage(entry.view, platform, resolve);

  let recorded = 0;
  let saved: Pending[];
  for (let round = 1; ; round++) {
    const pending = await mergeAll(context, adapter, placed, options.viewsReadFrom);
    for (const entry of [...pending.values()]) {
      const problem = invalidity(entry.record) ?? (await claimedIdentifier(store, entry, pending));
      if (problem === undefined) continue;
      for (const each of entry.placed) reject(each, problem, entry.id);
      pending.delete(entry.id);
    }
    placed = placed.filter((entry) => pending.has(entry.id));
    const changed = [...pending.values()].filter((entry) => contentHash(entry.record) !== entry.base?.hash);
    // Recorded before the cursor moves past them, so a crash cannot lose a rejection.
    await recordRejectedChanges(store, platform, rejections.slice(recorded), options);
    recorded = rejections.length;
    try {
      await enqueueSync(context.queues, syncRequests(changed, context.adapters, platform));
      await save(store, platform, changed, options);
      saved = [...pending.values()];
      break;
    } catch (error) {
      if (round >= SAVE_ROUNDS) throw error;
      if (error instanceof IdentifierConflictError) {
        const loser = pending.get(error.diamondId);
        for (const each of loser?.placed ?? []) reject(each, error.message, error.diamondId);
        placed = placed.filter((entry) => entry.id !== error.diamondId);
      } else if (!(error instanceof VersionConflictError)) throw error;
    }
  }

  for (const entry of saved) {
    const changed = contentHash(entry.record) !== entry.base?.hash;
    for (const each of entry.placed) {
      const { ref, native } = each.record;
      try {
        await store.identity.recordSync(
          entry.id,
          platform,
          { ref, syncedAt: readAt, hash: sha256Hex(native) },
          { actor: options.actor, action: options.action },
        );
      } catch (error) {
        // Another stone took the ref between our read and now: the content is stored, the link is not.
        if (!(error instanceof IdentityConflictError)) throw error;
        reject(each, error.message, entry.id);
        continue;
      }
      await store.mirrors.save(entry.id, platform, each.view, { readAt, ref });
      outcomes[each.index] = {
        ref,
        status: changed ? 'stored' : 'unchanged',
        diamondId: entry.id,
        link: each.link,
      };
    }
  }
  await recordRejectedChanges(store, platform, rejections.slice(recorded), options);
  const stored = saved.filter((entry) => contentHash(entry.record) !== entry.base?.hash).length;
  return {
    outcomes: outcomes.map((outcome, i) => outcome ?? missing(records[i]!.ref)),
    stored,
    rejected: rejections.map((rejection) => ({
      platform,
      ...rejection,
      at: readAt,
      actor: options.actor,
    })),
  };
}

/** Step 3: every placed view merged into its stone, lineage partners brought into the batch. */
async function mergeAll(
  { store, queues, participants }: InboundContext,
  adapter: AnyAdapter,
  placed: readonly PlacedRecord[],
  viewsReadFrom: string | undefined,
): Promise<Map<string, Pending>> {
  const pending = new Map<string, Pending>();
  const load = async (id: string): Promise<Pending | undefined> => {
    const existing = pending.get(id);
    if (existing) return existing;
    const base = await store.diamonds.get(id);
    if (!base) return undefined;
    const entry: Pending = { id, base, record: base.record, placed: [] };
    pending.set(id, entry);
    return entry;
  };
  for (const each of placed) {
    const entry = await load(each.id);
    const record: DiamondRecord = {
      ...mergePlatformView(entry?.record, each.view, {
        platform: adapter.name,
        authoritative: await authorityOver(store, queues, adapter, entry?.base ?? null, viewsReadFrom),
      }),
      id: each.id,
    };
    if (entry) {
      entry.record = record;
      entry.placed.push(each);
    } else pending.set(each.id, { id: each.id, base: null, record, placed: [each] });
  }
  if (participants) {
    for (const entry of pending.values()) {
      if (entry.placed.length === 0) continue;
      const settled = settleCustody(entry.record, adapter.name, participants);
      entry.record = settled.record;
      if (settled.move) entry.custody = settled.move;
    }
  }
  // A child that arrived before its parent was linked only from the parent's side, and the other way round.
  for (const entry of [...pending.values()]) {
    for (const edge of lineageEdges(entry.id, entry.record)) {
      const otherId = edge.parentId === entry.id ? edge.childId : edge.parentId;
      const other = await load(otherId);
      if (!other) continue;
      const linked = withEdge(otherId, other.record, edge);
      if (linked) other.record = linked;
    }
  }
  return pending;
}

// A sync job in one of these states has yet to write its stone's content to the platform.
const OWED_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * The groups `adapter`'s view decides for a stone. While the bridge still owes the platform a write of
 * the stored version (its intent is in the outbox, or its job has not run), or wrote the stone there
 * after the view was read, the view predates that write:
 * it may be the platform's echo of the bridge's own earlier write, and taking it would undo an acknowledged
 * edit. The groups the owed write carries are then the bridge's; custody (hands and cuts the platform
 * records) stays the platform's.
 */
async function authorityOver(
  store: Store,
  queues: BridgeQueues,
  adapter: AnyAdapter,
  base: StoredDiamond | null,
  viewsReadFrom: string | undefined,
): Promise<readonly FieldGroup[]> {
  const id = base?.record.id;
  if (id === undefined || !queues.platforms.includes(adapter.name)) return adapter.authoritative;
  // A sync recorded after the view was read: the view predates the bridge's own write (ISO strings compare
  // as instants).
  const syncedAt = base!.record.sources?.[adapter.name]?.syncedAt;
  const writtenSince = viewsReadFrom !== undefined && syncedAt !== undefined && syncedAt > viewsReadFrom;
  // The intent first: it is cleared only once the jobs are queued, so one of the two reads sees the debt.
  const intent = writtenSince ? null : await store.outbox.intentOf(id);
  const pendingIntent = writtenSince || (intent?.hash === base!.hash && intent.except !== adapter.name);
  if (!pendingIntent) {
    const job = await queues.sync(adapter.name, id).getJob(syncJobId(adapter.name, id, base!.hash));
    if (!job || !OWED_STATES.has(await job.getState())) return adapter.authoritative;
  }
  return adapter.authoritative.filter(
    (group) => group === 'custody' || !adapter.capabilities.writes.includes(group),
  );
}

function invalidity(record: DiamondRecord): string | undefined {
  const validation = validateDiamond(record);
  if (validation.valid) return undefined;
  const [first] = validation.errors;
  return `the change makes stone ${record.id ?? '?'} invalid at ${first?.pointer || '/'}: ${first?.message ?? 'invalid'}`;
}

/** Why `entry` cannot keep one of its identifiers (another stone holds it), checked before any job is added. */
async function claimedIdentifier(
  store: Store,
  entry: Pending,
  pending: ReadonlyMap<string, Pending>,
): Promise<string | undefined> {
  const identifiers = entry.record.identifiers ?? {};
  for (const name of IDENTIFIER_NAMES) {
    const value = identifiers[name];
    if (value === undefined) continue;
    // A stone that passes to another organisation brings the reference it held, as the store lets it.
    const before = entry.base?.record.identifiers?.[name];
    if (
      isOrgScopedIdentifier(name) &&
      before !== undefined &&
      normaliseIdentifier(name, before) === normaliseIdentifier(name, value)
    )
      continue;
    const org = entry.record.owner?.org;
    const owner = await store.identity.findByIdentifier(name, value, org);
    if (owner !== null && owner !== entry.id && !movesAway(pending.get(owner), name, value, org))
      return `identifiers.${name} ${JSON.stringify(value)} already belongs to stone ${owner}, not ${entry.id}`;
  }
  return undefined;
}

/**
 * True when the batch gives the owning stone a different value for `name`, or (for an identifier unique
 * within an organisation) moves it to another organisation than `org`, freeing `value`.
 */
function movesAway(
  owner: Pending | undefined,
  name: (typeof IDENTIFIER_NAMES)[number],
  value: string,
  org: string | undefined,
) {
  const next = owner?.record.identifiers?.[name];
  return (
    owner !== undefined &&
    (next === undefined ||
      normaliseIdentifier(name, next) !== normaliseIdentifier(name, value) ||
      (isOrgScopedIdentifier(name) && owner.record.owner?.org !== org))
  );
}

/**
 * The sync jobs of the changed stones: every other platform that takes them, and the source platform
 * too where the merged record holds content its view lacks (an edit saved while its write of an earlier
 * version was in flight), so the stored version's own job tracks that write rather than an older one.
 */
function syncRequests(
  changed: readonly Pending[],
  adapters: ReadonlyMap<string, AnyAdapter>,
  platform: string,
): SyncRequest[] {
  const source = adapters.get(platform);
  return changed.flatMap((entry) => {
    const { targets } = chooseTargets(entry.record, adapters.values(), platform);
    const owed =
      source?.capabilities.write === true &&
      entry.placed.some((each) => owedTo(source, entry.record, each.view));
    return [...targets, ...(owed ? [platform] : [])].map((target) => ({
      target,
      diamondId: entry.id,
      hash: contentHash(entry.record),
      afterVersion: entry.base?.version ?? 0,
      changed: true,
    }));
  });
}

async function save(
  store: Store,
  platform: string,
  changed: readonly Pending[],
  { actor, action, cursor }: InboundOptions,
): Promise<void> {
  const context = { actor, action, platform };
  const changes = changed.map((entry) => ({
    record: entry.record,
    expectedVersion: entry.base?.version ?? 0,
    read: entry.base ?? null,
    ...(entry.custody === undefined ? {} : { detail: { custody: { ...entry.custody } } }),
  }));
  if (cursor === undefined || cursor === null) {
    if (changes.length > 0) await store.diamonds.saveMany(changes, context);
  } else if (changes.length > 0)
    await store.cursors.saveChangesAndAdvance(platform, cursor, changes, context);
  else await store.cursors.setCursor(platform, cursor);
}

function missing(ref: string): InboundOutcome {
  return { ref, status: 'rejected', reason: `${ref} was neither stored nor rejected` };
}
