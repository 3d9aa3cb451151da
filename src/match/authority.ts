import { fieldGroupPaths, type FieldGroup } from '../adapters/contract.js';
import type { ReconcileAdapter } from './types.js';

/** Answers which platform is authoritative for a canonical field, or null when no adapter claims it. */
export type AuthorityOf = (field: string) => string | null;

const groupByTopLevel = new Map<string, FieldGroup>(
  Object.entries(fieldGroupPaths).flatMap(([group, paths]) =>
    paths.map((path) => [path, group as FieldGroup] as const),
  ),
);

/** The field group a dotted canonical path belongs to (`polished.color` -> `grading`), or null. */
export function fieldGroupOf(field: string): FieldGroup | null {
  return groupByTopLevel.get(field.split('.')[0] ?? '') ?? null;
}

/**
 * Authority from the adapters' declarations. When two adapters claim one group, the first listed wins:
 * configuration order is the operator's statement of precedence.
 */
export function authorityFromAdapters(adapters: Iterable<ReconcileAdapter>): AuthorityOf {
  const byGroup = new Map<FieldGroup, string>();
  for (const adapter of adapters) {
    for (const group of adapter.authoritative) if (!byGroup.has(group)) byGroup.set(group, adapter.name);
  }
  return (field) => {
    const group = fieldGroupOf(field);
    return group === null ? null : (byGroup.get(group) ?? null);
  };
}

/** The platforms that accept writes for the field's group: where a corrected value can be pushed. */
export function writersOf(adapters: Iterable<ReconcileAdapter>, field: string): string[] {
  const group = fieldGroupOf(field);
  if (group === null) return [];
  return [...adapters]
    .filter((adapter) => adapter.capabilities.write && adapter.capabilities.writes.includes(group))
    .map((adapter) => adapter.name);
}
