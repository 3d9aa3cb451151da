import { canonicalJson } from '../mapping/content-hash.js';
import { groupIdentifierNames, isGroupIdentifier, isOrgScopedIdentifier } from '../mapping/identifiers.js';
import type { PlatformSource } from '../types/diamond.js';
import { ownerOrg } from './diamonds.js';
import { FencedWriteError, IdentityConflictError, StoreInputError, UnknownDiamondError } from './errors.js';
import {
  assertDiamondId,
  assertSafeText,
  IDENTIFIER_NAMES,
  normaliseIdentifier,
  type IdentifierName,
  type StoreKeys,
} from './keys.js';
import { assertFenceHeld, fenceKey, type Fence } from './fence.js';
import { legacyHolders, type LegacyIndexPresent } from './legacy-index.js';
import { createIdentifierIndex, type Lookup } from './identifier-index.js';
import { claimRefScript, linkScript, pipelined, runScript, type RedisClient } from './scripts.js';

/** Who links and why, for the audit log. */
export interface LinkOptions {
  actor: string;
  /** Default `link` (or `sync` for {@link IdentityMap.recordSync}). */
  action?: string;
  /** The lease the link is made under: refused ({@link FencedWriteError}) unless it still holds. */
  fence?: Fence;
}

/** One identifier to look up: see {@link IdentityMap.findByIdentifier}. */
export interface IdentifierQuery {
  name: IdentifierName;
  value: string;
  org?: string;
}

/** What a link did: `unchanged` when the store already held exactly that. */
export type LinkOutcome = 'linked' | 'unchanged';

/**
 * The identity map, both ways: (platform, native ref) -> bridge ID and bridge ID -> {platform: ref}; and
 * the index of canonical identifiers that {@link Diamonds.save} maintains.
 */
export interface IdentityMap {
  /**
   * Records that the stone is `ref` on `platform`. Throws {@link IdentityConflictError} when the ref
   * already belongs to another stone and {@link UnknownDiamondError} when the stone is not stored. A
   * stone has one current ref per platform; a ref it held before (a superseded report) still resolves
   * to it.
   */
  link(id: string, platform: string, ref: string, options: LinkOptions): Promise<LinkOutcome>;
  /**
   * Links `source.ref` as {@link IdentityMap.link} does and stores `sources.<platform>` (where the
   * platform holds the stone, when the bridge last saw it, the native hash) in the same step, without a
   * new version: a sync changes where the stone is known, not what it is.
   */
  recordSync(
    id: string,
    platform: string,
    source: PlatformSource,
    options: LinkOptions,
  ): Promise<LinkOutcome>;
  /** The stone that is `ref` on `platform`, or null. */
  resolve(platform: string, ref: string): Promise<string | null>;
  /** The stone's current ref on every platform it is linked on. */
  refs(id: string): Promise<Record<string, string>>;
  /**
   * The stone holding a canonical identifier (normalised as the index stores it), or null; always null for
   * a group identifier (`kpCertificate`), which names a parcel, never one stone: see {@link IdentityMap.parcel}.
   * An identifier unique within an organisation only (`producerRef`, `roughControlNumber`) is the stone
   * of `org` (the stone's `owner.org`; undefined: a stone with no owner); `org` is ignored for the others.
   */
  findByIdentifier(name: IdentifierName, value: string, org?: string): Promise<string | null>;
  /**
   * {@link IdentityMap.findByIdentifier} for many identifiers in one pipelined round trip, in the order
   * asked: an import looks up every row of a batch at once.
   */
  findManyByIdentifier(queries: readonly IdentifierQuery[]): Promise<(string | null)[]>;
  /**
   * Every stone holding a canonical identifier, in whichever organisation: for a record whose organisation
   * is not known (a platform record from a party the participants registry does not name). Empty for a
   * group identifier; for the others one per organisation (two where a sold stone brought its reference
   * to a buyer that had one), at most 1000 in all.
   */
  holdersOf(name: IdentifierName, value: string): Promise<string[]>;
  /** The stones sharing a group identifier (a KP certificate's parcel), by bridge ID, a page at a time. */
  parcel(
    name: IdentifierName,
    value: string,
    page?: { cursor?: string | null; count?: number },
  ): Promise<{ ids: string[]; cursor: string | null }>;
}

