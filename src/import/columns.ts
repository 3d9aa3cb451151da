/**
 * Column maps: which canonical path each column of a producer's CSV fills, in which unit, with which of the
 * producer's own words. The built-in map is the canonical paths themselves (`rough.caratWeight`), so a file
 * whose header names them needs none. A header is resolved before any row is read: a column that names
 * nothing known is refused up front, with the known paths listed, rather than silently dropped.
 *
 * A map file (`--columns map.json`) is an object from header name to a path, `null` to ignore the column,
 * or `{path, unit?, values?}`:
 *
 * ```json
 * { "Control No": "identifiers.roughControlNumber",
 *   "Wt (g)": { "path": "rough.caratWeight", "unit": "g" },
 *   "Colour": { "path": "polished.color", "values": { "Top Silver Cape": "K" } },
 *   "Remarks": null }
 * ```
 */
import type { WeightUnit } from '../mapping/units.js';
import { cellReaders, isImportPath, weightPaths } from './cells.js';

/** One column's entry in a map file. */
export interface ColumnSpec {
  /** The canonical path the column fills (`rough.caratWeight`), or `extensions.<name>.<field>`. */
  path: string;
  /** For weights: the unit a bare number in the column is in. Default carats. */
  unit?: WeightUnit;
  /** The producer's own words and what they mean in the trade's vocabulary ("Brilliant" -> "round"). */
  values?: Record<string, string>;
}

/** A column map: header name -> path, spec, or null (ignored). */
export type ColumnMap = Record<string, string | ColumnSpec | null>;

/** A resolved column of one file: where it is and what it fills. */
export interface Column {
  /** The header name as in the file. */
  name: string;
  /** 0-based position in each row. */
  index: number;
  path: string;
  unit?: WeightUnit;
  /** Producer words by their trimmed, lower-cased form. */
  values?: ReadonlyMap<string, string>;
}

/** A column map or header that cannot be used; names the column and says why. */
export class ColumnMapError extends Error {
  override readonly name = 'ColumnMapError';

  constructor(
    message: string,
    /** The header name at fault, when one is. */
    readonly column?: string,
  ) {
    super(message);
  }
}

const units: readonly WeightUnit[] = ['ct', 'pt', 'g', 'mg'];

/** Checks a parsed map file and answers it; throws {@link ColumnMapError} naming the first bad entry. */
export function parseColumnMap(value: unknown): ColumnMap {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ColumnMapError('a column map must be a JSON object from header names to canonical paths');
  const map: ColumnMap = {};
  for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
    const at = `column ${JSON.stringify(name)}`;
    if (entry === null) {
      map[name] = null;
      continue;
    }
    const spec = typeof entry === 'string' ? { path: entry } : entry;
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
      throw new ColumnMapError(`${at}: expected a path, null or {path, unit?, values?}`, name);
    const { path, unit, values, ...rest } = spec as Record<string, unknown>;
    const unknown = Object.keys(rest)[0];
    if (unknown !== undefined)
      throw new ColumnMapError(
        `${at}: unknown setting ${JSON.stringify(unknown)}; use path, unit or values`,
        name,
      );
    if (typeof path !== 'string' || !isImportPath(path)) throw unknownPath(at, path, name);
    const checked: ColumnSpec = { path };
    if (unit !== undefined) {
      if (!weightPaths.has(path))
        throw new ColumnMapError(`${at}: a unit applies only to weights, not to ${path}`, name);
      if (typeof unit !== 'string' || !units.includes(unit as WeightUnit))
        throw new ColumnMapError(
          `${at}: unit must be one of ${units.join(', ')}, got ${JSON.stringify(unit)}`,
          name,
        );
      checked.unit = unit as WeightUnit;
    }
    if (values !== undefined) {
      if (values === null || typeof values !== 'object' || Array.isArray(values))
        throw new ColumnMapError(`${at}: values must map the producer's words to the trade's`, name);
      for (const [word, meaning] of Object.entries(values)) {
        if (typeof meaning !== 'string')
          throw new ColumnMapError(
            `${at}: values.${word} must be text, got ${JSON.stringify(meaning)}`,
            name,
          );
      }
      checked.values = values as Record<string, string>;
    }
    map[name] = checked;
  }
  return map;
}

/**
 * Resolves a file's header against a map (or the built-in one): every column must be known, mapped or
 * ignored, and no path may be filled by two columns. Throws {@link ColumnMapError} otherwise.
 */
export function resolveHeader(header: readonly string[], map: ColumnMap = {}): Column[] {
  const columns: Column[] = [];
  const byPath = new Map<string, string>();
  const seen = new Set<string>();
  header.forEach((raw, index) => {
    const name = raw.trim();
    if (name === '') throw new ColumnMapError(`column ${index + 1} has no name in the header`);
    if (seen.has(name)) throw new ColumnMapError(`the header names ${JSON.stringify(name)} twice`, name);
    seen.add(name);
    const entry = Object.hasOwn(map, name) ? map[name] : isImportPath(name) ? { path: name } : undefined;
    if (entry === undefined) {
      throw new ColumnMapError(
        `the header names ${JSON.stringify(name)}, which is neither a canonical path nor in the column map; ` +
          `map it (--columns) to one of ${[...cellReaders.keys()].join(', ')}, or to null to ignore it`,
        name,
      );
    }
    if (entry === null) return;
    const spec = typeof entry === 'string' ? { path: entry } : entry;
    const other = byPath.get(spec.path);
    if (other !== undefined)
      throw new ColumnMapError(
        `columns ${JSON.stringify(other)} and ${JSON.stringify(name)} both fill ${spec.path}`,
        name,
      );
    byPath.set(spec.path, name);
    const column: Column = { name, index, path: spec.path };
    if (spec.unit !== undefined) column.unit = spec.unit;
    if (spec.values !== undefined)
      column.values = new Map(
        Object.entries(spec.values).map(([word, meaning]) => [word.trim().toLowerCase(), meaning]),
      );
    columns.push(column);
  });
  if (columns.length === 0) throw new ColumnMapError('the header names no column to import');
  return columns;
}

function unknownPath(at: string, path: unknown, name: string): ColumnMapError {
  return new ColumnMapError(
    `${at}: ${JSON.stringify(path)} is not a path the import fills; use one of ${[...cellReaders.keys()].join(', ')} or extensions.<name>.<field>`,
    name,
  );
}
