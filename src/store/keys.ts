import { StoreInputError } from './errors.js';
import {
  identifierNames,
  isGroupIdentifier,
  isOrgScopedIdentifier,
  orgScopedIdentifierNames,
  type IdentifierName,
} from '../mapping/identifiers.js';
import { fnv1a, spreadPrefix } from './spread.js';

/**
 * Every key the store touches is built here, and nowhere else. All of them start with one prefix whose
 * braces part is a Redis Cluster hash tag. The bridge's own records (cursors, runs, imports, proposals)
 * live under that tag; the stones are spread over `shards` shards, each with a hash tag of its own
 * (`{tracebridge}` -> `{tracebridge-s17.3}`, spread.ts), so on a cluster they spread over every master.
 *
 * A stone's shard is chosen from its bridge ID alone, and every key of the stone (record, versions,
 * mirrors, links, audit stream, outbox entry, sync lease) lies in it, beside the shard's own indexes of
 * its stones (membership, pending sync intents, pending index writes, audit stream): each atomic step on
 * one stone is one script in one slot. The identifier and platform-ref indexes are sharded by the
 * identifier, so a look-up asks one shard. With one shard (a single node's default) every key keeps the
 * base tag, as before shards existed.
 */

/** The default key prefix; `{tracebridge}` is the hash tag. */
export const DEFAULT_PREFIX = '{tracebridge}:';

/** The most shards a store may have: enough to spread evenly over any cluster a bridge would run on. */
export const MAX_STORE_SHARDS = 1024;

/** The canonical identifiers the store indexes, in the order the save script receives them. */
export const IDENTIFIER_NAMES = identifierNames;

/** The identifiers unique within an organisation only, in the order the save script receives their old keys. */
export const ORG_SCOPED_NAMES = orgScopedIdentifierNames;
export type { IdentifierName };

/** The key names for one prefix. */
export interface StoreKeys {
  readonly prefix: string;
  /** How many shards the stones and their indexes are spread over (1: all under the base tag). */
  readonly shards: number;
  /** The shard stone `id` lives in. */
  shardOf(id: string): number;
  /** The shard an identifier or platform ref is indexed in, from its value alone. */
  valueShardOf(value: string): number;
  /** The key prefix of shard `shard`: the base prefix with the shard's tag (spread.ts) for its hash tag. */
  shardPrefix(shard: number): string;
  /** Hash: `record`, `sources`, `version`, `hash`, `updatedAt`, `ident:<name>` for one stone. */
  diamond(id: string): string;
  /** Sorted set (all scores 0, ordered by ID) of every bridge ID stored in one shard. */
  members(shard: number): string;
  /**
   * The index of identifier `name` holding `value` (normalised, without an organisation): a hash of
   * value -> bridge ID; for a group identifier (`kpCertificate`), a sorted set (all scores 0) of
   * `<value>\n<bridge ID>`, so one value lists its whole parcel in order; for one unique within an
   * organisation (`producerRef`), a sorted set of `<value>\n<owner.org>\n<bridge ID>`, so one value lists
   * its holder in each organisation. A value's entries all lie in one shard, chosen from the value.
   */
  identifier(name: IdentifierName, value: string): string;
  /**
   * Hash, beside {@link StoreKeys.identifier}: value (`<value>\n<owner.org>` for an organisation's
   * identifier) -> `<bridge ID>\n<ms>`, the claim a save takes on a value before it stores the stone.
   */
  identifierClaims(name: IdentifierName, value: string): string;
  /**
   * Hash: value -> bridge ID, the index of an organisation's identifier as written before identifiers were
   * kept per organisation; read as a fallback and emptied as its stones change.
   */
  legacyIdentifier(name: IdentifierName): string;
  /** Hash: native ref on one platform -> bridge ID, for the refs of one shard (chosen from the ref). */
  platformRefs(platform: string, ref: string): string;
  /** Hash: platform -> native ref for one stone. */
  stoneRefs(id: string): string;
  /** Hash: adapter -> change-feed cursor. */
  readonly cursors: string;
  /** Sorted set: one shard's bridge IDs with a sync intent (the outbox), scored by when it was recorded (ms). */
  syncIntents(shard: number): string;
  /** Sorted set: one shard's bridge IDs whose index writes are owed, scored by when the save was made (ms). */
  indexIntents(shard: number): string;
  /** Stream: changes that concern no one stone (a feed record that named none). */
  readonly auditLog: string;
  /** Stream: every change to one shard's stones; with one shard, the same stream as {@link StoreKeys.auditLog}. */
  shardAudit(shard: number): string;
  /** Stream: every change to one stone. */
  stoneAudit(id: string): string;
  /** Hash: platform -> JSON `{view, readAt, ref?}`, the canonical view last read from each platform. */
  mirror(id: string): string;
  /** String: the lease a sync worker holds on one stone for one platform (queue/lock.ts), and its fence. */
  syncLease(target: string, id: string): string;
  /** Hash: the layout the keys were written with (`shards`), checked at start-up. */
  readonly layout: string;
  /** Hash: a reconciliation run's status, scope, progress and counts. */
  reconcileRun(runId: string): string;
  /** List: the bridge IDs a run was asked to check (runs over named stones only). */
  reconcileRunIds(runId: string): string;
  /** List: a run's mismatches as JSON, in the order found. */
  reconcileMismatches(runId: string): string;
  /** List: a run's unmatched entries as JSON. */
  reconcileUnmatched(runId: string): string;
  /** Sorted set: run IDs scored by start time (ms). */
  readonly reconcileRuns: string;
  /** Hash: one match proposal (a platform record that may be a stored stone). */
  matchProposal(proposalId: string): string;
  /** Sorted set: open proposal IDs scored by creation time (ms). */
  readonly openMatchProposals: string;
  /** Set: `platform ref diamondId` pairs a person rejected, never proposed again. */
  readonly rejectedMatches: string;
  /** List, newest first and capped: change-feed items that could not be stored, as JSON, for operators. */
  readonly rejectedChanges: string;
  /** Hash: a bulk import's status, format, scope, counts and the byte offset it has durably reached. */
  importRun(importId: string): string;
  /** Hash: chunk number -> the bytes of an uploaded file not yet imported. */
  importSpool(importId: string): string;
  /** List: an import's row errors as JSON, in file order. */
  importErrors(importId: string): string;
  /** List: the refused rows' bytes exactly as in the file, in file order. */
  importRefused(importId: string): string;
  /** Sorted set: import IDs scored by start time (ms). */
  readonly importRuns: string;
}

