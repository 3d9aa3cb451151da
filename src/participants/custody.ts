/**
 * Custody through the participants registry. A platform says who holds a stone in its own names (a ledger
 * participant); only the registry turns that into a bridge organisation. Pure: the sync engine applies it
 * to every platform view it merges, so feeds and webhooks move `owner.org` by the same rule.
 *
 * - The holder on a platform is the receiver of its latest sale or transfer, else whoever registered the
 *   stone there.
 * - A holder who acts for the current owner changes nothing (the one-organisation shorthand included).
 * - A holder the registry knows as another organisation takes `owner.org`.
 * - A holder the registry does not know leaves `owner.org` where it is and marks the stone as held outside
 *   the bridge (`extensions.bridge.heldOutside`): the last owner keeps reading what it wrote, and may no
 *   longer write it.
 */
import type { CustodyEvent, DiamondRecord } from '../types/diamond.js';
import type { Participants } from './registry.js';

/** The key under `extensions` where the bridge keeps its own facts about a stone, beside platforms' ones. */
export const BRIDGE_EXTENSION = 'bridge';

/** Who holds a stone outside the bridge, as a platform names it. */
export interface HeldOutside {
  platform: string;
  /** The party on that platform (a ledger participant ID). */
  party: string;
  /** When the platform recorded the change of hands. */
  since: string;
}

/** A change of `owner.org`, for the audit log. */
export interface CustodyMove {
  platform: string;
  party: string;
  from: string | null;
  to: string | null;
  /** `moved` to a known organisation, or `left` the bridge for a party the registry does not know. */
  kind: 'moved' | 'left';
}

/** The record with custody settled, and what changed (undefined when nothing did). */
export interface CustodySettled {
  record: DiamondRecord;
  move?: CustodyMove;
}

const HANDOVERS = new Set(['sold', 'transferred']);

/** Settles `record`'s custody by what `platform` says about it; see the module comment for the rule. */
export function settleCustody(
  record: DiamondRecord,
  platform: string,
  participants: Participants,
): CustodySettled {
  // A platform the registry names no one on cannot say which organisation holds the stone.
  const holder = participants.covers(platform) ? holderOn(record.events ?? [], platform) : undefined;
  if (holder === undefined) return { record };
  const owner = record.owner?.org;
  if (owner !== undefined && participants.actsFor(owner, platform, holder.party))
    return { record: withHeldOutside(record, undefined) };
  const org = participants.orgOf(platform, holder.party);
  if (org !== undefined) {
    const moved = withHeldOutside({ ...record, owner: { org } }, undefined);
    return {
      record: moved,
      move: { platform, party: holder.party, from: owner ?? null, to: org, kind: 'moved' },
    };
  }
  const already = heldOutside(record);
  if (already?.platform === platform && already.party === holder.party) return { record };
  return {
    record: withHeldOutside(record, { platform, party: holder.party, since: holder.at }),
    move: { platform, party: holder.party, from: owner ?? null, to: owner ?? null, kind: 'left' },
  };
}

/** Where the stone is held outside the bridge, or undefined while a bridge organisation holds it. */
export function heldOutside(record: DiamondRecord): HeldOutside | undefined {
  const bridge = record.extensions?.[BRIDGE_EXTENSION];
  const held = bridge?.['heldOutside'] as HeldOutside | undefined;
  return held && typeof held.party === 'string' ? held : undefined;
}

/** `record` with the bridge's own extension of `from` carried over: callers cannot set it, nor drop it. */
export function keepBridgeFacts(record: DiamondRecord, from: DiamondRecord | undefined): DiamondRecord {
  const { [BRIDGE_EXTENSION]: _given, ...others } = record.extensions ?? {};
  const kept = from?.extensions?.[BRIDGE_EXTENSION];
  const extensions = kept === undefined ? others : { ...others, [BRIDGE_EXTENSION]: kept };
  const { extensions: _extensions, ...rest } = record;
  return Object.keys(extensions).length > 0 ? { ...rest, extensions } : rest;
}

/** The receiver of the platform's latest handover, else its registrant, with when. */
function holderOn(
  events: readonly CustodyEvent[],
  platform: string,
): { party: string; at: string } | undefined {
  let handover: { party: string; at: string } | undefined;
  let registrant: { party: string; at: string } | undefined;
  for (const event of events) {
    if (event.platform !== platform) continue;
    if (HANDOVERS.has(event.type) && typeof event.to === 'string') {
      if (handover === undefined || Date.parse(event.at) >= Date.parse(handover.at))
        handover = { party: event.to, at: event.at };
    } else if (event.type === 'registered' && typeof event.actor === 'string' && registrant === undefined)
      registrant = { party: event.actor, at: event.at };
  }
  return handover ?? registrant;
}

function withHeldOutside(record: DiamondRecord, held: HeldOutside | undefined): DiamondRecord {
  const { [BRIDGE_EXTENSION]: bridge = {}, ...others } = record.extensions ?? {};
  const { heldOutside: _was, ...facts } = bridge;
  if (held === undefined && _was === undefined) return record;
  const next = held === undefined ? facts : { ...facts, heldOutside: held };
  const extensions = Object.keys(next).length > 0 ? { ...others, [BRIDGE_EXTENSION]: next } : others;
  const { extensions: _extensions, ...rest } = record;
  return Object.keys(extensions).length > 0 ? { ...rest, extensions } : rest;
}
