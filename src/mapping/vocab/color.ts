import type { DZColorGrade, FancyColor, FancyIntensity, PolishedColor } from '../../types/diamond.js';
import { MappingError } from '../errors.js';
import { defineVocabulary } from './table.js';

/** D-to-Z grades: single letters to N, then letter pairs as GIA grades them. */
export const dzGradeCodes: readonly DZColorGrade[] = [
  'D',
  'E',
  'F',
  'G',
  'H',
  'I',
  'J',
  'K',
  'L',
  'M',
  'N',
  'OP',
  'QR',
  'ST',
  'UV',
  'WX',
  'YZ',
];

/** Printed forms of the paired grades: "O-P", "O to P" (GIA prints both styles), "O/P". */
export const dzGradeTable: readonly (readonly [string, DZColorGrade])[] = [
  ['O-P', 'OP'],
  ['O to P', 'OP'],
  ['Q-R', 'QR'],
  ['Q to R', 'QR'],
  ['S-T', 'ST'],
  ['S to T', 'ST'],
  ['U-V', 'UV'],
  ['U to V', 'UV'],
  ['W-X', 'WX'],
  ['W to X', 'WX'],
  ['Y-Z', 'YZ'],
  ['Y to Z', 'YZ'],
];

/** Fancy colour intensities, weakest first. */
export const fancyIntensityCodes: readonly FancyIntensity[] = [
  'FNT',
  'VLT',
  'LIT',
  'FLT',
  'FAN',
  'INT',
  'VIV',
  'FDP',
  'FDK',
];

/** Printed fancy intensities: the words that open a GIA coloured-diamond grade. */
export const fancyIntensityTable: readonly (readonly [string, FancyIntensity])[] = [
  ['Faint', 'FNT'],
  ['Very Light', 'VLT'],
  ['Light', 'LIT'],
  ['Fancy Light', 'FLT'],
  ['Fancy', 'FAN'],
  ['Fancy Intense', 'INT'],
  ['Fancy Vivid', 'VIV'],
  ['Fancy Deep', 'FDP'],
  ['Fancy Dark', 'FDK'],
];

/**
 * Words a fancy hue is made of, each with its canonical spelling. The last word of a hue must be a base
 * hue; modifiers ("purplish", "orangy") and other base hues may come before it ("brownish greenish yellow").
 */
export const hueWords: readonly (readonly [printed: string, canonical: string, role: 'hue' | 'modifier'])[] =
  [
    ['yellow', 'yellow', 'hue'],
    ['pink', 'pink', 'hue'],
    ['blue', 'blue', 'hue'],
    ['green', 'green', 'hue'],
    ['brown', 'brown', 'hue'],
    ['orange', 'orange', 'hue'],
    ['purple', 'purple', 'hue'],
    ['red', 'red', 'hue'],
    ['gray', 'gray', 'hue'],
    ['grey', 'gray', 'hue'],
    ['black', 'black', 'hue'],
    ['white', 'white', 'hue'],
    ['violet', 'violet', 'hue'],
    ['chameleon', 'chameleon', 'hue'],
    ['yellowish', 'yellowish', 'modifier'],
    ['pinkish', 'pinkish', 'modifier'],
    ['bluish', 'bluish', 'modifier'],
    ['greenish', 'greenish', 'modifier'],
    ['brownish', 'brownish', 'modifier'],
    ['orangy', 'orangy', 'modifier'],
    ['orangey', 'orangy', 'modifier'],
    ['orangish', 'orangy', 'modifier'],
    ['purplish', 'purplish', 'modifier'],
    ['reddish', 'reddish', 'modifier'],
    ['grayish', 'grayish', 'modifier'],
    ['greyish', 'grayish', 'modifier'],
    ['violetish', 'violetish', 'modifier'],
  ];

const dzGrades = defineVocabulary({
  expected: 'a D-to-Z colour grade: D to N, or a pair such as O-P or W to X',
  codes: dzGradeCodes,
  table: dzGradeTable,
  printed: {
    D: 'D',
    E: 'E',
    F: 'F',
    G: 'G',
    H: 'H',
    I: 'I',
    J: 'J',
    K: 'K',
    L: 'L',
    M: 'M',
    N: 'N',
    OP: 'O-P',
    QR: 'Q-R',
    ST: 'S-T',
    UV: 'U-V',
    WX: 'W-X',
    YZ: 'Y-Z',
  },
});

