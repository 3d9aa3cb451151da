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

/**
 * Whether two values are the same as {@link canonicalJson} would judge them (member order aside, an absent
 * member and `undefined` alike), without writing either out: mappings and comparisons ask this per field.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if ((a ?? null) === (b ?? null)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => sameJson(item ?? null, b[i] ?? null));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const members = Object.keys(left).filter((key) => left[key] !== undefined);
  if (members.length !== Object.keys(right).filter((key) => right[key] !== undefined).length) return false;
  return members.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]));
}

/** Hex SHA-256 of {@link canonicalJson}. */
export function sha256Hex(value: unknown): string {
  return sha256HexOfJson(canonicalJson(value));
}

/** Hex SHA-256 of text already written by {@link canonicalJson}: for a caller that keeps the text too. */
export function sha256HexOfJson(json: string): string {
  return createHash('sha256').update(json).digest('hex');
}

/**
 * The hash of what a stone *is*, for change detection and sync job IDs: the record without the fields the
 * bridge itself maintains (`sources` changes on every sync and would make every sync look like a change).
 */
export function contentHash(record: { sources?: unknown }): string {
  const { sources: _sources, ...content } = record;
  return sha256Hex(content);
}
