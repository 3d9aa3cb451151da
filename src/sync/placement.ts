/**
 * Placing inbound records: which stone each platform record is. The identity map first (the ref is
 * linked), then the bridge ID the platform echoes, then a record earlier in the same batch, and only then
 * matching (`linkOrPropose`): a certain match links; probable and possible matches become proposals for a
 * person and the record is not stored; two certain matches are left unplaced as ambiguous; a record that
 * matches nothing is a new stone.
 */
import type { PlatformRecord } from '../adapters/contract.js';
import { isOrgScopedIdentifier } from '../mapping/identifiers.js';
import { settleCustody } from '../participants/custody.js';
import type { Participants } from '../participants/registry.js';
import { linkOrPropose } from '../reconcile/linking.js';
import type { Tolerances } from '../match/types.js';
import { newDiamondId, type Store } from '../store/index.js';
import type { DiamondRecord } from '../types/diamond.js';

/** A record and the stone it is. */
export interface PlacedRecord {
  /** Its position in the batch. */
  index: number;
  record: PlatformRecord;
  /** The bridge ID of its stone. */
  id: string;
  /** How the stone was found: already `linked`, `matched` with certainty now, or `new`. */
  link: 'linked' | 'matched' | 'new';
  /** The platform's view, lineage resolved by the caller. */
  view: DiamondRecord;
}

/** Where every record of a batch went. */
export interface Placement {
  placed: PlacedRecord[];
  /** Records left as match proposals, with the proposals' IDs. */
  proposed: { index: number; ref: string; proposalIds: string[] }[];
  /** Records that cannot be placed, and why. */
  unplaced: { index: number; record: PlatformRecord; reason: string }[];
}

/** Options for {@link placeRecords}. */
export interface PlaceOptions {
  /** When the records were read; stored with a proposal's or a link's view. */
  readAt: string;
  /** For the audit log of links and proposals. */
  actor: string;
  tolerances?: Partial<Tolerances>;
  /** Who registered a record on the platform, as a bridge organisation: whether its echoed bridge ID is ours. */
  participants?: Participants;
}

/** Places each of `records`, read from `platform`, in order. */
export async function placeRecords(
  store: Store,
  platform: string,
  records: readonly PlatformRecord[],
  { readAt, actor, tolerances, participants }: PlaceOptions,
): Promise<Placement> {
  const placement: Placement = { placed: [], proposed: [], unplaced: [] };
  const byRef = new Map<string, string>();
  // Identifiers of the stones this batch creates: a second record of the same new stone joins it.
  const created = new Map<string, string>();
  for (const [index, record] of records.entries()) {
    const place = (id: string, link: PlacedRecord['link']) => {
      placement.placed.push({ index, record, id, link, view: record.canonical });
      byRef.set(record.ref, id);
    };
    try {
      const orgs = organisationsOf(record.canonical, platform, participants);
      const linked = byRef.get(record.ref) ?? (await linkedStone(store, platform, record, participants));
      const sibling = identifierKeys(record.canonical, orgs?.[0])
        .map((key) => created.get(key))
        .find((id) => id !== undefined);
      if (linked !== null || sibling !== undefined) {
        place(linked ?? sibling!, 'linked');
        continue;
      }
      const decision = await linkOrPropose(
        store,
        {
          platform,
          ref: record.ref,
          view: record.canonical,
          readAt,
          ...(orgs === undefined ? {} : { orgs }),
        },
        [],
        { actor, ...(tolerances === undefined ? {} : { tolerances }) },
      );
      if (decision.outcome === 'linked') place(decision.diamondId, 'matched');
      else if (decision.outcome === 'proposed' && decision.proposals.length > 0) {
        const proposalIds = decision.proposals.map((proposal) => proposal.proposalId);
        placement.proposed.push({ index, ref: record.ref, proposalIds });
      } else if (decision.outcome === 'ambiguous') {
        const matches = decision.matches.map((match) => `${match.diamondId}: ${match.reasons.join(', ')}`);
        placement.unplaced.push({
          index,
          record,
          reason: `${platform} ${record.ref} matches ${matches.length} stones with certainty (${matches.join('; ')}); a person must decide which it is`,
        });
      } else {
        // No candidate at all, or every candidate once rejected by a person: a stone of its own.
        const id = newDiamondId();
        place(id, 'new');
        for (const key of identifierKeys(record.canonical, orgs?.[0])) created.set(key, id);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      placement.unplaced.push({
        index,
        record,
        reason: `${platform} ${record.ref} cannot be linked: ${message}`,
      });
    }
  }
  return placement;
}

/** The stone the ref is linked to, or the stored stone whose bridge ID the platform echoes. */
async function linkedStone(
  store: Store,
  platform: string,
  record: PlatformRecord,
  participants: Participants | undefined,
): Promise<string | null> {
  const linked = await store.identity.resolve(platform, record.ref);
  if (linked !== null) return linked;
  const echoed = record.canonical.id;
  if (echoed === undefined) return null;
  const stone = await store.diamonds.get(echoed);
  if (!stone) return null;
  // A stone holds one record per platform: the echo never adds a second one to a stone already linked.
  const held = (await store.identity.refs(echoed))[platform];
  if (held !== undefined && held !== record.ref) return null;
  return registeredByOwner(stone.record, record.canonical, platform, participants) ? echoed : null;
}

/**
 * Whether the party that registered `view` on `platform` acts for the stone's organisation. Anyone may
 * write a bridge ID into a reference field, so where the platform names its registrant, only a stone the
 * bridge's own signer registered for that organisation is taken as the bridge's.
 */
function registeredByOwner(
  stone: DiamondRecord,
  view: DiamondRecord,
  platform: string,
  participants: Participants | undefined,
): boolean {
  const registrant = view.events?.find((event) => event.type === 'registered' && event.platform === platform);
  if (registrant?.actor === undefined) return true;
  const org = stone.owner?.org;
  return (
    participants !== undefined && org !== undefined && participants.actsFor(org, platform, registrant.actor)
  );
}

/**
 * The bridge organisations a platform record belongs to, as the participants registry names the parties:
 * the holder (custody's own rule), then the registrant, who gave the stone its producer's references.
 * Undefined when the registry knows neither.
 */
function organisationsOf(
  view: DiamondRecord,
  platform: string,
  participants: Participants | undefined,
): string[] | undefined {
  if (participants === undefined) return undefined;
  const { owner: _platformOwner, ...unowned } = view;
  const holder = settleCustody(unowned, platform, participants).record.owner?.org;
  const registrant = view.events?.find((event) => event.type === 'registered' && event.platform === platform);
  const orgs = new Set([
    holder,
    registrant?.actor === undefined ? undefined : participants.orgOf(platform, registrant.actor),
  ]);
  orgs.delete(undefined);
  return orgs.size === 0 ? undefined : ([...orgs] as string[]);
}

/**
 * The exact identifiers of a view, as `name=value` keys for matching within one batch; a rough control
 * number, unique within an organisation only, with the organisation the record belongs to.
 */
function identifierKeys(view: DiamondRecord, org: string | undefined): string[] {
  const identifiers = view.identifiers ?? {};
  return (['tracrId', 'giaReportNumber', 'inscription', 'roughControlNumber'] as const).flatMap((name) => {
    const value = identifiers[name];
    const scope = isOrgScopedIdentifier(name) ? `${org ?? ''}\n` : '';
    return value === undefined ? [] : [`${name}=${scope}${value.trim().toUpperCase().replace(/\s+/g, ' ')}`];
  });
}
