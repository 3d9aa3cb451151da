import { canonicalJson, sha256HexOfJson } from '../mapping/content-hash.js';
import type { DiamondRecord, PlatformSource } from '../types/diamond.js';
import { parseJson } from './audit.js';
import { newDiamondId } from './diamond-id.js';
import {
  CorruptEntryError,
  FencedWriteError,
  IdentifierConflictError,
  StoreInputError,
  VersionConflictError,
} from './errors.js';
import { ClaimBusyError, createIdentifierIndex, type IndexEntry, type Release } from './identifier-index.js';
import {
  assertDiamondId,
  assertPlatformName,
  assertSafeText,
  IDENTIFIER_NAMES,
  MAX_CURSOR_LENGTH,
  normaliseIdentifier,
  type IdentifierName,
  type StoreKeys,
} from './keys.js';
import { isOrgScopedIdentifier } from '../mapping/identifiers.js';
import { fenceKey, type Fence } from './fence.js';
import { legacyHolders, type LegacyIndexPresent } from './legacy-index.js';
import {
  clearEach,
  clearIndexIntentsScript,
  countInShards,
  dueInShards,
  identifierKind,
  inShardOrder,
  perShard,
  pipelined,
  runScriptEach,
  saveScript,
  type RedisClient,
} from './scripts.js';

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
  /** The stone as the caller last read it: see {@link DiamondChange.read}. */
  read?: StoredDiamond | null;
}

/** One stone of a batch for {@link Diamonds.saveMany}. */
export interface DiamondChange {
  record: DiamondRecord;
  /**
   * The stone as the caller last read it (null: found absent), sparing the save a read of its own. A
   * stone stored since is read again and saved then, so a stale one costs a round trip, never a wrong save.
   */
  read?: StoredDiamond | null;
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
  /**
   * Finishes the index releases saves recorded before `before` (epoch ms) and did not get to (a crash
   * between a save and its release), up to `count` (default 500) stones. Answers how many it finished.
   */
  finishReleases(options: { before: number; count?: number }): Promise<number>;
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

  const index = createIdentifierIndex(redis, keys);

  // The shard count a store was first written with is kept beside it: a process started with another
  // would put stones where the others never look, so it refuses to write. A store written before shards
  // existed has its stones under the base tag, as one shard.
  let layoutChecked: Promise<void> | undefined;
  const checkLayout = () =>
    (layoutChecked ??= (async () => {
      const unsharded = keys.shards > 1 && (await redis.exists(`${keys.prefix}diamonds`)) > 0;
      await redis.hsetnx(keys.layout, 'shards', unsharded ? 1 : keys.shards);
      const stored = Number(await redis.hget(keys.layout, 'shards'));
      if (stored !== keys.shards)
        throw new StoreInputError(
          'store shards',
          keys.shards,
          `${stored}, the count this store was first written with (TRACEBRIDGE_STORE_SHARDS)`,
        );
    })().catch((error: unknown) => {
      layoutChecked = undefined;
      throw error;
    }));

