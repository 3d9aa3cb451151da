import { sameJson } from '../mapping/content-hash.js';
import { agreesWithGiaPrinted, caratsToThousandths } from '../mapping/index.js';
import type { Fluorescence, Measurements, PolishedColor } from '../types/diamond.js';
import type { Tolerances } from './types.js';

/**
 * Comparisons with the trade's tolerances. Each answers whether two platforms' values for one field
 * describe the same stone; none of them is plain equality except where the trade has no tolerance.
 */

/** Judges two values of one field; values are canonical, never undefined. */
export type Agreement = (a: unknown, b: unknown, tolerances: Tolerances) => boolean;

/** Same value, whatever order an object's members came in (an absent member and `undefined` alike). */
export const sameValue: Agreement = (a, b) => sameJson(a, b);

/**
 * Carat weights: equal at 3 decimals, or one is the weight GIA would print for the other (GIA reports to
 * the hundredth and drops the thousandths digit unless it is 9): 1.768 agrees with 1.76, 0.514 with 0.51.
 */
export const caratWeightsAgree: Agreement = (a, b) => {
  if (typeof a !== 'number' || typeof b !== 'number') return sameValue(a, b, { measurementMm: 0 });
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return (
    caratsToThousandths(a) === caratsToThousandths(b) ||
    agreesWithGiaPrinted(a, b) ||
    agreesWithGiaPrinted(b, a)
  );
};

/** Lengths in millimetres within the tolerance, compared in whole thousandths so float noise cannot tip it. */
export function withinMillimetres(a: number, b: number, toleranceMm: number): boolean {
  return Math.abs(Math.round(a * 1000) - Math.round(b * 1000)) <= Math.round(toleranceMm * 1000);
}

/**
 * Measurements: the same form (round diameters or fancy length and width), and every dimension within the
 * lab-to-lab spread: 6.45 mm and 6.47 mm agree at the default 0.03 mm.
 */
export const measurementsAgree: Agreement = (a, b, { measurementMm }) => {
  const left = a as Partial<Measurements> & Record<string, unknown>;
  const right = b as Partial<Measurements> & Record<string, unknown>;
  const dimensions =
    'minDiameterMm' in left || 'minDiameterMm' in right
      ? ['minDiameterMm', 'maxDiameterMm', 'depthMm']
      : ['lengthMm', 'widthMm', 'depthMm'];
  return dimensions.every((dimension) => {
    const x = left[dimension];
    const y = right[dimension];
    return typeof x === 'number' && typeof y === 'number' && withinMillimetres(x, y, measurementMm);
  });
};

/** A hue in one spelling: lower case, single spaces, British "grey" as GIA's "gray". */
export function normaliseHue(hue: string): string {
  return hue
    .toLowerCase()
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/\bgrey(ish)?\b/g, 'gray$1')
    .replace(/\borang(?:ey|ish)\b/g, 'orangy');
}

/** Colour grades: the same D-to-Z letter, or the same fancy intensity and hue however the hue was spelt. */
export const colorsAgree: Agreement = (a, b) => {
  const left = a as PolishedColor;
  const right = b as PolishedColor;
  if (left.scale === 'DZ' || right.scale === 'DZ')
    return left.scale === right.scale && sameValue(a, b, { measurementMm: 0 });
  return left.intensity === right.intensity && normaliseHue(left.hue) === normaliseHue(right.hue);
};

/** Fluorescence: the same intensity; the colour only counts when both platforms state one. */
export const fluorescenceAgrees: Agreement = (a, b) => {
  const left = a as Fluorescence;
  const right = b as Fluorescence;
  if (left.intensity !== right.intensity) return false;
  return left.color === undefined || right.color === undefined || left.color === right.color;
};

/** Dates by calendar day: "2019-09-01" agrees with "2019-09-01T00:00:00Z". */
export const sameDay: Agreement = (a, b) => a === b || String(a).slice(0, 10) === String(b).slice(0, 10);

/** Names (producers, mines, labs) by their words: case, spacing and punctuation do not count. */
export const sameName: Agreement = (a, b) => a === b || nameKey(String(a)) === nameKey(String(b));

function nameKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Text identifiers compared trimmed; laser inscriptions also upper-cased with spaces collapsed. */
export function sameIdentifier(inscription: boolean): Agreement {
  const key = (value: unknown): string => {
    const text = String(value).trim();
    return inscription ? text.toUpperCase().replace(/\s+/g, ' ') : text;
  };
  return (a, b) => a === b || key(a) === key(b);
}