/** The identity map over `keys`. */
export function createIdentityMap(
  redis: RedisClient,
  keys: StoreKeys,
  legacyIndexPresent: LegacyIndexPresent,
  auditTrim = '',
): IdentityMap {
  const index = createIdentifierIndex(redis, keys);

  // The ref is claimed in its shard first, for good; then the stone's side is written in the stone's. A
  // stone is never deleted, so one found here is still there when its side is written.
  const linkAs = async (
    id: string,
    platform: string,
    ref: string,
    source: string,
    action: string,
    actor: string,
    fence: Fence | undefined,
  ): Promise<LinkOutcome> => {
    assertSafeText(ref, `${platform} ref`, 128);
    const leaseKey = fence === undefined ? undefined : fenceKey(fence, keys.shardPrefix(keys.shardOf(id)));
    // The stone and its lease lie in one shard: both are read in one round trip. A lease already lost
    // claims nothing; one lost after this is refused by the stone's side, and the ref it claimed is still
    // the stone's on that platform.
    const stone = keys.diamond(assertDiamondId(id));
    const [exists, holder] = await pipelined(
      redis,
      leaseKey === undefined ? [stone] : [stone, leaseKey],
      (pipeline, key) => (key === stone ? pipeline.exists(key) : pipeline.get(key)),
    );
    if (exists === 0) throw new UnknownDiamondError(id);
    if (fence && holder !== fence.holder) throw new FencedWriteError(id, fence);
    const claim = (await runScript(
      redis,
      claimRefScript,
      [keys.platformRefs(platform, ref)],
      [ref, id],
    )) as string[];
    if (claim[0] === 'identity') throw new IdentityConflictError(platform, ref, String(claim[1]), id);
    const reply = (await runScript(
      redis,
      linkScript,
      [
        keys.diamond(id),
        keys.stoneRefs(id),
        keys.shardAudit(keys.shardOf(id)),
        keys.stoneAudit(id),
        ...(leaseKey === undefined ? [] : [leaseKey]),
      ],
      [
        id,
        platform,
        ref,
        new Date().toISOString(),
        assertSafeText(actor, 'actor'),
        assertSafeText(action, 'action', 64),
        auditTrim,
        source,
        fence === undefined ? '' : fence.holder,
      ],
    )) as string[];
    assertFenceHeld(reply, id, fence);
    if (reply[0] === 'unknown') throw new UnknownDiamondError(id);
    return reply[1] as LinkOutcome;
  };

  const assertName = (name: string) => {
    if (!(IDENTIFIER_NAMES as readonly string[]).includes(name)) {
      throw new StoreInputError('identifier name', name, `one of ${IDENTIFIER_NAMES.join(', ')}`);
    }
  };

  // Every query is one look-up in its value's shard (a group identifier asks nothing); while an earlier
  // version's index remains, the holders written there come in a pipeline beside it, and an old holder's
  // organisation is then read (rarely: only old stones have one).
  const findMany = async (queries: readonly IdentifierQuery[]): Promise<(string | null)[]> => {
    const asked = queries.map(({ name, value, org }) => {
      assertName(name);
      if (isGroupIdentifier(name)) return { kind: 'group' as const };
      const normal = normaliseIdentifier(name, value);
      if (!isOrgScopedIdentifier(name)) return { kind: 'global' as const, name, normal };
      const scope = org === undefined ? '' : assertSafeText(org, 'org', 128);
      return { kind: 'scoped' as const, name, normal, scope };
    });
    const lookups: Lookup[] = asked.flatMap((query) =>
      query.kind === 'group'
        ? []
        : [
            query.kind === 'global'
              ? { name: query.name, value: query.normal, prefix: query.normal, limit: 1 }
              : {
                  name: query.name,
                  value: query.normal,
                  prefix: `${query.normal}\n${query.scope}\n`,
                  limit: 4,
                },
          ],
    );
    const scoped = asked.filter((query) => query.kind === 'scoped');
    const legacy = scoped.length > 0 && (await legacyIndexPresent());
    const [found, oldHolders] = await Promise.all([
      index.find(lookups),
      legacy
        ? legacyHolders(
            redis,
            keys,
            scoped.map(({ name, normal }) => ({ name, value: normal })),
          )
        : [],
    ]);
    let next = 0;
    let nextLegacy = 0;
    const holders = asked.map((query) => {
      if (query.kind === 'group') return null;
      const holder = found[next++]!.holders[0] ?? null;
      if (query.kind === 'global') return holder;
      const old = legacy ? (oldHolders[nextLegacy++] ?? null) : null;
      if (holder !== null || old === null) return holder;
      return { legacy: old, scope: query.scope };
    });
    // An old holder counts only for its own organisation, which only its record tells.
    return Promise.all(
      holders.map(async (entry) => {
        if (entry === null || typeof entry === 'string') return entry;
        return (await ownerOrg(redis, keys, entry.legacy)) === entry.scope ? entry.legacy : null;
      }),
    );
  };

  return {
    link: (id, platform, ref, { actor, action = 'link', fence }) =>
      linkAs(id, platform, ref, '', action, actor, fence),
    recordSync: (id, platform, source, { actor, action = 'sync', fence }) =>
      linkAs(id, platform, source.ref, canonicalJson(source), action, actor, fence),
    async resolve(platform, ref) {
      assertSafeText(ref, `${platform} ref`, 128);
      return redis.hget(keys.platformRefs(platform, ref), ref);
    },
    async refs(id) {
      return redis.hgetall(keys.stoneRefs(assertDiamondId(id)));
    },
    async findByIdentifier(name, value, org) {
      const [id] = await findMany([{ name, value, ...(org === undefined ? {} : { org }) }]);
      return id!;
    },
    findManyByIdentifier: (queries) => findMany(queries),
    async holdersOf(name, value) {
      assertName(name);
      if (isGroupIdentifier(name)) return [];
      const normal = normaliseIdentifier(name, value);
      const scoped = isOrgScopedIdentifier(name);
      const [[found], legacy] = await Promise.all([
        index.find([
          { name, value: normal, prefix: scoped ? `${normal}\n` : normal, limit: scoped ? 1000 : 1 },
        ]),
        scoped
          ? legacyIndexPresent().then(async (present) =>
              present ? (await legacyHolders(redis, keys, [{ name, value: normal }]))[0]! : null,
            )
          : null,
      ]);
      const holders = found!.holders;
      return legacy === null || holders.includes(legacy) ? holders : [...holders, legacy];
    },
    async parcel(name, value, { cursor = null, count = 100 } = {}) {
      if (!isGroupIdentifier(name))
        throw new StoreInputError(
          'identifier name',
          name,
          `a group identifier: ${groupIdentifierNames.join(', ')}`,
        );
      if (!Number.isInteger(count) || count < 1)
        throw new StoreInputError('parcel page size', count, 'a whole number of 1 or more');
      // Members are `<value>\n<bridge ID>`: the parcel is one lexical range, paged by the last ID listed.
      const normal = normaliseIdentifier(name, value);
      const [found] = await index.find([
        {
          name,
          value: normal,
          prefix: `${normal}\n`,
          limit: count,
          ...(cursor === null ? {} : { after: assertDiamondId(cursor) }),
        },
      ]);
      return { ids: found!.holders, cursor: found!.listed < count ? null : found!.last };
    },
  };
}