  // A batch is saved a stone at a time, each stone one atomic step, a pipeline per shard. A stone that
  // changed since it was read (or whose value another save of the same stone held) is read and saved
  // again; the others keep what they stored.
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
    if (options.fence && new Set(prepared.map(({ id }) => keys.shardOf(id))).size > 1)
      throw new StoreInputError('fence', options.fence.key, 'a fenced save of stones in one shard');
    if (options.fence && prepared[0]) fenceKey(options.fence, keys.shardPrefix(keys.shardOf(prepared[0].id)));
    // Everything is checked before the first claim, so a refusal leaves nothing behind.
    const base = saveArgs(options, auditTrim);
    await checkLayout();
    await checkLegacyIdentifiers(prepared);
    const results: (SaveResult | undefined)[] = prepared.map(() => undefined);
    for (let attempt = 1; ; attempt++) {
      const open = prepared.flatMap((stone, i) => (results[i] === undefined ? [{ stone, i }] : []));
      if (open.length === 0) break;
      if (attempt > SAVE_ATTEMPTS) {
        const { id } = open[0]!.stone;
        const version = Number((await redis.hget(keys.diamond(id), 'version')) ?? 0);
        throw new VersionConflictError(id, version, version);
      }
      if (attempt > 1) await sleep(attempt * 20 + Math.random() * 20);
      try {
        const saved = await saveOnce(
          open.map(({ stone }) => stone),
          base,
          options.fence,
          attempt === 1,
        );
        saved.forEach((result, k) => {
          results[open[k]!.i] = result;
        });
      } catch (error) {
        if (!(error instanceof ClaimBusyError)) throw error;
      }
    }
    const cursor = options.advanceCursor;
    // The cursor moves only once every stone it covers is stored: a crash before re-reads the page.
    if (cursor) await setCursor(redis, keys, cursor.adapter, cursor.cursor);
    return results as SaveResult[];
  };

  // One pass: read what is stored, claim the values the stones newly hold, save each stone, then
  // release what the saves dropped. Answers undefined for a stone whose shard must be saved again.
  const saveOnce = async (
    prepared: readonly PreparedChange[],
    base: readonly (string | number)[],
    fence: Fence | undefined,
    trustRead: boolean,
  ): Promise<(SaveResult | undefined)[]> => {
    const trusted = (stone: PreparedChange) => trustRead && stone.read !== undefined;
    const peeked = await peek(prepared.filter((stone) => !trusted(stone)));
    let next = 0;
    const stored = prepared.map((stone) => (trusted(stone) ? stone.read! : peeked[next++]!));
    const claims = prepared.flatMap((stone, i) =>
      stone.hash === stored[i]!.hash
        ? []
        : newEntries(stone, stored[i]!.idents).map((entry) => ({ ...entry, i })),
    );
    const tokens = await index.claim(claims);
    const tokensOf = prepared.map(() => IDENTIFIER_NAMES.map(() => ''));
    claims.forEach(({ i, name }, k) => {
      tokensOf[i]![IDENTIFIER_NAMES.indexOf(name)] = tokens[k]!;
    });
    const replies = await perShard(
      prepared.map((stone, i) => ({ stone, seen: stored[i]!.hash, tokens: tokensOf[i]! })),
      ({ stone }) => keys.shardOf(stone.id),
      (group, shard) => saveShard(group, shard, base, fence),
    );
    // A stone refused stored nothing: its claims go back before anything is thrown or tried again.
    await index.release(
      claims.flatMap((entry, k) =>
        replies[entry.i]!.kind === 'saved' ? [] : [{ ...entry, token: tokens[k]! }],
      ),
    );
    const failed = replies.find((reply) => reply.kind === 'failed');
    if (failed?.kind === 'failed') throw failed.error;
    await releaseDropped(
      prepared.flatMap((stone, i) => {
        const reply = replies[i]!;
        return reply.kind === 'saved' && reply.intent !== '' ? [{ id: stone.id, intent: reply.intent }] : [];
      }),
    );
    return replies.map((reply, i) =>
      reply.kind === 'saved'
        ? { id: prepared[i]!.id, hash: prepared[i]!.hash, outcome: reply.outcome, version: reply.version }
        : undefined,
    );
  };

  // Each stone's stored hash and identifiers, '' for none.
  const peek = (prepared: readonly PreparedChange[]) =>
    perShard(
      prepared,
      (stone) => keys.shardOf(stone.id),
      async (group) =>
        (
          await pipelined(redis, group, (pipeline, stone) =>
            pipeline.hmget(keys.diamond(stone.id), 'hash', ...IDENT_FIELDS),
          )
        ).map((reply) => {
          const [hash, ...idents] = (reply as (string | null)[]).map((field) => field ?? '');
          return { hash: hash!, idents };
        }),
    );

  // Each stone of the shard is its own script call, the calls pipelined: no script spans two stones.
  const saveShard = async (
    group: readonly { stone: PreparedChange; seen: string; tokens: readonly string[] }[],
    shard: number,
    base: readonly (string | number)[],
    fence: Fence | undefined,
  ): Promise<StoneReply[]> => {
    const shardKeys = [
      keys.members(shard),
      keys.shardAudit(shard),
      keys.syncIntents(shard),
      keys.indexIntents(shard),
    ];
    const lease = fence === undefined ? [] : [fenceKey(fence, keys.shardPrefix(shard))];
    const replies = await runScriptEach(
      redis,
      saveScript,
      group.map(({ stone, seen, tokens }) => ({
        keys: [...shardKeys, keys.diamond(stone.id), keys.stoneAudit(stone.id), ...lease],
        args: [
          ...base,
          stone.id,
          stone.expectedVersion,
          seen,
          stone.hash,
          stone.json,
          stone.detail,
          ...identifierArgs(stone.indexed, tokens),
          stone.sources.length / 2,
          ...stone.sources,
        ],
      })),
    );
    return replies.map((reply, k): StoneReply => {
      const [status, ...rest] = reply as (string | number)[];
      if (status === 'fenced')
        return { kind: 'failed', error: new FencedWriteError(group[k]!.stone.id, fence!) };
      if (status === 'version') {
        const [id, expected, actual] = rest.map(String) as [string, string, string];
        return { kind: 'failed', error: new VersionConflictError(id, Number(expected), Number(actual)) };
      }
      if (status !== 'ok') return { kind: 'again' };
      return {
        kind: 'saved',
        outcome: rest[0] as SaveResult['outcome'],
        version: Number(rest[1]),
        intent: String(rest[2]),
      };
    });
  };

  // Releases what saves dropped, then clears each stone's intent while it is still the one released.
  const releaseDropped = async (owed: readonly { id: string; intent: string }[]): Promise<void> => {
    if (owed.length === 0) return;
    await index.release(
      owed.flatMap(({ id, intent }) => (intent === '' ? [] : parseReleases(keys, id, intent))),
    );
    await clearEach(
      redis,
      keys,
      clearIndexIntentsScript,
      (shard) => keys.indexIntents(shard),
      owed.map(({ id, intent }) => ({ id, owed: intent })),
    );
  };

  // Entries of the index written before identifiers were kept per organisation name one holder for every
  // organisation; the save script cannot read that holder's organisation, so the conflict is checked here.
  // No entry is ever added to that index, so none can appear between this check and the save.
  const checkLegacyIdentifiers = async (prepared: readonly PreparedChange[]): Promise<void> => {
    if (!prepared.some((stone) => stone.scoped.length > 0) || !(await legacyIndexPresent())) return;
    const asked = prepared.flatMap((stone) =>
      stone.scoped.map((entry) => ({ ...entry, id: stone.id, org: stone.org })),
    );
    const holders = await legacyHolders(redis, keys, asked);
    for (const [i, { name, value, id, org }] of asked.entries()) {
      const holder = holders[i];
      if (holder === null || holder === undefined || holder === id) continue;
      if ((await ownerOrg(redis, keys, holder)) === org)
        throw new IdentifierConflictError(name, value, holder, id);
    }
  };

  // Stones are listed shard after shard, by ID within each: the last ID given names its shard too.
  const list = async ({
    cursor = null,
    count = 500,
  }: { cursor?: string | null; count?: number } = {}): Promise<IdPage> => {
    if (!Number.isInteger(count) || count < 1)
      throw new RangeError(`list count ${count} must be a positive integer`);
    const first = cursor === null ? 0 : keys.shardOf(assertDiamondId(cursor));
    const ids = await inShardOrder(keys.shards, first, count, (shard, limit) =>
      redis.zrangebylex(
        keys.members(shard),
        shard === first && cursor !== null ? `(${cursor}` : '-',
        '+',
        'LIMIT',
        0,
        limit,
      ),
    );
    return { ids, cursor: ids.length < count ? null : (ids.at(-1) ?? null) };
  };

  return {
    async get(id) {
      return readEntry(id, await redis.hgetall(keys.diamond(id)));
    },
    async getMany(ids) {
      const replies = await perShard(
        ids,
        (id) => keys.shardOf(id),
        (group) => pipelined(redis, group, (pipeline, id) => pipeline.hgetall(keys.diamond(id))),
      );
      return ids.map((id, i) => readEntry(id, replies[i] as Record<string, string>));
    },
    async save(record, { expectedVersion, detail, read, ...context }) {
      const change: DiamondChange = { record };
      if (expectedVersion !== undefined) change.expectedVersion = expectedVersion;
      if (detail !== undefined) change.detail = detail;
      if (read !== undefined) change.read = read;
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
    count: () => countInShards(redis, keys.shards, (shard) => keys.members(shard)),
    async finishReleases({ before, count = 500 }) {
      const due = await dueInShards(redis, keys.shards, (shard) => keys.indexIntents(shard), before, count);
      const ids = due.map(({ id }) => id);
      const intents = await perShard(
        ids,
        (id) => keys.shardOf(id),
        (group) => pipelined(redis, group, (pipeline, id) => pipeline.hget(keys.diamond(id), 'indexIntent')),
      );
      // A stone listed without an intent is a leftover: clearing it with none drops it from the set.
      await releaseDropped(ids.map((id, i) => ({ id, intent: (intents[i] as string | null) ?? '' })));
      return ids.length;
    },
  };
}