// The braces part must be the whole hash tag: one non-empty `{...}` at the start and no braces after it,
// or Redis Cluster would hash on a different part of the key than the one the operator chose.
const PREFIX_PATTERN = /^\{[A-Za-z0-9._:-]+\}[A-Za-z0-9._:-]*$/;

/**
 * Builds the key names for `prefix` over `shards` shards, refusing a prefix that is not a single leading
 * hash tag.
 */
export function storeKeys(prefix: string = DEFAULT_PREFIX, shards = 1): StoreKeys {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new StoreInputError(
      'key prefix',
      prefix,
      'a hash tag in braces at the start, such as "{tracebridge}:", with no other braces',
    );
  }
  if (!Number.isSafeInteger(shards) || shards < 1 || shards > MAX_STORE_SHARDS)
    throw new StoreInputError('store shards', shards, `a whole number from 1 to ${MAX_STORE_SHARDS}`);
  // With one shard every key keeps the base tag.
  const shardPrefixes = Array.from({ length: shards }, (_, shard) =>
    shards === 1 ? prefix : spreadPrefix(prefix, 's', shard),
  );
  const shardOf = (id: string) => fnv1a(assertDiamondId(id)) % shards;
  const valueShardOf = (value: string) => fnv1a(value) % shards;
  const shardPrefix = (shard: number) => {
    const found = shardPrefixes[shard];
    if (found === undefined)
      throw new StoreInputError('store shard', shard, `a shard number from 0 to ${shards - 1}`);
    return found;
  };
  const inShard = (id: string) => shardPrefixes[shardOf(id)]!;
  const inValueShard = (value: string) => shardPrefixes[valueShardOf(value)]!;
  return {
    prefix,
    shards,
    shardOf,
    valueShardOf,
    shardPrefix,
    diamond: (id) => `${inShard(id)}diamond:${id}`,
    members: (shard) => `${shardPrefix(shard)}diamonds`,
    // A group's index has a key of its own: a set of stones is another Redis type than one stone's hash.
    identifier: (name, value) =>
      `${inValueShard(value)}${isGroupIdentifier(name) ? 'identifier-group' : isOrgScopedIdentifier(name) ? 'identifier-org' : 'identifier'}:${name}`,
    identifierClaims: (name, value) => `${inValueShard(value)}claims:${name}`,
    legacyIdentifier: (name) => `${prefix}identifier:${name}`,
    platformRefs: (platform, ref) => `${inValueShard(ref)}ref:${assertPlatformName(platform)}`,
    stoneRefs: (id) => `${inShard(id)}refs:${id}`,
    cursors: `${prefix}cursors`,
    syncIntents: (shard) => `${shardPrefix(shard)}outbox`,
    indexIntents: (shard) => `${shardPrefix(shard)}indexing`,
    auditLog: `${prefix}audit`,
    shardAudit: (shard) => `${shardPrefix(shard)}audit`,
    stoneAudit: (id) => `${inShard(id)}audit:${id}`,
    mirror: (id) => `${inShard(id)}mirror:${id}`,
    // `prefix` ends in a colon and the lease keys before shards began without one: kept, so they stay put.
    syncLease: (target, id) =>
      `${inShard(id).slice(0, -1)}:lease:sync:${assertPlatformName(target, 'target')}:${id}`,
    layout: `${prefix}layout`,
    reconcileRun: (runId) => `${prefix}reconcile:run:${assertOpaqueId(runId, 'run id')}`,
    reconcileRunIds: (runId) => `${prefix}reconcile:run:${assertOpaqueId(runId, 'run id')}:ids`,
    reconcileMismatches: (runId) => `${prefix}reconcile:run:${assertOpaqueId(runId, 'run id')}:mismatches`,
    reconcileUnmatched: (runId) => `${prefix}reconcile:run:${assertOpaqueId(runId, 'run id')}:unmatched`,
    reconcileRuns: `${prefix}reconcile:runs`,
    matchProposal: (proposalId) => `${prefix}match:proposal:${assertOpaqueId(proposalId, 'proposal id')}`,
    openMatchProposals: `${prefix}match:open`,
    rejectedMatches: `${prefix}match:rejected`,
    rejectedChanges: `${prefix}feed:rejected`,
    importRun: (importId) => `${prefix}import:${assertOpaqueId(importId, 'import id')}`,
    importSpool: (importId) => `${prefix}import:${assertOpaqueId(importId, 'import id')}:spool`,
    importErrors: (importId) => `${prefix}import:${assertOpaqueId(importId, 'import id')}:errors`,
    importRefused: (importId) => `${prefix}import:${assertOpaqueId(importId, 'import id')}:refused`,
    importRuns: `${prefix}imports`,
  };
}

