import { REGISTERED } from '../match/types.js';
import type { FieldGroup, PlatformClient, PlatformRecord, StoneIdentifiers } from '../adapters/contract.js';
import { authorityFromAdapters } from '../match/authority.js';
import { findMismatches } from '../match/rules.js';
import type { Tolerances } from '../match/types.js';
import type { Store, StoredDiamond } from '../store/index.js';
import type { DiamondRecord } from '../types/diamond.js';
import { InFlightQuestions } from './coalesce.js';
import { DerivedViews } from './derived.js';
import { askPlatform, type AskedPlatform, type PlatformQuestion } from './fan-out.js';
import { LinkHints } from './hints.js';
import { mergeWithSources, type PlatformView } from './provenance.js';
import { LookupQueryError, type LookupAnswer, type LookupQuery, type PlatformAnswer } from './types.js';

/** A platform the lookup asks: its adapter's name and authority, and one long-lived client. */
export interface LookupPlatform {
  name: string;
  authoritative: readonly FieldGroup[];
  capabilities: { write: boolean; writes: readonly FieldGroup[] };
  /**
   * Shared by every lookup for the life of the process: the GIA client's report cache lives in it, and a
   * repeated lookup of an unchanged report then costs a free `isReportUpdated`, not a quota lookup.
   */
  client: PlatformClient;
}

/** Options for {@link createLookup}. */
export interface LookupOptions {
  store: Store;
  platforms: readonly LookupPlatform[];
  /** How long each platform may take; a slow platform costs its own timeout, never the sum. Default 3 s. */
  timeoutMs?: number;
  tolerances?: Partial<Tolerances>;
  /** Called with each platform's answer, for metrics. */
  onAnswer?: (platform: string, answer: PlatformAnswer) => void;
}

/** Whose lookup it is: the stored stones it may read. */
export interface LookupScope {
  mayRead(record: DiamondRecord): boolean;
}

/**
 * Answers provenance lookups. With a `scope`, a stored stone the caller may not read is not there for it:
 * the answer is the one an identifier the bridge never held gets (what the platforms say, no bridge record,
 * no bridge ID), and a lookup by its bridge ID is an unknown stone.
 */
export type Lookup = (query: LookupQuery, scope?: LookupScope) => Promise<LookupAnswer>;

/** A lookup by bridge ID of a stone the bridge does not hold. */
export class UnknownStoneError extends LookupQueryError {
  constructor(id: string) {
    super('id', `no stone ${id} is held by the bridge`);
  }
}

/**
 * The cross-platform provenance lookup: resolves the bridge ID, asks every platform at once, merges what
 * they say with the source of every field, and reports where they disagree. A platform that finds nothing
 * by the first identifiers is asked once more if another platform's answer revealed new identifiers
 * (a GIA report naming the stone's Tracr ID); where that second step found the stone is remembered, so the
 * next lookup by the same identifier asks every platform in one step (hints.ts). Concurrent lookups share
 * the questions in flight to each platform (coalesce.ts), and a repeated lookup of an unchanged stone reuses
 * its merged record and mismatches (derived.ts).
 */
