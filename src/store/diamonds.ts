import { canonicalJson, sha256HexOfJson } from '../mapping/content-hash.js';
import type { DiamondRecord, PlatformSource } from '../types/diamond.js';
import { parseJson } from './audit.js';
import { newDiamondId } from './diamond-id.js';
import {
  CorruptEntryError,
  IdentifierConflictError,
  StoreInputError,
  VersionConflictError,
} from './errors.js';
import {
  assertDiamondId,
  assertPlatformName,
  assertSafeText,
  IDENTIFIER_NAMES,
  MAX_CURSOR_LENGTH,
  normaliseIdentifier,
  ORG_SCOPED_NAMES,
  type IdentifierName,
  type StoreKeys,
} from './keys.js';
import { isOrgScopedIdentifier } from '../mapping/identifiers.js';
import { assertFenceHeld, fenceKey, type Fence } from './fence.js';
import type { LegacyIndexPresent } from './legacy-index.js';
import { runScript, saveScript, type RedisClient } from './scripts.js';

/** A canonical record as stored, with what the store keeps beside it. */
export interface StoredDiamond {
  /** The record, `sources` included. */
  record: DiamondRecord;
  /** 1 on creation, +1 on every stored change; the value to pass as `expectedVersion`. */
  version: number;
  /** {@link contentHash} of the record: equal hashes mean the same stone content. */
  hash: string;
  /** When the current version was stored (ISO 8601, UTC). */
  updatedAt: string;
}

/** Who is saving and why; goes to the audit log with every change. */
export interface ChangeContext {
  /** Who made the change: an API principal, `worker:gia`, `cli`. */
  actor: string;
  /** What the caller was doing: `register`, `sync`, `change-feed`. */
  action: string;
  /** The platform the change came from, when there is one. */
  platform?: string;
}

/**
 * Record the intent to sync each changed stone with the save, atomically (the outbox): the stone's jobs
 * are owed from the moment it is stored, and the outbox sweeper enqueues any intent whose jobs never came.
 */
export interface SyncIntentOptions {
  /** The platform the change came from, which is not to be written back to. */
  except?: string;
}

/** Options for {@link Diamonds.save}. */
export interface SaveOptions extends ChangeContext {
  /** Record the intent to sync the stone in the same atomic step, when its content changes. */
  syncIntent?: SyncIntentOptions;
  /** The lease the save is made under: refused ({@link FencedWriteError}) unless it still holds. */
  fence?: Fence;
  /**
   * Refuse the save unless the stored version is this one (0: the stone must not exist yet). Not checked
   * when the content is unchanged: what the caller wanted stored is already there.
   */
  expectedVersion?: number;
  /** Context for the audit entry. */
  detail?: Record<string, unknown>;
}

/** One stone of a batch for {@link Diamonds.saveMany}. */
export interface DiamondChange {
  record: DiamondRecord;
  expectedVersion?: number;
  detail?: Record<string, unknown>;
}

/** Options for {@link Diamonds.saveMany}. */
export interface SaveManyOptions extends ChangeContext {
  /** Store this change-feed cursor in the same atomic step, only if every stone of the batch is stored. */
  advanceCursor?: { adapter: string; cursor: string };
  /** Record the intent to sync each changed stone in the same atomic step. */
  syncIntent?: SyncIntentOptions;
  /** The lease the save is made under: refused ({@link FencedWriteError}) unless it still holds. */
  fence?: Fence;
}

/** What a save did. `unchanged`: the content hash matched and nothing at all was written. */
export interface SaveResult {
  id: string;
  version: number;
  /** The content hash of what was saved (or found unchanged): `contentHash` of the record. */
  hash: string;
  outcome: 'created' | 'updated' | 'unchanged';
}

/** A page of bridge IDs; pass `cursor` back to get the next page, `null` once there are no more. */
export interface IdPage {
  ids: string[];
  cursor: string | null;
}

/** Canonical records with versions. Records are never deleted, so there is no remove. */
export interface Diamonds {
  get(id: string): Promise<StoredDiamond | null>;
  /** Many records in one pipelined round trip, in the order asked, `null` for unknown IDs. */
  getMany(ids: readonly string[]): Promise<(StoredDiamond | null)[]>;
  /**
   * Stores a record atomically: checks `expectedVersion`, writes the record, bumps the version, updates
   * the identifier and membership indexes and appends the audit entry, or writes nothing at all. Assigns
   * a bridge ID when the record has none. Throws {@link VersionConflictError} or
   * {@link IdentifierConflictError}.
   */
  save(record: DiamondRecord, options: SaveOptions): Promise<SaveResult>;
  /**
   * {@link Diamonds.save} for a batch, all or nothing; a batch may name each stone once. Identifiers are
   * checked against the index as it stood before the batch, so two stones cannot swap an identifier in one
   * batch.
   */
  saveMany(changes: readonly DiamondChange[], options: SaveManyOptions): Promise<SaveResult[]>;
  /**
   * One page of stored IDs in ID order. Paging by the last ID seen, not by offset, visits each stone
   * exactly once even while others are being added.
   */
  list(options?: { cursor?: string | null; count?: number }): Promise<IdPage>;
  /** Every stored ID, fetched a page at a time so memory stays bounded however many stones there are. */
  ids(options?: { pageSize?: number }): AsyncGenerator<string, void, undefined>;
  /** How many stones are stored. */
  count(): Promise<number>;
}

