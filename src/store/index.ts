import {
  auditRetention,
  auditRetentionArg,
  createAuditLog,
  type AuditLog,
  type AuditRetention,
} from './audit.js';
import { createCursors, type Cursors } from './cursors.js';
import { createDiamonds, type Diamonds } from './diamonds.js';
import { createIdentityMap, type IdentityMap } from './identity.js';
import { watchLegacyIndex } from './legacy-index.js';
import { createImports, type Imports } from './imports.js';
import { DEFAULT_PREFIX, storeKeys, type StoreKeys } from './keys.js';
import { createMirrors, type Mirrors } from './mirrors.js';
import { createOutbox, type Outbox } from './outbox.js';
import type { RedisClient } from './scripts.js';

export {
  DEFAULT_AUDIT_RETENTION,
  type AuditEntry,
  type AuditLog,
  type AuditRetention,
  type RecentOptions,
} from './audit.js';
export {
  connectRedis,
  describeTarget,
  redisTarget,
  type ConnectionUse,
  type RedisTarget,
} from './connection.js';
export type { Cursors } from './cursors.js';
export type {
  ChangeContext,
  DiamondChange,
  Diamonds,
  IdPage,
  SaveManyOptions,
  SaveOptions,
  SaveResult,
  StoredDiamond,
  SyncIntentOptions,
} from './diamonds.js';
export type { IntentDone, Outbox, SyncIntent } from './outbox.js';
export * from './errors.js';
export type { Fence } from './fence.js';
export type { IdentifierQuery, IdentityMap, LinkOptions, LinkOutcome } from './identity.js';
export {
  SPOOL_CHUNK_BYTES,
  type ImportCommit,
  type ImportCounts,
  type Imports,
  type ImportState,
  type ImportStatus,
  type NewImport,
} from './imports.js';
export {
  DEFAULT_PREFIX,
  MAX_STORE_SHARDS,
  IDENTIFIER_NAMES,
  normaliseIdentifier,
  type IdentifierName,
  type StoreKeys,
} from './keys.js';
export { newDiamondId } from './diamond-id.js';
export { fnv1a, keySlot, spreadPrefix, tagSlot } from './spread.js';
export type { MirrorEntry, MirrorSaveOptions, Mirrors, StoneMirrors } from './mirrors.js';
export type { RedisClient } from './scripts.js';
export { createReplicas, ReplicationTimeoutError, type Replicas } from './replicas.js';

/** Options for {@link createStore}. */
export interface StoreOptions {
  /** Key prefix; its leading braces part is the Redis Cluster hash tag. Default `{tracebridge}:`. */
  prefix?: string;
  /** How much of the audit log to keep; see {@link DEFAULT_AUDIT_RETENTION} for the defaults. */
  audit?: Partial<AuditRetention>;
  /** How many shards the stones are spread over (store/keys.ts). Default 1. */
  shards?: number;
}

/** The bridge's own state in Redis. */
export interface Store {
  /** The client the store runs on, for state kept beside the store under the same key prefix. */
  readonly redis: RedisClient;
  readonly keys: StoreKeys;
  readonly diamonds: Diamonds;
  readonly identity: IdentityMap;
  readonly cursors: Cursors;
  readonly audit: AuditLog;
  /** The canonical view last read from each platform, per stone. */
  readonly mirrors: Mirrors;
  /** Bulk imports: spooled uploads, progress, row errors and refused rows. */
  readonly imports: Imports;
  /** Stones whose sync is owed: intents saved with them, cleared once their jobs exist. */
  readonly outbox: Outbox;
}

/**
 * The store over a connected ioredis client. Production runs Redis with AOF on and
 * `maxmemory-policy noeviction`: evicting a record or an index entry would silently lose a stone.
 */
export function createStore(
  redis: RedisClient,
  { prefix = DEFAULT_PREFIX, audit, shards = 1 }: StoreOptions = {},
): Store {
  const retention = auditRetention(audit);
  const keys = storeKeys(prefix, shards);
  // The bridge-wide length limit is shared out over the shards' streams.
  const auditTrim = auditRetentionArg({ ...retention, maxLen: Math.ceil(retention.maxLen / shards) });
  const legacyIndexPresent = watchLegacyIndex(redis, keys);
  const diamonds = createDiamonds(redis, keys, legacyIndexPresent, auditTrim);
  return {
    redis,
    keys,
    diamonds,
    identity: createIdentityMap(redis, keys, legacyIndexPresent, auditTrim),
    cursors: createCursors(redis, keys, diamonds),
    audit: createAuditLog(redis, keys, retention, auditTrim),
    mirrors: createMirrors(redis, keys),
    imports: createImports(redis, keys),
    outbox: createOutbox(redis, keys),
  };
}
