/**
 * How a platform's view of a stone is merged into the bridge's record. Pure, so the change feeds, the
 * lookup and the reconciler all apply the same rule:
 * - field groups the platform is authoritative for take the platform's values (where it has them);
 * - every other group only fills gaps the bridge's record leaves;
 * - identifiers are unioned (the authoritative side wins a disagreement);
 * - a value the trade's tolerances call the same as the bridge's is no change: the bridge keeps what it holds,
 *   often the more precise figure (the ledger's 0.514 ct stays when GIA prints "0.51 carat"), so a merge
 *   never sends a rounded value back to overwrite a precise one;
 * - events are unioned, de-duplicated by (platform, ref, type), and kept in time order;
 * - the platform's own extensions replace what the bridge kept for it; `sources` is left to the store;
 * - `owner` is never taken from a platform: it is the bridge's access control, set from the API key or the
 *   participants registry (src/participants/custody.ts), whatever a platform calls its holder.
 * Merging the same view twice gives the same record, so a re-delivered change is a no-op.
 */
import { fieldGroupPaths, type FieldGroup } from '../adapters/contract.js';
import { fieldRules } from '../match/rules.js';
import { defaultTolerances } from '../match/types.js';
import type { CustodyEvent, DiamondRecord } from '../types/diamond.js';

/** The trade's agreement test for each dotted field that has one. */
const agreementOf = new Map(fieldRules.map((rule) => [rule.field, rule.agree]));

/** Who the view comes from. */
export interface MergeSource {
  platform: string;
  /** The groups this platform is authoritative for (`adapter.authoritative`). */
  authoritative: readonly FieldGroup[];
}

/** Merges `view` (a platform's canonical record) into `base` (the bridge's record, or none yet). */
export function mergePlatformView(
  base: DiamondRecord | undefined,
  view: DiamondRecord,
  { platform, authoritative }: MergeSource,
): DiamondRecord {
  const { sources: _viewSources, id: _viewId, owner: _platformOwner, ...incoming } = view;
  if (!base) return withEventsInOrder({ ...incoming, ...(view.id === undefined ? {} : { id: view.id }) });
  const wins = new Set(authoritative.flatMap((group) => fieldGroupPaths[group]));
  const merged: Record<string, unknown> = { ...base };
  for (const [path, value] of Object.entries(incoming)) {
    if (value === undefined || path === 'events' || path === 'extensions' || path === 'schemaVersion')
      continue;
    if (path === 'kind') {
      // A stone goes from rough to polished, never back.
      merged.kind = base.kind === 'polished' || value === 'polished' ? 'polished' : base.kind;
      continue;
    }
    const current = merged[path];
    const next = wins.has(path) ? mergeMembers(value, current) : mergeMembers(current, value);
    merged[path] = keepAgreeing(path, current, next);
  }
  const events = unionEvents(base.events, view.events);
  if (events.length > 0) merged.events = events;
  const native = view.extensions?.[platform];
  if (native !== undefined) merged.extensions = { ...base.extensions, [platform]: native };
  return merged as DiamondRecord;
}

/**
 * Events of both sides, one per (platform, ref, type), oldest first. An event without a ref is keyed by its
 * time instead, so two such events of one type are kept apart.
 */
export function unionEvents(
  ours: readonly CustodyEvent[] | undefined,
  theirs: readonly CustodyEvent[] | undefined,
): CustodyEvent[] {
  const byKey = new Map<string, CustodyEvent>();
  for (const event of [...(ours ?? []), ...(theirs ?? [])]) {
    const key = `${event.platform}\u0000${event.ref ?? `@${Date.parse(event.at)}`}\u0000${event.type}`;
    if (!byKey.has(key)) byKey.set(key, event);
  }
  // A stable sort: events at the same instant keep the order they arrived in.
  return [...byKey.values()].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

function withEventsInOrder(record: DiamondRecord): DiamondRecord {
  return record.events ? { ...record, events: unionEvents(record.events, []) } : record;
}

/**
 * `winner` over `other`, one level deep: a group's members (`polished.color`, `identifiers.tracrId`) are
 * taken whole from whichever side wins them, so a D-to-Z colour never mixes with a fancy one.
 */
function mergeMembers(winner: unknown, other: unknown): unknown {
  if (winner === undefined) return other;
  if (!isPlainObject(winner) || !isPlainObject(other)) return winner;
  const result: Record<string, unknown> = { ...other };
  for (const [key, value] of Object.entries(winner)) if (value !== undefined) result[key] = value;
  return result;
}

/** `next` with every member that agrees with the bridge's `current` value (within tolerance) kept as it was. */
function keepAgreeing(path: string, current: unknown, next: unknown): unknown {
  if (!isPlainObject(current) || !isPlainObject(next)) return next;
  const result: Record<string, unknown> = { ...next };
  for (const [key, value] of Object.entries(next)) {
    const held = current[key];
    const agree = agreementOf.get(`${path}.${key}`);
    if (held !== undefined && agree?.(held, value, defaultTolerances)) result[key] = held;
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