// How many times a batch is read and saved again when its stones change under it before it gives up.
const SAVE_ATTEMPTS = 5;

const IDENT_FIELDS = IDENTIFIER_NAMES.map((name) => `ident:${name}`);

/** What the save of one stone did: saved, to be read and saved again, or refused. */
type StoneReply =
  | { kind: 'saved'; outcome: SaveResult['outcome']; version: number; intent: string }
  | { kind: 'again' }
  | { kind: 'failed'; error: Error };

// The arguments every stone's save shares, before the stone's own.
function saveArgs(options: SaveManyOptions, auditTrim: string): (string | number)[] {
  const intent = options.syncIntent;
  return [
    new Date().toISOString(),
    assertSafeText(options.actor, 'actor'),
    assertSafeText(options.action, 'action', 64),
    options.platform === undefined ? '' : assertPlatformName(options.platform),
    auditTrim,
    intent === undefined ? '' : '1',
    intent?.except === undefined ? '' : assertPlatformName(intent.except, 'syncIntent.except'),
    Date.now(),
    options.fence === undefined ? '' : options.fence.holder,
  ];
}

// The identifiers a stone holds as the save script takes them: how many, then each one's position in
// IDENTIFIER_NAMES (from 1), value and claim token.
function identifierArgs(indexed: readonly string[], tokens: readonly string[]): (string | number)[] {
  const args: (string | number)[] = [0];
  indexed.forEach((value, j) => {
    if (value !== '') args.push(j + 1, value, tokens[j]!);
  });
  args[0] = (args.length - 1) / 3;
  return args;
}

