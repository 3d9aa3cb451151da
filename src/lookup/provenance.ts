import type { FieldGroup } from '../adapters/contract.js';
import { canonicalJson } from '../mapping/content-hash.js';
import { mergePlatformView } from '../sync/merge.js';
import type { DiamondRecord } from '../types/diamond.js';
import type { MergedView } from './types.js';

/** One platform's view of the stone, with the groups that platform is authoritative for. */
export interface PlatformView {
  platform: string;
  authoritative: readonly FieldGroup[];
  record: DiamondRecord;
}

/**
 * Merges the bridge's record and the platforms' views by the sync engine's own rule (authoritative groups
 * win, other platforms fill gaps), and names, for every field, who supplied the value that ended up in the
 * merged record. Fields are named as mismatches name them: a group member in dots (`polished.color`,
 * `origin.country`), or a top-level value (`kind`, `events`).
 */
export function mergeWithSources(
  stored: DiamondRecord | undefined,
  views: readonly PlatformView[],
): MergedView | null {
  let record = stored;
  const sources: Record<string, string> = {};
  let before = record ? fieldValues(record) : new Map<string, string>();
  for (const field of before.keys()) sources[field] = 'bridge';
  for (const view of views) {
    const next = mergePlatformView(record, view.record, view);
    const after = fieldValues(next, record, before);
    for (const [field, value] of after) {
      if (before.get(field) !== value) sources[field] = view.platform;
    }
    record = next;
    before = after;
  }
  if (!record) return null;
  for (const field of Object.keys(sources)) if (!before.has(field)) delete sources[field];
  return { record, sources };
}

/**
 * Each field's value as canonical JSON, so "changed" means a different value, not a different object. A
 * merge leaves the values it does not touch as they were, so a value of `record` identical to the one at
 * the same place in `previous` reuses `previousValues` instead of serialising again (the event list is
 * most of a record).
 */
function fieldValues(
  record: DiamondRecord,
  previous?: DiamondRecord,
  previousValues?: ReadonlyMap<string, string>,
): Map<string, string> {
  const values = new Map<string, string>();
  const valueOf = (field: string, value: unknown, was: unknown): string =>
    (previous !== undefined && was === value ? previousValues?.get(field) : undefined) ??
    canonicalJson(value);
  for (const [top, value] of Object.entries(record)) {
    if (top === 'sources' || value === undefined) continue;
    const was: unknown = previous?.[top as keyof DiamondRecord];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const wasGroup = (was !== null && typeof was === 'object' ? was : {}) as Record<string, unknown>;
      for (const [member, inner] of Object.entries(value as Record<string, unknown>)) {
        if (inner !== undefined)
          values.set(`${top}.${member}`, valueOf(`${top}.${member}`, inner, wasGroup[member]));
      }
    } else {
      values.set(top, valueOf(top, value, was));
    }
  }
  return values;
}
