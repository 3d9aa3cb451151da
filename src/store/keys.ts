import { StoreInputError } from './errors.js';
import {
  identifierNames,
  isGroupIdentifier,
  isOrgScopedIdentifier,
  orgScopedIdentifierNames,
  type IdentifierName,
} from '../mapping/identifiers.js';

/**
 * Every key the store touches is built here, and nowhere else. All of them start with one prefix whose
 * braces part is a Redis Cluster hash tag, so the whole state lives in one slot: the save script may touch
 * the record, its indexes and both audit streams in one atomic call, even on a cluster.
 */

/** The default key prefix; `{tracebridge}` is the hash tag. */
export const DEFAULT_PREFIX = '{tracebridge}:';

/** The canonical identifiers the store indexes, in the order the save script receives them. */
export const IDENTIFIER_NAMES = identifierNames;

/** The identifiers unique within an organisation only, in the order the save script receives their old keys. */
export const ORG_SCOPED_NAMES = orgScopedIdentifierNames;
export type { IdentifierName };

/** The key names for one prefix. */
export interface StoreKeys {
  readonly prefix: string;
  /** Hash: `record`, `sources`, `version`, `hash`, `updatedAt`, `ident:<name>` for one stone. */
  diamond(id: string): string;
  /** Sorted set (all scores 0, ordered by ID) of every stored bridge ID. */
  readonly members: string;
  /**
   * Hash: normalised identifier value -> bridge ID; for a group identifier (`kpCertificate`), a sorted set
   * (all scores 0) of `<value>\n<bridge ID>`, so one value lists its whole parcel in order; for one unique
   * within an organisation (`producerRef`), a sorted set of `<value>\n<owner.org>\n<bridge ID>`, so one
   * value lists its holder in each organisation.
   */
  identifier(name: IdentifierName): string;
  /**
   * Hash: value -> bridge ID, the index of an organisation's identifier as written before identifiers were
   * kept per organisation; read as a fallback and emptied as its stones change.
   */
  legacyIdentifier(name: IdentifierName): string;
  /** Hash: native ref on one platform -> bridge ID. */
  platformRefs(platform: string): string;
  /** Hash: platform -> native ref for one stone. */
  stoneRefs(id: string): string;
  /** Hash: adapter -> change-feed cursor. */
  readonly cursors: string;
  /** Sorted set: bridge IDs with a sync intent (the outbox), scored by when it was recorded (ms). */
  readonly syncIntents: string;
  /** Stream: every change to every stone. */
  readonly auditLog: string;
  /** Stream: every change to one stone. */
  stoneAudit(id: string): string;
  /** Hash: platform -> JSON `{view, readAt, ref?}`, the canonical view last read from each platform. */
  mirror(id: string): string;
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

/** Builds the key names for `prefix`, refusing one that is not a single leading hash tag. */
export function storeKeys(prefix: string = DEFAULT_PREFIX): StoreKeys {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new StoreInputError(
      'key prefix',
      prefix,
      'a hash tag in braces at the start, such as "{tracebridge}:", with no other braces',
    );
  }
  return {
    prefix,
    diamond: (id) => `${prefix}diamond:${assertDiamondId(id)}`,
    members: `${prefix}diamonds`,
    // A group's index has a key of its own: a set of stones is another Redis type than one stone's hash.
    identifier: (name) =>
      `${prefix}${isGroupIdentifier(name) ? 'identifier-group' : isOrgScopedIdentifier(name) ? 'identifier-org' : 'identifier'}:${name}`,
    legacyIdentifier: (name) => `${prefix}identifier:${name}`,
    platformRefs: (platform) => `${prefix}ref:${assertPlatformName(platform)}`,
    stoneRefs: (id) => `${prefix}refs:${assertDiamondId(id)}`,
    cursors: `${prefix}cursors`,
    syncIntents: `${prefix}outbox`,
    auditLog: `${prefix}audit`,
    stoneAudit: (id) => `${prefix}audit:${assertDiamondId(id)}`,
    mirror: (id) => `${prefix}mirror:${assertDiamondId(id)}`,
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
