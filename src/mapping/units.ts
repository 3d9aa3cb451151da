/**
 * Weights and their rounding rules. Carats are compared and rounded in integer thousandths taken from the
 * number's shortest decimal form, so 1.005 rounds like the 1.005 a person reads, not like the binary float
 * just below it.
 */

/** Units a weight may be given in: carats, points (1/100 ct), grams (1 ct = 0.2 g) and milligrams. */
export type WeightUnit = 'ct' | 'pt' | 'g' | 'mg';

/** Carats per unit as a fraction [numerator, denominator], so conversions stay exact. */
const caratsPer: Readonly<Record<WeightUnit, readonly [bigint, bigint]>> = {
  ct: [1n, 1n],
  pt: [1n, 100n],
  g: [5n, 1n],
  mg: [1n, 200n],
};

/** Decimal places kept by {@link toCarats}: more than any instrument reports, fewer than float noise. */
const conversionPlaces = 9;

/** Converts a weight to carats exactly (to 9 decimals): 51 pt -> 0.51, 0.102 g -> 0.51, 102 mg -> 0.51. */
export function toCarats(value: number, unit: WeightUnit): number {
  // Carats with at most 9 decimals are their own conversion.
  if (unit === 'ct' && quickScaled(value, conversionPlaces) !== undefined) return value;
  const { digits, scale } = exactDecimal(value);
  const [numerator, denominator] = caratsPer[unit];
  const scaled = digits * numerator * 10n ** BigInt(conversionPlaces);
  return fromScaled(divideRounded(scaled, denominator * 10n ** BigInt(scale)), conversionPlaces);
}

/** Rounds a carat weight to 3 decimals, half away from zero, with no float artefacts (1.0005 -> 1.001). */
export function roundCarats3(carats: number): number {
  return fromScaled(scaledRound(carats, 3), 3);
}

/**
 * Rounds a length in millimetres to 2 decimals, half away from zero, with no float artefacts (1.005 -> 1.01):
 * labs print measurements to the hundredth and the Tracr-style ledger stores no finer.
 */
export function roundMillimetres2(mm: number): number {
  return fromScaled(scaledRound(mm, 2), 2);
}

/** A carat weight in whole thousandths of a carat (1.768 -> 1768), rounded as {@link roundCarats3}. */
export function caratsToThousandths(carats: number): number {
  return quickScaled(carats, 3) ?? Number(scaledRound(carats, 3));
}

/** Whether a carat weight has at most 3 decimals, read from its shortest decimal form (1.768 yes, 0.1 + 0.2 no). */
export function hasAtMostThreeDecimals(carats: number): boolean {
  if (!Number.isFinite(carats)) return false;
  return quickScaled(carats, 3) !== undefined || exactDecimal(carats).scale <= 3;
}

/**
 * The weight GIA prints for a stone weighed at `carats`: GIA weighs to the thousandth and reports to the
 * hundredth, dropping the thousandths digit unless it is 9, which rounds up (1.768 -> 1.76, 1.769 -> 1.77,
 * 0.999 -> 1.00). A weight with more than 3 decimals is first rounded to thousandths.
 */
export function giaCaratWeight(carats: number): number {
  return fromScaled(BigInt(giaHundredths(carats)), 2);
}

/**
 * Whether a ledger weight (3 decimals) and a weight GIA printed (2 decimals) describe the same stone under
 * GIA's rule: 1.768 agrees with 1.76 but not with 1.77. A "GIA weight" with a thousandths digit never agrees.
 */
export function agreesWithGiaPrinted(ledgerCarats: number, giaCarats: number): boolean {
  const printed = caratsToThousandths(giaCarats);
  return printed % 10 === 0 && printed / 10 === giaHundredths(ledgerCarats);
}

function giaHundredths(carats: number): number {
  const thousandths = caratsToThousandths(carats);
  const hundredths = Math.floor(thousandths / 10);
  return thousandths % 10 === 9 ? hundredths + 1 : hundredths;
}

/** The exact decimal a finite number prints as: value = digits / 10^scale. */
function exactDecimal(value: number): { digits: bigint; scale: number } {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  if (!match) throw new RangeError(`cannot read ${value} as a decimal`);
  const [, sign = '', whole = '0', fraction = '', exponent = '0'] = match;
  let digits = BigInt(`${sign}${whole}${fraction}`);
  let scale = fraction.length - Number(exponent);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits, scale };
}

/**
 * `value` times 10^places when that is a whole number within the safe integers that survives the round trip
 * back (the usual weight or length): then the value prints with at most `places` decimals and this is
 * exactly its scaled form, found without the exact path's text and big integers. Undefined otherwise.
 */
function quickScaled(value: number, places: number): number | undefined {
  const factor = 10 ** places;
  const scaled = Math.round(value * factor);
  return Math.abs(scaled) < Number.MAX_SAFE_INTEGER && scaled / factor === value ? scaled : undefined;
}

/** `value` times 10^places as an integer, rounded half away from zero. */
function scaledRound(value: number, places: number): bigint {
  const quick = quickScaled(value, places);
  if (quick !== undefined) return BigInt(quick);
  const { digits, scale } = exactDecimal(value);
  if (scale <= places) return digits * 10n ** BigInt(places - scale);
  return divideRounded(digits, 10n ** BigInt(scale - places));
}

function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const quotient = (magnitude * 2n + denominator) / (denominator * 2n);
  return negative ? -quotient : quotient;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
// 10^0 to 10^22, every power of ten a double holds exactly, written out so none is computed.
const EXACT_POWERS_OF_TEN = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];

function fromScaled(scaled: bigint, places: number): number {
  // A safe integer over an exact power of ten divides correctly rounded: the double nearest the decimal,
  // as reading its text would give, without the text.
  const power = EXACT_POWERS_OF_TEN[places];
  if (power !== undefined && scaled <= MAX_SAFE && scaled >= -MAX_SAFE) return Number(scaled) / power;
  return Number(`${scaled}e-${places}`);
}
