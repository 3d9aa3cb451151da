import { isOrgScopedIdentifier } from '../mapping/identifiers.js';
import { IDENTIFIER_NAMES, type Store } from '../store/index.js';
import type { DiamondRecord } from '../types/diamond.js';
import { rankMatches, type MatchResult } from '../match/matching.js';
import { createProposal, type MatchProposal } from '../store/match-proposals.js';
import type { Tolerances } from '../match/types.js';

/**
 * What to do with a platform record no bridge stone is linked to: link it when one candidate is a
 * certain match, propose the probable and possible ones for a person, or leave it unmatched.
 */

/** A platform record the bridge has not linked yet. */
export interface UnlinkedRecord {
  platform: string;
  ref: string;
  /** The record translated to canonical. */
  view: DiamondRecord;
  /** When it was read from the platform. */
  readAt: string;
  /**
   * The organisations the record belongs to (through the participants registry: whoever registered it on
   * the platform, who gave its producer's reference, and whoever holds it now): its producerRef or rough
   * control number finds only those organisations' stones. Absent when none is known: they then find their
   * holder in every organisation, and the grading weighs them.
   */
  orgs?: readonly string[];
}

/** What {@link linkOrPropose} did. */
export type LinkDecision =
  | { outcome: 'linked'; diamondId: string; match: MatchResult }
  | { outcome: 'proposed'; proposals: MatchProposal[]; matches: MatchResult[] }
  | { outcome: 'ambiguous'; matches: MatchResult[] }
  | { outcome: 'unmatched'; matches: [] };

/** Options for {@link linkOrPropose}. */
export interface LinkOrProposeOptions {
  actor: string;
  tolerances?: Partial<Tolerances>;
  /** At most this many proposals per record, best first. Default 3. */
  maxProposals?: number;
}

/**
 * Stored stones that share any canonical identifier with `view`: the candidates an index can find. An
 * identifier unique within an organisation finds the stones of `orgs`, or with none given its holder in each.
 */
export async function identifierCandidates(
  store: Store,
  view: DiamondRecord,
  orgs?: readonly string[],
): Promise<DiamondRecord[]> {
  const identifiers = (view.identifiers ?? {}) as Record<string, unknown>;
  const found = new Set<string>();
  for (const name of IDENTIFIER_NAMES) {
    const value = identifiers[name];
    if (typeof value !== 'string') continue;
    const ids =
      orgs === undefined || !isOrgScopedIdentifier(name)
        ? await store.identity.holdersOf(name, value)
        : await Promise.all(orgs.map((org) => store.identity.findByIdentifier(name, value, org)));
    for (const id of ids) if (id !== null) found.add(id);
  }
  const stored = await store.diamonds.getMany([...found]);
  return stored.flatMap((entry) => (entry ? [entry.record] : []));
}

/**
 * Grades `candidates` (the identifier candidates are always added) against the record. One certain match
 * links the ref and stores the view as the stone's mirror; two certain matches contradict each other and
 * are left for a person (`ambiguous`); otherwise the best probable and possible matches become proposals.
 */
export async function linkOrPropose(
  store: Store,
  record: UnlinkedRecord,
  candidates: readonly DiamondRecord[],
  { actor, tolerances = {}, maxProposals = 3 }: LinkOrProposeOptions,
): Promise<LinkDecision> {
  const byId = new Map<string, DiamondRecord>();
  for (const candidate of [...(await identifierCandidates(store, record.view, record.orgs)), ...candidates]) {
    if (candidate.id !== undefined) byId.set(candidate.id, candidate);
  }
  const matches = rankMatches(record.view, [...byId.values()], tolerances);
  const certain = matches.filter((match) => match.grade === 'certain');
  if (certain.length > 1) return { outcome: 'ambiguous', matches: certain };
  const [best] = certain;
  if (best) {
    await store.identity.link(best.diamondId, record.platform, record.ref, { actor, action: 'match.link' });
    await store.mirrors.save(best.diamondId, record.platform, record.view, {
      readAt: record.readAt,
      ref: record.ref,
    });
    return { outcome: 'linked', diamondId: best.diamondId, match: best };
  }
  if (matches.length === 0) return { outcome: 'unmatched', matches: [] };
  const proposals: MatchProposal[] = [];
  for (const match of matches.slice(0, maxProposals)) {
    if (match.grade === 'certain' || match.grade === 'none') continue;
    const { proposal } = await createProposal(
      store,
      {
        ...record,
        diamondId: match.diamondId,
        grade: match.grade,
        score: match.score,
        reasons: match.reasons,
      },
      { actor },
    );
    if (proposal) proposals.push(proposal);
  }
  return { outcome: 'proposed', proposals, matches };
}
