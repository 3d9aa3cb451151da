/**
 * How GIA prints values on a report, and the residual: what is left of a native record once the canonical
 * record has taken what it can regenerate. The residual goes to `extensions.gia`, so a report survives the
 * trip through the canonical record with every field it had.
 */
import { giaCaratWeight } from '../../mapping/units.js';
import { printColor, printFancyIntensity } from '../../mapping/vocab/color.js';
import type { FancyColor, Measurements } from '../../types/diamond.js';

// GIA prints English month names whatever the reader's locale; a table, because Intl is slow per call.
const months = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "2019-09-01" as GIA prints a report date: "September 01, 2019". */
export function printReportDate(isoDate: string): string {
  const month = months[Number(isoDate.slice(5, 7)) - 1] ?? 'Invalid Date';
  return `${month} ${isoDate.slice(8)}, ${isoDate.slice(0, 4)}`;
}

/** A weight as GIA prints it: two decimals under GIA's rounding rule, then "carat" ("0.51 carat"). */
export function printCaratWeight(carats: number): string {
  return `${giaCaratWeight(carats).toFixed(2)} carat`;
}

/** Measurements as GIA prints them: "6.45 - 6.48 x 3.98 mm" (round) or "5.29 x 3.88 x 2.61 mm" (fancy). */
export function printMeasurements(measurements: Measurements): string {
  const mm = (value: number): string => {
    const text = String(value);
    const point = text.indexOf('.');
    return value.toFixed(Math.max(2, point < 0 ? 0 : text.length - point - 1));
  };
  return 'minDiameterMm' in measurements
    ? `${mm(measurements.minDiameterMm)} - ${mm(measurements.maxDiameterMm)} x ${mm(measurements.depthMm)} mm`
    : `${mm(measurements.lengthMm)} x ${mm(measurements.widthMm)} x ${mm(measurements.depthMm)} mm`;
}

/** The hue of a fancy colour as GIA prints `colored_diamond_color_description` ("Brownish Yellow"). */
export function printHue(color: FancyColor): string {
  return printColor(color).slice(printFancyIntensity(color.intensity).length + 1);
}

type Json = Record<string, unknown>;

const isEmpty = (object: Json): boolean => {
  for (const _key in object) return false;
  return true;
};

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A copy of a value parsed from JSON, member by member: structuredClone's general machinery costs more
 * than that, and a GIA response holds nothing but JSON.
 */
function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => cloneJson(item)) as T;
  const copy: Json = {};
  for (const key in value) copy[key] = cloneJson((value as Json)[key]);
  return copy as T;
}

/**
 * The pointers of `names` under `base` (`/results` and `color_grade` make `/results/color_grade`), built
 * once: a pointer built per report is a new string to hash in each look-up it goes through.
 */
export function pointersUnder<Name extends string>(
  base: string,
  names: readonly Name[],
): Record<Name, string> {
  return Object.fromEntries(names.map((name) => [name, `${base}/${name}`])) as Record<Name, string>;
}

/** What was taken under one object: a member taken whole (`true`) or the members taken inside it. */
type Taken = Map<string, Taken | true>;

// Pointers split into their members, shared by every residual: a transform takes the same few hundred
// pointers of every report, and the same member strings make the tree's look-ups cheap. Cleared, not grown,
// past a bound.
const paths = new Map<string, readonly string[]>();

function pathOf(pointer: string): readonly string[] {
  let path = paths.get(pointer);
  if (path === undefined) {
    if (paths.size >= 10_000) paths.clear();
    path = pointer.split('/').slice(1);
    paths.set(pointer, path);
  }
  return path;
}

/**
 * A native record from which a transform takes each field it maps to the canonical record. What remains has
 * no canonical home and is kept in `extensions.gia`. Objects left empty by taking are pruned, except the ones
 * named in `kept`: their presence alone says something (a report had a data block). Taking only notes the
 * pointer, as a tree the copy walks beside the record; the copy of what remains is built once, at the end,
 * so nothing is cloned only to be deleted.
 */
export class Residual {
  private readonly taken: Taken = new Map();

  constructor(
    private readonly native: object,
    private readonly kept: readonly string[] = [],
  ) {}

  /** Removes the field at `pointer` (`/results/clarity_grade`), pruning parents it leaves empty. */
  take(pointer: string): void {
    const path = pathOf(pointer);
    let node = this.taken;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i]!;
      const inner = node.get(key);
      if (inner === true) return; // an enclosing object is taken already
      if (inner === undefined) {
        const created: Taken = new Map();
        node.set(key, created);
        node = created;
      } else node = inner;
    }
    node.set(path.at(-1)!, true);
  }

  /** Takes `pointer` when the value there is exactly what the reverse mapping would print. */
  takeIf(pointer: string, original: unknown, regenerated: unknown): void {
    if (original === regenerated) this.take(pointer);
  }

  /** What is left, or undefined when nothing is. */
  value(): Json | undefined {
    const root = isObject(this.native) ? this.remaining(this.native, this.taken, '') : {};
    return Object.keys(root).length > 0 ? root : undefined;
  }

  /** A copy of `object` without what was taken; an object that taking emptied is left out unless kept. */
  private remaining(object: Json, taken: Taken, at: string): Json {
    const left: Json = {};
    // A parsed JSON object has only its own members, so `for...in` walks exactly those, without the
    // arrays Object.entries would build.
    for (const key in object) {
      const value = object[key];
      const inner = taken.get(key);
      if (inner === true) continue;
      if (inner === undefined || !isObject(value)) {
        left[key] = typeof value === 'object' && value !== null ? cloneJson(value) : value;
        continue;
      }
      const pointer = `${at}/${key}`;
      const rest = this.remaining(value, inner, pointer);
      if (!isEmpty(rest) || isEmpty(value) || this.kept.includes(pointer)) left[key] = rest;
    }
    return left;
  }
}

/**
 * Merges `regenerated` over `residual`: objects merge member by member, anything else in `regenerated`
 * replaces what the residual holds. Neither input is changed.
 */
export function mergeOver(residual: unknown, regenerated: unknown): unknown {
  if (!isObject(residual) || !isObject(regenerated)) {
    return regenerated === undefined ? cloneJson(residual) : cloneJson(regenerated);
  }
  const merged: Json = cloneJson(residual);
  for (const [key, value] of Object.entries(regenerated)) {
    if (value !== undefined) merged[key] = mergeOver(merged[key], value);
  }
  return merged;
}