const intensities = defineVocabulary({
  expected:
    'a fancy colour intensity: Faint, Very Light, Light, Fancy Light, Fancy, Fancy Intense, Fancy Vivid, Fancy Deep or Fancy Dark',
  codes: fancyIntensityCodes,
  table: fancyIntensityTable,
  printed: {
    FNT: 'Faint',
    VLT: 'Very Light',
    LIT: 'Light',
    FLT: 'Fancy Light',
    FAN: 'Fancy',
    INT: 'Fancy Intense',
    VIV: 'Fancy Vivid',
    FDP: 'Fancy Deep',
    FDK: 'Fancy Dark',
  },
});

const hueByWord = new Map(hueWords.map(([printed, canonical, role]) => [printed, { canonical, role }]));

/** Reads a D-to-Z grade ("E", "O-P", "W to X"); throws MappingError otherwise. */
export function parseDZGrade(value: unknown, pointer: string): DZColorGrade {
  return dzGrades.parse(value, pointer);
}

/** The grade as GIA prints it: the letter, or the pair with a dash ("O-P"). */
export function printDZGrade(code: DZColorGrade): string {
  return dzGrades.print(code);
}

/** Reads a fancy intensity on its own ("Fancy Intense", "VIV"); throws MappingError otherwise. */
export function parseFancyIntensity(value: unknown, pointer: string): FancyIntensity {
  return intensities.parse(value, pointer);
}

/** The intensity as GIA prints it: "Fancy Intense". */
export function printFancyIntensity(code: FancyIntensity): string {
  return intensities.print(code);
}

/**
 * Reads a hue ("Purplish Pink", "Gray-Blue", "Fancy Dark Grayish Yellowish Green (Chameleon)" minus the
 * intensity) into lowercase canonical words; every word must be known and the last must be a base hue.
 */
export function parseHue(value: unknown, pointer: string): string {
  const expected = 'a fancy hue such as Yellow, Purplish Pink or Gray-Blue';
  if (typeof value !== 'string') throw new MappingError(pointer, value, expected);
  const words = value.toLowerCase().replace(/[()]/g, ' ').trim().split(/\s+/);
  const canonical: string[] = [];
  let lastRole: 'hue' | 'modifier' | undefined;
  for (const word of words) {
    const parts = word.split('-').map((part) => hueByWord.get(part));
    if (parts.some((part) => part === undefined)) throw new MappingError(pointer, value, expected);
    canonical.push(parts.map((part) => part?.canonical).join('-'));
    lastRole = parts.at(-1)?.role;
  }
  if (lastRole !== 'hue') throw new MappingError(pointer, value, expected);
  return canonical.join(' ');
}

/**
 * Reads a whole fancy colour grade: "Fancy Intense Yellow", "Fancy Light Brownish Pink", "Very Light
 * Pink". The intensity may be one or two words, so the longest intensity followed by a valid hue wins.
 */
export function parseFancyColor(value: unknown, pointer: string): FancyColor {
  const expected = 'a fancy colour grade such as Fancy Intense Yellow or Fancy Light Brownish Pink';
  if (typeof value !== 'string') throw new MappingError(pointer, value, expected);
  const words = value.trim().split(/\s+/);
  for (const length of [2, 1]) {
    if (words.length <= length) continue;
    try {
      const intensity = intensities.parse(words.slice(0, length).join(' '), pointer);
      const hue = parseHue(words.slice(length).join(' '), pointer);
      return { scale: 'fancy', intensity, hue };
    } catch {
      // Try the shorter intensity: "Light Pink" is not "Fancy Light" anything.
    }
  }
  throw new MappingError(pointer, value, expected);
}

/** Reads a printed colour grade of either scale: "E", "O-P", "Fancy Vivid Purplish Pink". */
export function parseColor(value: unknown, pointer: string): PolishedColor {
  const grade = dzGrades.find(value);
  if (grade !== undefined) return { scale: 'DZ', grade };
  try {
    return parseFancyColor(value, pointer);
  } catch {
    throw new MappingError(pointer, value, 'a colour grade such as E, O-P or Fancy Intense Yellow');
  }
}

/** The colour grade as GIA prints it: "E", "O-P", "Fancy Intense Purplish Pink", "Fancy Gray-Blue". */
export function printColor(color: PolishedColor): string {
  if (color.scale === 'DZ') return dzGrades.print(color.grade);
  const hue = color.hue.replace(/[a-z]+/g, (word) => word.charAt(0).toUpperCase() + word.slice(1));
  return `${intensities.print(color.intensity)} ${hue}`;
}
