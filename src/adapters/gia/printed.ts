/**
 * How GIA prints values on a report, and the residual: what is left of a native record once the canonical
 * record has taken what it can regenerate. The residual goes to `extensions.gia`, so a report survives the
 * trip through the canonical record with every field it had.
 */
import { giaCaratWeight } from '../../mapping/units.js';
import { printColor, printFancyIntensity } from '../../mapping/vocab/color.js';
import type { FancyColor, Measurements } from '../../types/diamond.js';

/** "2019-09-01" as GIA prints a report date: "September 01, 2019". */
export function printReportDate(isoDate: string): string {
  const [year, , day] = isoDate.split('-');
  const month = new Date(`${isoDate}T00:00:00Z`).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' });
  return `${month} ${day}, ${year}`;
}

/** A weight as GIA prints it: two decimals under GIA's rounding rule, then "carat" ("0.51 carat"). */
export function printCaratWeight(carats: number): string {
  return `${giaCaratWeight(carats).toFixed(2)} carat`;
}

/** Measurements as GIA prints them: "6.45 - 6.48 x 3.98 mm" (round) or "5.29 x 3.88 x 2.61 mm" (fancy). */
export function printMeasurements(measurements: Measurements): string {
  const mm = (value: number): string => value.toFixed(Math.max(2, String(value).split('.')[1]?.length ?? 0));
  return 'minDiameterMm' in measurements
    ? `${mm(measurements.minDiameterMm)} - ${mm(measurements.maxDiameterMm)} x ${mm(measurements.depthMm)} mm`
    : `${mm(measurements.lengthMm)} x ${mm(measurements.widthMm)} x ${mm(measurements.depthMm)} mm`;
}

/** The hue of a fancy colour as GIA prints `colored_diamond_color_description` ("Brownish Yellow"). */
export function printHue(color: FancyColor): string {
  return printColor(color).slice(printFancyIntensity(color.intensity).length + 1);
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A deep copy of a native record from which a transform takes each field it maps to the canonical record.
 * What remains has no canonical home and is kept in `extensions.gia`. Objects left empty by taking are
 * pruned, except the ones named in `kept`: their presence alone says something (a report had a data block).
 */
export class Residual {
  private readonly root: Json;

  constructor(
    native: object,
    private readonly kept: readonly string[] = [],
  ) {
    this.root = structuredClone(native) as Json;
  }

  /** Removes the field at `pointer` (`/results/clarity_grade`), pruning parents it leaves empty. */
  take(pointer: string): void {
    const path = pointer.split('/').slice(1);
    const parents: Json[] = [this.root];
    for (const key of path.slice(0, -1)) {
      const next = parents.at(-1)?.[key];
      if (!isObject(next)) return;
      parents.push(next);
    }
    delete parents.at(-1)?.[path.at(-1) ?? ''];
    for (let depth = path.length - 1; depth > 0; depth--) {
      const parent = parents[depth - 1];
      const key = path[depth - 1] ?? '';
      const at = `/${path.slice(0, depth).join('/')}`;
      if (!parent || this.kept.includes(at) || Object.keys(parents[depth] ?? {}).length > 0) break;
      delete parent[key];
    }
  }

  /** Takes `pointer` when the value there is exactly what the reverse mapping would print. */
  takeIf(pointer: string, original: unknown, regenerated: unknown): void {
    if (original === regenerated) this.take(pointer);
  }

  /** What is left, or undefined when nothing is. */
  value(): Json | undefined {
    return Object.keys(this.root).length > 0 ? this.root : undefined;
  }
}

/**
 * Merges `regenerated` over `residual`: objects merge member by member, anything else in `regenerated`
 * replaces what the residual holds. Neither input is changed.
 */
export function mergeOver(residual: unknown, regenerated: unknown): unknown {
  if (!isObject(residual) || !isObject(regenerated)) {
    return regenerated === undefined ? structuredClone(residual) : structuredClone(regenerated);
  }
  const merged: Json = structuredClone(residual);
  for (const [key, value] of Object.entries(regenerated)) {
    if (value !== undefined) merged[key] = mergeOver(merged[key], value);
  }
  return merged;
}