// The values a stone is to hold that its stored record does not (`stored`, in IDENTIFIER_NAMES order),
// each as the index entry to claim. A stone that passed to another organisation keeps its reference.
function newEntries(stone: PreparedChange, stored: readonly string[]): IndexEntry[] {
  return IDENTIFIER_NAMES.flatMap((name, j): IndexEntry[] => {
    const field = stone.indexed[j]!;
    const old = stored[j]!;
    if (field === '' || field === old) return [];
    const value = field.split('\n')[0]!;
    const kind = identifierKind(name);
    const kept = kind === 's' && old !== '' && old.split('\n')[0] === value;
    return [{ name, kind: kept ? 'k' : kind, field, value, id: stone.id }];
  });
}

// The releases an index intent (the save script's JSON list of [name, kind, field, token]) owes.
function parseReleases(keys: StoreKeys, id: string, intent: string): Release[] {
  const owed = parseJson(`${keys.diamond(id)} indexIntent`, intent);
  if (!Array.isArray(owed)) throw new CorruptEntryError(keys.diamond(id), 'indexIntent is not a list');
  return owed.map((entry: unknown) => {
    const [name, kind, field, token] = entry as [IdentifierName, Release['kind'], string, string];
    return { name, kind, field, value: field.split('\n')[0]!, id, token };
  });
}

async function setCursor(
  redis: RedisClient,
  keys: StoreKeys,
  adapter: string,
  cursor: string,
): Promise<void> {
  await redis.hset(
    keys.cursors,
    assertPlatformName(adapter, 'adapter'),
    assertSafeText(cursor, `${adapter} cursor`, MAX_CURSOR_LENGTH),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface PreparedChange {
  id: string;
  /** The organisation the stone's own identifiers are unique in: its `owner.org`, '' when it has none. */
  org: string;
  hash: string;
  /** Its identifiers unique within an organisation, normalised, without the organisation. */
  scoped: { name: IdentifierName; value: string }[];
  expectedVersion: number | '';
  json: string;
  detail: string;
  /** Per identifier name, as indexed: '' when absent; `<value>\n<owner.org>` for an organisation's. */
  indexed: string[];
  /** (platform, source JSON) pairs. */
  sources: string[];
  /** What the caller read stored: its hash and indexed identifiers ('' for none). */
  read?: { hash: string; idents: string[] };
}

/** The `owner.org` of stored stone `id`, '' when it has none (or is not stored). */
export async function ownerOrg(redis: RedisClient, keys: StoreKeys, id: string): Promise<string> {
  const json = await redis.hget(keys.diamond(id), 'record');
  if (json === null) return '';
  return (parseJson(`${keys.diamond(id)} record`, json) as DiamondRecord).owner?.org ?? '';
}

// Everything the script needs for one stone, validated before anything is sent.
function prepare({ record, expectedVersion, detail, read }: DiamondChange): PreparedChange {
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
  const indexed = indexedForm(identifiers, org);
  const scoped = IDENTIFIER_NAMES.flatMap((name, j) =>
    indexed[j] !== '' && isOrgScopedIdentifier(name) ? [{ name, value: indexed[j]!.split('\n')[0]! }] : [],
  );
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
    expectedVersion: expectedVersion ?? '',
    json,
    detail: detail === undefined ? '' : canonicalJson(detail),
    indexed,
    sources: sourceArgs,
    ...(read === undefined
      ? {}
      : {
          read:
            read === null
              ? { hash: '', idents: IDENTIFIER_NAMES.map(() => '') }
              : {
                  hash: read.hash,
                  idents: indexedForm(
                    (read.record.identifiers ?? {}) as Record<string, unknown>,
                    read.record.owner?.org ?? '',
                  ),
                },
        }),
  };
}

// Each identifier as the index keeps it, in IDENTIFIER_NAMES order: '' when absent, normalised, with the
// organisation after one unique within an organisation.
function indexedForm(identifiers: Record<string, unknown>, org: string): string[] {
  return IDENTIFIER_NAMES.map((name) => {
    if (identifiers[name] === undefined) return '';
    const value = normaliseIdentifier(name, identifiers[name]);
    return isOrgScopedIdentifier(name) ? `${value}\n${org}` : value;
  });
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
