import type { Fluorescence, FluorescenceColor, FluorescenceIntensity } from '../../types/diamond.js';
import { MappingError } from '../errors.js';
import { defineVocabulary, vocabKey } from './table.js';

/** Fluorescence intensities, weakest first. */
export const fluorescenceIntensityCodes: readonly FluorescenceIntensity[] = [
  'NON',
  'FNT',
  'MED',
  'STG',
  'VST',
];

/**
 * Printed fluorescence intensities. GIA prints "None"; "Negligible" and "Nil" are other labs' words for
 * the same step and are read as None.
 */
export const fluorescenceIntensityTable: readonly (readonly [string, FluorescenceIntensity])[] = [
  ['None', 'NON'],
  ['N', 'NON'],
  ['Negligible', 'NON'],
  ['Nil', 'NON'],
  ['Faint', 'FNT'],
  ['FA', 'FNT'],
  ['Medium', 'MED'],
  ['MD', 'MED'],
  ['Strong', 'STG'],
  ['ST', 'STG'],
  ['Very Strong', 'VST'],
  ['VS', 'VST'],
  ['VSTG', 'VST'],
];

/** Fluorescence colours, in canonical (lowercase) form. */
export const fluorescenceColorCodes: readonly FluorescenceColor[] = [
  'blue',
  'green',
  'orange',
  'red',
  'violet',
  'white',
  'yellow',
];

/** Printed fluorescence colours, as words and as the one-letter codes some lists use. */
export const fluorescenceColorTable: readonly (readonly [string, FluorescenceColor])[] = [
  ['Blue', 'blue'],
  ['B', 'blue'],
  ['BL', 'blue'],
  ['Green', 'green'],
  ['G', 'green'],
  ['Orange', 'orange'],
  ['O', 'orange'],
  ['Red', 'red'],
  ['R', 'red'],
  ['Violet', 'violet'],
  ['Purple', 'violet'],
  ['White', 'white'],
  ['W', 'white'],
  ['Yellow', 'yellow'],
  ['Y', 'yellow'],
];

const intensities = defineVocabulary({
  expected: 'a fluorescence intensity: None, Faint, Medium, Strong or Very Strong',
  codes: fluorescenceIntensityCodes,
  table: fluorescenceIntensityTable,
  printed: { NON: 'None', FNT: 'Faint', MED: 'Medium', STG: 'Strong', VST: 'Very Strong' },
});

const colors = defineVocabulary({
  expected: 'a fluorescence colour such as Blue, Yellow or White',
  codes: fluorescenceColorCodes,
  table: fluorescenceColorTable,
  printed: {
    blue: 'Blue',
    green: 'Green',
    orange: 'Orange',
    red: 'Red',
    violet: 'Violet',
    white: 'White',
    yellow: 'Yellow',
  },
});

/** Reads a fluorescence intensity on its own ("Medium", "STG"); throws MappingError otherwise. */
export function parseFluorescenceIntensity(value: unknown, pointer: string): FluorescenceIntensity {
  return intensities.parse(value, pointer);
}

/** Reads a fluorescence colour on its own ("Blue", "B"); throws MappingError otherwise. */
export function parseFluorescenceColor(value: unknown, pointer: string): FluorescenceColor {
  return colors.parse(value, pointer);
}

/**
 * Reads a whole printed fluorescence: "None", "Faint", "Medium Blue", "Very Strong Blue". The intensity
 * comes first and may be two words, so the longest intensity that leaves a known colour (or nothing) wins.
 */
export function parseFluorescence(value: unknown, pointer: string): Fluorescence {
  const expected = 'a fluorescence such as None, Faint or Medium Blue';
  if (typeof value !== 'string') throw new MappingError(pointer, value, expected);
  const words = value
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean);
  for (let split = words.length; split > 0; split--) {
    const intensity = intensities.find(words.slice(0, split).join(' '));
    if (intensity === undefined) continue;
    const rest = words.slice(split).join(' ');
    if (rest === '') return { intensity };
    // "None Blue" is a contradiction, not a colour worth keeping.
    if (intensity === 'NON') break;
    const color = vocabKey(rest) === '' ? undefined : colors.find(rest);
    if (color !== undefined) return { intensity, color };
  }
  throw new MappingError(pointer, value, expected);
}

/** The fluorescence as GIA prints it: "None", "Faint", "Medium Blue". */
export function printFluorescence(fluorescence: Fluorescence): string {
  const intensity = intensities.print(fluorescence.intensity);
  return fluorescence.color === undefined ? intensity : `${intensity} ${colors.print(fluorescence.color)}`;
}

/** A fluorescence colour as GIA prints it after the intensity: "Blue". */
export function printFluorescenceColor(color: FluorescenceColor): string {
  return colors.print(color);
}
