import type { FieldGroup } from '../adapters/contract.js';
import { canonicalJson } from '../mapping/content-hash.js';
import { mergePlatformView } from '../queue/merge.js';
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
  if (stored) for (const field of Object.keys(fieldValues(stored))) sources[field] = 'bridge';
  for (const view of views) {
    const before = record ? fieldValues(record) : {};
    const next = mergePlatformView(record, view.record, view);
    const after = fieldValues(next);
    for (const [field, value] of Object.entries(after)) {
      if (before[field] !== value) sources[field] = view.platform;
    }
    record = next;
  }
  if (!record) return null;
  const kept = fieldValues(record);
  for (const field of Object.keys(sources)) if (!(field in kept)) delete sources[field];
  return { record, sources };
}

// Each field's value as canonical JSON, so "changed" means a different value, not a different object.
function fieldValues(record: DiamondRecord): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [top, value] of Object.entries(record)) {
    if (top === 'sources' || value === undefined) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [member, inner] of Object.entries(value as Record<string, unknown>)) {
        if (inner !== undefined) values[`${top}.${member}`] = canonicalJson(inner);
      }
    } else {
      values[top] = canonicalJson(value);
    }
  }
  return values;
}