/**
 * The longest change-feed cursor the store keeps: 1 MiB. Some platforms' cursors are lists rather than
 * positions (GIA's names every report handed out since the feed was last cleared, about 40 characters a
 * report), so the cap must hold tens of thousands of entries, yet still refuse a runaway value.
 */
export const MAX_CURSOR_LENGTH = 1024 * 1024;

/** The pattern of a bridge ID, as `$defs/bridgeId` in schemas/diamond.schema.json has it. */
export const DIAMOND_ID_PATTERN = /^tb_[0-9A-Za-z_-]{6,64}$/;

/** Returns `id` when it is a well-formed bridge ID; anything else could reach into another key. */
export function assertDiamondId(id: unknown): string {
  if (typeof id !== 'string' || !DIAMOND_ID_PATTERN.test(id)) {
    throw new StoreInputError('diamond id', id, `a bridge ID matching ${String(DIAMOND_ID_PATTERN)}`);
  }
  return id;
}

// Run and proposal IDs the bridge mints (`rc_...`, `mp_...`); anything else could reach into another key.
const OPAQUE_ID_PATTERN = /^[a-z]{2}_[0-9A-Za-z_-]{6,64}$/;

/** Returns `id` when it is a well-formed run or proposal ID such as `rc_01HV8Z3K4M`. */
export function assertOpaqueId(id: unknown, field: string): string {
  if (typeof id !== 'string' || !OPAQUE_ID_PATTERN.test(id)) {
    throw new StoreInputError(field, id, `an ID matching ${String(OPAQUE_ID_PATTERN)}`);
  }
  return id;
}

// As `$defs/platformName` in schemas/diamond.schema.json.
const PLATFORM_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/** Returns `name` when it is a well-formed platform or adapter name (`gia`, `tracr`, `epcis`). */
export function assertPlatformName(name: unknown, field = 'platform'): string {
  if (typeof name !== 'string' || !PLATFORM_PATTERN.test(name)) {
    throw new StoreInputError(field, name, 'a lower-case name such as "gia" or "tracr"');
  }
  return name;
}

// C0 and C1 control characters, DEL, and the braces that would let a value pose as a hash tag.
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f{}]/;

/** Returns `value` when it is a short printable string without braces: a native ref, an actor, a cursor. */
export function assertSafeText(value: unknown, field: string, maxLength = 512): string {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > maxLength ||
    UNSAFE_TEXT.test(value)
  ) {
    throw new StoreInputError(
      field,
      value,
      `a non-empty string of at most ${maxLength} characters, without braces or control characters`,
    );
  }
  return value;
}

/**
 * The form an identifier is indexed under, so the same stone is found however a platform prints it:
 * trimmed, and for a laser inscription upper-cased with runs of spaces collapsed ("gia 2141438171" and
 * "GIA  2141438171" are one inscription).
 */
export function normaliseIdentifier(name: IdentifierName, value: unknown): string {
  const text = assertSafeText(typeof value === 'string' ? value.trim() : value, `identifiers.${name}`, 256);
  return name === 'inscription' ? text.toUpperCase().replace(/\s+/g, ' ') : text;
}
