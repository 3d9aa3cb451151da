/**
 * Polished attributes between the ledger's vocabulary (`EMERALD`, `VERY_GOOD`, `FANCY_INTENSE`, single
 * colour letters to Z) and the canonical one. Every word goes through the shared vocabularies in
 * src/mapping; this file only knows how the ledger spells a printed form (upper case, underscores).
 */
import {
  dzGradeCodes,
  hasAtMostThreeDecimals,
  MappingError,
  parseClarity,
  parseDZGrade,
  parseFancyIntensity,
  parseFinish,
  parseFluorescenceColor,
  parseFluorescenceIntensity,
  parseHue,
  parseShape,
  printFancyIntensity,
  printFinish,
  printFluorescence,
  roundMillimetres2,
  type LossReport,
} from '../../mapping/index.js';
import type { DZColorGrade, Measurements, PolishedColor, PolishedStone } from '../../types/diamond.js';
import type { TracrPolished } from './native.js';

/** A weight as the ledger records it: positive, at most 3 decimals. 0.5141 is refused, never rounded. */
export function ledgerCarats(value: unknown, pointer: string): number {
  if (typeof value !== 'number' || !(value > 0) || !hasAtMostThreeDecimals(value)) {
    throw new MappingError(
      pointer,
      value,
      'a weight in carats greater than 0 with at most 3 decimals, as the ledger records it (0.514, not 0.5141)',
    );
  }
  return value;
}

/** The ledger's spelling of a printed form: "Very Good" -> VERY_GOOD, "Fancy Intense" -> FANCY_INTENSE. */
function ledgerWord(printed: string): string {
  return printed.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/** The ledger's polished attributes as canonical `polished`; `pointer` is where they sit in the native stone. */
export function polishedToCanonical(native: TracrPolished, pointer: string, loss: LossReport): PolishedStone {
  const shape = parseShape(native.shape, `${pointer}/shape`, loss);
  const polished: PolishedStone = {
    shape,
    caratWeight: ledgerCarats(native.caratWeight, `${pointer}/caratWeight`),
  };
  const color = colourToCanonical(native, pointer, loss);
  if (color) polished.color = color;
  if (native.clarity !== undefined) polished.clarity = parseClarity(native.clarity, `${pointer}/clarity`);
  for (const grade of ['cut', 'polish', 'symmetry'] as const) {
    const value = native[grade];
    if (value !== undefined) polished[grade] = parseFinish(value, `${pointer}/${grade}`);
  }
  if (native.fluorescence) {
    const { intensity, colour } = native.fluorescence;
    polished.fluorescence = {
      intensity: parseFluorescenceIntensity(intensity, `${pointer}/fluorescence/intensity`),
    };
    if (colour !== undefined)
      polished.fluorescence.color = parseFluorescenceColor(colour, `${pointer}/fluorescence/colour`);
  }
  if (native.measurements) {
    const { lengthMm, widthMm, depthMm } = native.measurements;
    // The ledger writes every shape as length x width; for a round those are the largest and smallest diameter.
    polished.measurements =
      shape === 'round'
        ? { minDiameterMm: widthMm, maxDiameterMm: lengthMm, depthMm }
        : { lengthMm, widthMm, depthMm };
  }
  return polished;
}

/** Canonical `polished` as the ledger's POLISH attributes. */
export function polishedFromCanonical(polished: PolishedStone, loss: LossReport): TracrPolished {
  const native: TracrPolished = {
    shape: polished.shape.toUpperCase(),
    caratWeight: ledgerCarats(polished.caratWeight, '/polished/caratWeight'),
  };
  if (polished.color) Object.assign(native, colourFromCanonical(polished.color, loss));
  if (polished.clarity) native.clarity = polished.clarity;
  for (const grade of ['cut', 'polish', 'symmetry'] as const) {
    const value = polished[grade];
    if (value !== undefined) native[grade] = ledgerWord(printFinish(value));
  }
  if (polished.fluorescence) {
    const { intensity, color } = polished.fluorescence;
    native.fluorescence = { intensity: ledgerWord(printFluorescence({ intensity })) };
    if (color !== undefined) native.fluorescence.colour = color.toUpperCase();
  }
  if (polished.measurements) native.measurements = measurementsFromCanonical(polished.measurements, loss);
  return native;
}

function colourToCanonical(
  native: TracrPolished,
  pointer: string,
  loss: LossReport,
): PolishedColor | undefined {
  if (native.fancyColour) {
    const { intensity, hue } = native.fancyColour;
    return {
      scale: 'fancy',
      intensity: parseFancyIntensity(intensity, `${pointer}/fancyColour/intensity`),
      hue: parseHue(typeof hue === 'string' ? hue.replaceAll('_', ' ') : hue, `${pointer}/fancyColour/hue`),
    };
  }
  if (native.colour === undefined) return undefined;
  const at = `${pointer}/colour`;
  const letter = native.colour;
  if (typeof letter === 'string' && /^[O-Z]$/.test(letter)) {
    // The ledger grades every letter; the canonical scale, like GIA, grades below N in pairs.
    const pair = dzGradeCodes.find((code) => code.length === 2 && code.includes(letter)) as DZColorGrade;
    loss.rounded(at, letter, pair, `colour ${letter} is graded in the pair ${pair} on the canonical scale`);
    return { scale: 'DZ', grade: pair };
  }
  return { scale: 'DZ', grade: parseDZGrade(letter, at) };
}

function colourFromCanonical(
  color: PolishedColor,
  loss: LossReport,
): Pick<TracrPolished, 'colour' | 'fancyColour'> {
  if (color.scale === 'DZ') {
    if (color.grade.length === 1) return { colour: color.grade };
    const letter = color.grade.charAt(0);
    loss.guessed(
      '/polished/color',
      letter,
      `the ledger grades single letters; the pair ${color.grade} is written as its first letter ${letter}`,
    );
    return { colour: letter };
  }
  const hue = color.hue.toUpperCase().replace(/\s+/g, '_');
  if (hue.includes('-')) {
    const written = hue.replaceAll('-', '_');
    loss.rounded('/polished/color/hue', color.hue, written, 'the ledger writes hues as words joined by _');
    return { fancyColour: { intensity: ledgerWord(printFancyIntensity(color.intensity)), hue: written } };
  }
  return { fancyColour: { intensity: ledgerWord(printFancyIntensity(color.intensity)), hue } };
}

function measurementsFromCanonical(
  measurements: Measurements,
  loss: LossReport,
): NonNullable<TracrPolished['measurements']> {
  const [lengthMm, widthMm, names] =
    'maxDiameterMm' in measurements
      ? [measurements.maxDiameterMm, measurements.minDiameterMm, ['maxDiameterMm', 'minDiameterMm']]
      : [measurements.lengthMm, measurements.widthMm, ['lengthMm', 'widthMm']];
  const hundredths = (value: number, name: string): number => {
    const rounded = roundMillimetres2(value);
    if (rounded !== value)
      loss.rounded(
        `/polished/measurements/${name}`,
        value,
        rounded,
        'the ledger keeps millimetres to 2 decimals',
      );
    return rounded;
  };
  return {
    lengthMm: hundredths(lengthMm, names[0]!),
    widthMm: hundredths(widthMm, names[1]!),
    depthMm: hundredths(measurements.depthMm, 'depthMm'),
  };
}
