import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level and no insignificant white space, so that two records with the
 * same content serialise to the same bytes whatever order their fields arrived in. `undefined` members are
 * left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  const members = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${members.join(',')}}`;
}

/** Hex SHA-256 of {@link canonicalJson}. */
export function sha256Hex(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/**
 * The hash of what a stone *is*, for change detection and sync job IDs: the record without the fields the
 * bridge itself maintains (`sources` changes on every sync and would make every sync look like a change).
 */
export function contentHash(record: { sources?: unknown }): string {
  const { sources: _sources, ...content } = record;
  return sha256Hex(content);
}
