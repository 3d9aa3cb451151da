/**
 * How a cell of a producer's file becomes a canonical value: one reader per canonical path the import
 * accepts, each built on the mapping's own parsers and vocabularies, so "0.102 g", "Very Good", "VS-2",
 * "Medium Blue" or "Botswana" read the same here as from any platform.
 */
import { MappingError } from '../mapping/errors.js';
import { parseCaratWeight, parseMeasurements, parseReportDate, weightUnitTable } from '../mapping/parse.js';
import type { WeightUnit } from '../mapping/units.js';
import { parseClarity } from '../mapping/vocab/clarity.js';
import { parseColor } from '../mapping/vocab/color.js';
import { parseCountry } from '../mapping/vocab/country.js';
import { parseFinish } from '../mapping/vocab/finish.js';
import { parseFluorescence } from '../mapping/vocab/fluorescence.js';
import { parseShape } from '../mapping/vocab/shape.js';
import { identifierNames } from '../mapping/identifiers.js';

/** What a cell sets: one or more canonical paths (a country cell may say "aggregated" instead). */
export type CellValues = readonly (readonly [path: string, value: unknown])[];

/** Reads one cell for a canonical path; throws {@link MappingError} naming what was expected. */
type CellReader = (text: string, path: string, unit: WeightUnit | undefined) => CellValues;

const pointerOf = (path: string): string => `/${path.replaceAll('.', '/')}`;

const text: CellReader = (value, path) => [[path, value]];

const weight: CellReader = (value, path, unit) => {
  const pointer = pointerOf(path);
  const bare = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*$/.test(value);
  if (bare) return [[path, parseCaratWeight(`${value.trim()} ${unit ?? 'ct'}`, pointer)]];
  // A cell that names its own unit must agree with the column's, or one of the two is wrong.
  const stated = /[a-z]+\.?\s*$/i.exec(value.trim())?.[0].replace('.', '').toLowerCase();
  const statedUnit = weightUnitTable.find(([word]) => word === stated)?.[1];
  if (unit !== undefined && statedUnit !== undefined && statedUnit !== unit) {
    throw new MappingError(pointer, value, `a weight in ${unitNames[unit]}, as the column is declared`);
  }
  return [[path, parseCaratWeight(value, pointer)]];
};

const unitNames: Record<WeightUnit, string> = { ct: 'carats', pt: 'points', g: 'grams', mg: 'milligrams' };

const yesNo: CellReader = (value, path) => {
  const key = value.trim().toLowerCase();
  if (['true', 'yes', 'y', '1'].includes(key)) return [[path, true]];
  if (['false', 'no', 'n', '0'].includes(key)) return [[path, false]];
  throw new MappingError(pointerOf(path), value, 'yes or no (true or false)');
};

const kind: CellReader = (value, path) => {
  const key = value.trim().toLowerCase();
  if (key === 'rough' || key === 'polished') return [[path, key]];
  throw new MappingError(pointerOf(path), value, 'rough or polished');
};

const country: CellReader = (value, path) => {
  const parsed = parseCountry(value, pointerOf(path));
  return 'country' in parsed ? [[path, parsed.country]] : [['origin.aggregated', true]];
};

const parsed =
  (parse: (value: unknown, pointer: string) => unknown): CellReader =>
  (value, path) => [[path, parse(value, pointerOf(path))]];

/**
 * Every canonical path a column may fill, with its reader: the built-in column map is these paths
 * themselves, so a file whose header names them needs no map.
 */
export const cellReaders: ReadonlyMap<string, CellReader> = new Map<string, CellReader>([
  ['id', text],
  ['schemaVersion', text],
  ['kind', kind],
  ['owner.org', text],
  ...identifierNames.map((name) => [`identifiers.${name}`, text] as const),
  ['origin.country', country],
  ['origin.aggregated', yesNo],
  ['origin.producer', text],
  ['origin.mine', text],
  ['rough.caratWeight', weight],
  ['polished.shape', parsed((value, pointer) => parseShape(value, pointer))],
  ['polished.caratWeight', weight],
  ['polished.color', parsed(parseColor)],
  ['polished.clarity', parsed(parseClarity)],
  ['polished.cut', parsed(parseFinish)],
  ['polished.polish', parsed(parseFinish)],
  ['polished.symmetry', parsed(parseFinish)],
  ['polished.fluorescence', parsed(parseFluorescence)],
  ['polished.measurements', parsed(parseMeasurements)],
  ['grading.lab', text],
  ['grading.reportNumber', text],
  ['grading.reportDate', parsed(parseReportDate)],
  ['grading.reportType', text],
  ['lineage.parentId', text],
]);

/** Paths of weights, the only ones a unit may be declared for. */
export const weightPaths: ReadonlySet<string> = new Set(['rough.caratWeight', 'polished.caratWeight']);

// A platform or producer's own field with no canonical home: `extensions.<name>.<field>`, kept as text.
const EXTENSION_PATH = /^extensions\.[a-z][a-z0-9-]{0,31}\.[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** Whether `path` is a column the import can fill. */
export function isImportPath(path: string): boolean {
  return cellReaders.has(path) || EXTENSION_PATH.test(path);
}

/** Reads one cell for `path`; throws {@link MappingError} when it cannot be understood. */
export function readCell(textValue: string, path: string, unit?: WeightUnit): CellValues {
  const reader = cellReaders.get(path) ?? text;
  return reader(textValue.trim(), path, unit);
}

/** Sets `value` at a dotted `path` of `record`, creating the objects on the way. */
export function setPath(record: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = record;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === undefined || next === null || typeof next !== 'object') node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}