export function createLookup(options: LookupOptions): Lookup {
  const { store, platforms } = options;
  const timeoutMs = options.timeoutMs ?? 3_000;
  const authorityOf = authorityFromAdapters(platforms);
  const questions = new InFlightQuestions<PlatformRecord | null>();
  const hints = new LinkHints();
  const derived = new DerivedViews();

  const askAll = async (
    targets: readonly LookupPlatform[],
    question: (platform: LookupPlatform) => PlatformQuestion,
  ): Promise<Map<string, AskedPlatform>> => {
    const asked = await Promise.all(
      targets.map(
        async (platform) =>
          [
            platform.name,
            await askPlatform(platform.client, question(platform), timeoutMs, {
              questions,
              platform: platform.name,
            }),
          ] as const,
      ),
    );
    for (const [name, { answer }] of asked) options.onAnswer?.(name, answer);
    return new Map(asked);
  };
  // A second answer replaces the first; the platform's latency is the time spent on both.
  const askAgain = async (
    results: Map<string, AskedPlatform>,
    targets: readonly LookupPlatform[],
    question: PlatformQuestion,
  ): Promise<void> => {
    for (const [name, result] of await askAll(targets, () => question)) {
      const first = results.get(name);
      if (first)
        result.answer.latencyMs = Math.round((result.answer.latencyMs + first.answer.latencyMs) * 10) / 10;
      results.set(name, result);
    }
  };

  return async (query, scope) => {
    const resolved = await resolve(store, query, platforms);
    const hidden = resolved.stored !== null && scope !== undefined && !scope.mayRead(resolved.stored.record);
    if (hidden && query.name === 'id') throw new UnknownStoneError(query.value);
    const { stored, refs } = hidden ? { stored: null, refs: {} } : resolved;
    const diamondId = stored?.record.id ?? null;
    const identifiers: StoneIdentifiers = { ...stored?.record.identifiers };
    if (query.name !== 'id') identifiers[query.name] = query.value;
    const refOf = (platform: LookupPlatform): string | undefined =>
      refs[platform.name] ?? stored?.record.sources?.[platform.name]?.ref;
    const hinted = hints.get(query);
    const results = await askAll(platforms, (platform) => {
      const ref = refOf(platform) ?? hinted[platform.name];
      return ref !== undefined ? { ref } : { identifiers };
    });

    // A hinted answer stands only when another platform's answer still names the stone it found; a hinted
    // platform that timed out or failed keeps that answer, as it would have on the second step.
    const unconfirmed = platforms.filter((p) => {
      const status = results.get(p.name)?.answer.status;
      return (
        refOf(p) === undefined &&
        hinted[p.name] !== undefined &&
        (status === 'found' || status === 'not_found') &&
        !confirmed(p.name, results)
      );
    });
    if (unconfirmed.length > 0) {
      hints.forget(query);
      await askAgain(results, unconfirmed, { identifiers });
    }

    const learnt = learntIdentifiers(identifiers, results);
    const retry = platforms.filter(
      (p) => results.get(p.name)?.answer.status === 'not_found' && refOf(p) === undefined,
    );
    if (learnt && retry.length > 0) {
      await askAgain(results, retry, { identifiers: learnt });
      const found = retry.flatMap((p) => {
        const ref = results.get(p.name)?.found?.ref;
        return ref === undefined ? [] : [[p.name, ref] as const];
      });
      hints.set(query, Object.fromEntries(found));
    }

    const views: PlatformView[] = platforms.flatMap((platform) => {
      const found = results.get(platform.name)?.found;
      return found
        ? [{ platform: platform.name, authoritative: platform.authoritative, record: found.canonical }]
        : [];
    });
    const { merged, mismatches } = derived.get(query, stored, views, () => {
      const byPlatform: Record<string, DiamondRecord> = Object.fromEntries(
        views.map((v) => [v.platform, v.record]),
      );
      // The registered record is compared too, as `bridge`: a claim no platform confirms is a mismatch.
      if (stored) byPlatform[REGISTERED] = stored.record;
      return {
        merged: mergeWithSources(stored?.record, views),
        mismatches: findMismatches(diamondId ?? '', byPlatform, {
          authorityOf,
          ...(options.tolerances ? { tolerances: options.tolerances } : {}),
        }).map((mismatch) => ({ ...mismatch, diamondId })),
      };
    });
    const answer: LookupAnswer = {
      diamondId,
      query,
      platforms: Object.fromEntries(
        platforms.map((p) => [p.name, (results.get(p.name) as AskedPlatform).answer]),
      ),
      merged,
      mismatches,
    };
    return hidden ? withoutBridgeIds(answer) : answer;
  };
}

/**
 * The answer with the bridge IDs platforms carry (a ledger registration's reference) left out: a stone the
 * caller may not read is never named, not even through what a platform says of it.
 */
function withoutBridgeIds(answer: LookupAnswer): LookupAnswer {
  const unnamed = ({ id: _id, ...record }: DiamondRecord): DiamondRecord => record;
  return {
    ...answer,
    platforms: Object.fromEntries(
      Object.entries(answer.platforms).map(([name, platform]) => [
        name,
        platform.record ? { ...platform, record: unnamed(platform.record) } : platform,
      ]),
    ),
    merged: answer.merged && { ...answer.merged, record: unnamed(answer.merged.record) },
  };
}

// The stored stone and where each platform holds it: by bridge ID, by the identifier index, else by a
// platform's own reference (a superseded GIA report number still resolves to its stone through the identity
// map). Every step that can run at once does, so a lookup spends at most two round trips to Redis before it
// asks the platforms.
async function resolve(
  store: Store,
  query: LookupQuery,
  platforms: readonly LookupPlatform[],
): Promise<{ stored: StoredDiamond | null; refs: Record<string, string> }> {
  let id: string | null;
  if (query.name === 'id') id = query.value;
  else {
    const [byIdentifier, ...byRef] = await Promise.all([
      store.identity.findByIdentifier(query.name, query.value),
      ...platforms.map((platform) => store.identity.resolve(platform.name, query.value)),
    ]);
    id = byIdentifier ?? byRef.find((found) => found !== null) ?? null;
  }
  if (id === null) return { stored: null, refs: {} };
  const [stored, refs] = await Promise.all([store.diamonds.get(id), store.identity.refs(id)]);
  if (!stored && query.name === 'id') throw new UnknownStoneError(query.value);
  return { stored, refs: stored ? refs : {} };
}

// The identifiers the found platforms add to what was asked, or undefined when they add nothing.
function learntIdentifiers(
  asked: StoneIdentifiers,
  results: ReadonlyMap<string, AskedPlatform>,
): StoneIdentifiers | undefined {
  const merged: StoneIdentifiers = { ...asked };
  let added = false;
  for (const { found } of results.values()) {
    for (const [name, value] of Object.entries(found?.canonical.identifiers ?? {})) {
      const key = name as keyof StoneIdentifiers;
      if (typeof value === 'string' && merged[key] === undefined) {
        merged[key] = value;
        added = true;
      }
    }
  }
  return added ? merged : undefined;
}

// Whether the record `platform` answered shares an identifier value with what another platform found: the
// link that made the second step ask for it in the first place.
function confirmed(platform: string, results: ReadonlyMap<string, AskedPlatform>): boolean {
  const own = results.get(platform)?.found?.canonical.identifiers;
  if (!own) return false;
  for (const [name, { found }] of results) {
    if (name === platform || !found) continue;
    for (const [key, value] of Object.entries(found.canonical.identifiers ?? {}))
      if (value !== undefined && own[key as keyof StoneIdentifiers] === value) return true;
  }
  return false;
}
