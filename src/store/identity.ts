import { canonicalJson } from '../mapping/content-hash.js';
import type { PlatformSource } from '../types/diamond.js';
import { IdentityConflictError, StoreInputError, UnknownDiamondError } from './errors.js';
import {
  assertDiamondId,
  assertSafeText,
  IDENTIFIER_NAMES,
  normaliseIdentifier,
  type IdentifierName,
  type StoreKeys,
} from './keys.js';
import { linkScript, runScript, type RedisClient } from './scripts.js';

/** Who links and why, for the audit log. */
export interface LinkOptions {
  actor: string;
  /** Default `link` (or `sync` for {@link IdentityMap.recordSync}). */
  action?: string;
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
  /** The stone holding a canonical identifier (normalised as the index stores it), or null. */
  findByIdentifier(name: IdentifierName, value: string): Promise<string | null>;
}

/** The identity map over `keys`. */
export function createIdentityMap(redis: RedisClient, keys: StoreKeys, auditTrim = ''): IdentityMap {
  const linkAs = async (
    id: string,
    platform: string,
    ref: string,
    source: string,
    action: string,
    actor: string,
  ): Promise<LinkOutcome> => {
    const reply = (await runScript(
      redis,
      linkScript,
      [keys.diamond(id), keys.platformRefs(platform), keys.stoneRefs(id), keys.auditLog, keys.stoneAudit(id)],
      [
        id,
        platform,
        assertSafeText(ref, `${platform} ref`, 128),
        new Date().toISOString(),
        assertSafeText(actor, 'actor'),
        assertSafeText(action, 'action', 64),
        auditTrim,
        source,
      ],
    )) as string[];
    if (reply[0] === 'unknown') throw new UnknownDiamondError(id);
    if (reply[0] === 'identity') throw new IdentityConflictError(platform, ref, String(reply[1]), id);
    return reply[1] as LinkOutcome;
  };

  return {
    link: (id, platform, ref, { actor, action = 'link' }) => linkAs(id, platform, ref, '', action, actor),
    recordSync: (id, platform, source, { actor, action = 'sync' }) =>
      linkAs(id, platform, source.ref, canonicalJson(source), action, actor),
    async resolve(platform, ref) {
      return redis.hget(keys.platformRefs(platform), assertSafeText(ref, `${platform} ref`, 128));
    },
    async refs(id) {
      return redis.hgetall(keys.stoneRefs(assertDiamondId(id)));
    },
    async findByIdentifier(name, value) {
      if (!(IDENTIFIER_NAMES as readonly string[]).includes(name)) {
        throw new StoreInputError('identifier name', name, `one of ${IDENTIFIER_NAMES.join(', ')}`);
      }
      return redis.hget(keys.identifier(name), normaliseIdentifier(name, value));
    },
  };
}