/** The records part of the store over `keys`. */
export function createDiamonds(
  redis: RedisClient,
  keys: StoreKeys,
  legacyIndexPresent: LegacyIndexPresent,
  auditTrim = '',
): Diamonds {
  const readEntry = (id: string, fields: Record<string, string>): StoredDiamond | null =>
    Object.keys(fields).length === 0 ? null : parseStored(keys.diamond(id), fields);

  const saveMany = async (
    changes: readonly DiamondChange[],
    options: SaveManyOptions,
  ): Promise<SaveResult[]> => {
    const prepared = changes.map((change) => prepare(change));
    const seen = new Set<string>();
    for (const { id } of prepared) {
      if (seen.has(id)) throw new StoreInputError('batch', id, 'each diamond at most once per batch');
      seen.add(id);
    }
    await checkLegacyIdentifiers(prepared);
    const cursor = options.advanceCursor;
    const intent = options.syncIntent;
    const args: (string | number)[] = [
      new Date().toISOString(),
      assertSafeText(options.actor, 'actor'),
      assertSafeText(options.action, 'action', 64),
      options.platform === undefined ? '' : assertPlatformName(options.platform),
      auditTrim,
      cursor ? assertPlatformName(cursor.adapter, 'adapter') : '',
      cursor ? assertSafeText(cursor.cursor, `${cursor.adapter} cursor`, MAX_CURSOR_LENGTH) : '',
      prepared.length,
      intent === undefined ? '' : '1',
      intent?.except === undefined ? '' : assertPlatformName(intent.except, 'syncIntent.except'),
      Date.now(),
      options.fence === undefined ? '' : options.fence.holder,
    ];
    const scriptKeys = [
      keys.members,
      keys.auditLog,
      keys.cursors,
      ...IDENTIFIER_NAMES.map((name) => keys.identifier(name)),
      ...ORG_SCOPED_NAMES.map((name) => keys.legacyIdentifier(name)),
    ];
    for (const stone of prepared) {
      scriptKeys.push(keys.diamond(stone.id), keys.stoneAudit(stone.id));
      args.push(...stone.args);
    }
    scriptKeys.push(keys.syncIntents);
    if (options.fence) scriptKeys.push(fenceKey(options.fence, keys.prefix));
    const reply = (await runScript(redis, saveScript, scriptKeys, args)) as (string | number)[];
    assertFenceHeld(reply, prepared[0]?.id ?? '', options.fence);
    const [status, ...rest] = reply;
    if (status === 'version') {
      const [id, expected, actual] = rest.map(String) as [string, string, string];
      throw new VersionConflictError(id, Number(expected), Number(actual));
    }
    if (status === 'identifier') {
      const [name, value, owner, id] = rest.map(String) as [string, string, string, string];
      // An organisation's identifier is indexed with the organisation after it; the conflict tells the value.
      throw new IdentifierConflictError(name, value.split('\n')[0]!, owner, id);
    }
    return prepared.map(({ id, hash }, i) => ({
      id,
      hash,
      outcome: rest[2 * i] as SaveResult['outcome'],
      version: Number(rest[2 * i + 1]),
    }));
  };

  // Entries of the index written before identifiers were kept per organisation name one holder for every
  // organisation; the save script cannot read that holder's organisation, so the conflict is checked here.
  // No entry is ever added to that index, so none can appear between this check and the save.
  const checkLegacyIdentifiers = async (prepared: readonly PreparedChange[]): Promise<void> => {
    const asked = prepared.flatMap((stone) =>
      stone.scoped.map((entry) => ({ ...entry, id: stone.id, org: stone.org })),
    );
    if (asked.length === 0 || !(await legacyIndexPresent())) return;
    const pipeline = redis.pipeline();
    for (const { name, value } of asked) pipeline.hget(keys.legacyIdentifier(name), value);
    const holders = ((await pipeline.exec()) ?? []).map(([error, holder]) => {
      if (error) throw error;
      return holder as string | null;
    });
    for (const [i, { name, value, id, org }] of asked.entries()) {
      const holder = holders[i];
      if (holder === null || holder === undefined || holder === id) continue;
      if ((await ownerOrg(redis, keys, holder)) === org)
        throw new IdentifierConflictError(name, value, holder, id);
    }
  };

  const list = async ({
    cursor = null,
    count = 500,
  }: { cursor?: string | null; count?: number } = {}): Promise<IdPage> => {
    if (!Number.isInteger(count) || count < 1)
      throw new RangeError(`list count ${count} must be a positive integer`);
    const from = cursor === null ? '-' : `(${assertDiamondId(cursor)}`;
    const ids = await redis.zrangebylex(keys.members, from, '+', 'LIMIT', 0, count);
    return { ids, cursor: ids.length < count ? null : (ids.at(-1) ?? null) };
  };

  return {
    async get(id) {
      return readEntry(id, await redis.hgetall(keys.diamond(id)));
    },
    async getMany(ids) {
      if (ids.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hgetall(keys.diamond(id));
      const replies = (await pipeline.exec()) ?? [];
      return ids.map((id, i) => {
        const [error, fields] = replies[i] ?? [new Error('no reply'), null];
        if (error) throw error;
        return readEntry(id, fields as Record<string, string>);
      });
    },
    async save(record, { expectedVersion, detail, ...context }) {
      const change: DiamondChange = { record };
      if (expectedVersion !== undefined) change.expectedVersion = expectedVersion;
      if (detail !== undefined) change.detail = detail;
      const [result] = await saveMany([change], context);
      return result as SaveResult;
    },
    saveMany,
    list,
    async *ids({ pageSize = 500 } = {}) {
      let cursor: string | null = null;
      do {
        const page: IdPage = await list({ cursor, count: pageSize });
        yield* page.ids;
        cursor = page.cursor;
      } while (cursor !== null);
    },
    async count() {
      return redis.zcard(keys.members);
    },
  };
}

interface PreparedChange {
  id: string;
  /** The organisation the stone's own identifiers are unique in: its `owner.org`, '' when it has none. */
  org: string;
  hash: string;
  /** Its identifiers unique within an organisation, normalised, without the organisation. */
  scoped: { name: IdentifierName; value: string }[];
  args: (string | number)[];
}

/** The `owner.org` of stored stone `id`, '' when it has none (or is not stored). */
export async function ownerOrg(redis: RedisClient, keys: StoreKeys, id: string): Promise<string> {
  const json = await redis.hget(keys.diamond(id), 'record');
  if (json === null) return '';
  return (parseJson(`${keys.diamond(id)} record`, json) as DiamondRecord).owner?.org ?? '';
}

// Everything the script needs for one stone, validated before anything is sent.
function prepare({ record, expectedVersion, detail }: DiamondChange): PreparedChange {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new StoreInputError('record', record, 'a canonical diamond record object');
  }
  const id = record.id === undefined ? newDiamondId() : assertDiamondId(record.id);
  if (expectedVersion !== undefined && (!Number.isInteger(expectedVersion) || expectedVersion < 0)) {
    throw new StoreInputError(`expectedVersion of ${id}`, expectedVersion, 'a version number, 0 or more');
  }
  const withId: DiamondRecord = { ...record, id };
  const { sources, ...content } = withId;
  const identifiers = (content.identifiers ?? {}) as Record<string, unknown>;
  const owner = content.owner?.org;
  const org = owner === undefined ? '' : assertSafeText(owner, `owner.org of ${id}`, 128);
  const scoped: PreparedChange['scoped'] = [];
  const indexed = IDENTIFIER_NAMES.map((name) => {
    if (identifiers[name] === undefined) return '';
    const value = normaliseIdentifier(name, identifiers[name]);
    if (!isOrgScopedIdentifier(name)) return value;
    scoped.push({ name, value });
    return `${value}\n${org}`;
  });
  const json = canonicalJson(content);
  // The content hash is the hash of the very text stored (contentHash leaves `sources` out too).
  const hash = sha256HexOfJson(json);
  const sourceArgs: string[] = [];
  for (const [platform, source] of Object.entries(sources ?? {})) {
    assertPlatformName(platform, `sources platform of ${id}`);
    assertSafeText(source.ref, `sources.${platform}.ref`, 128);
    sourceArgs.push(platform, canonicalJson(source));
  }
  return {
    id,
    org,
    hash,
    scoped,
    args: [
      id,
      expectedVersion ?? '',
      hash,
      json,
      detail === undefined ? '' : canonicalJson(detail),
      ...indexed,
      sourceArgs.length / 2,
      ...sourceArgs,
    ],
  };
}

function parseStored(key: string, fields: Record<string, string>): StoredDiamond {
  const { record: json, version, hash, updatedAt } = fields;
  if (json === undefined || version === undefined || hash === undefined || updatedAt === undefined) {
    throw new CorruptEntryError(key, 'stored diamond lacks one of record, version, hash, updatedAt');
  }
  const record = parseJson(`${key} record`, json) as DiamondRecord;
  const sources: Record<string, PlatformSource> = {};
  for (const [field, value] of Object.entries(fields)) {
    if (field.startsWith('source:'))
      sources[field.slice(7)] = parseJson(`${key} ${field}`, value) as PlatformSource;
  }
  if (Object.keys(sources).length > 0) record.sources = sources;
  return { record, version: Number(version), hash, updatedAt };
}
