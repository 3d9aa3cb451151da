import type { ClarityGrade } from '../../types/diamond.js';
import { defineVocabulary } from './table.js';

/** Clarity grades from Flawless to Included 3, in the order of the scale. */
export const clarityCodes: readonly ClarityGrade[] = [
  'FL',
  'IF',
  'VVS1',
  'VVS2',
  'VS1',
  'VS2',
  'SI1',
  'SI2',
  'I1',
  'I2',
  'I3',
];

/** Printed clarity grades: GIA spells out the two top grades and prints the rest as codes ("VS2"). */
export const clarityTable: readonly (readonly [string, ClarityGrade])[] = [
  ['Flawless', 'FL'],
  ['Internally Flawless', 'IF'],
  ['Very Very Slightly Included 1', 'VVS1'],
  ['Very, Very Slightly Included 2', 'VVS2'],
  ['Very Very Slightly Included 2', 'VVS2'],
  ['Very, Very Slightly Included 1', 'VVS1'],
  ['Very Slightly Included 1', 'VS1'],
  ['Very Slightly Included 2', 'VS2'],
  ['Slightly Included 1', 'SI1'],
  ['Slightly Included 2', 'SI2'],
  ['Included 1', 'I1'],
  ['Included 2', 'I2'],
  ['Included 3', 'I3'],
  ['VVS-1', 'VVS1'],
  ['VVS-2', 'VVS2'],
  ['VS-1', 'VS1'],
  ['VS-2', 'VS2'],
  ['SI-1', 'SI1'],
  ['SI-2', 'SI2'],
  ['I-1', 'I1'],
  ['I-2', 'I2'],
  ['I-3', 'I3'],
  // Some European labs print the included grades as P (piqué).
  ['P1', 'I1'],
  ['P2', 'I2'],
  ['P3', 'I3'],
];

const vocabulary = defineVocabulary({
  expected: 'a clarity grade such as VS2, VVS-1 or Internally Flawless',
  codes: clarityCodes,
  table: clarityTable,
  printed: {
    FL: 'Flawless',
    IF: 'Internally Flawless',
    VVS1: 'VVS1',
    VVS2: 'VVS2',
    VS1: 'VS1',
    VS2: 'VS2',
    SI1: 'SI1',
    SI2: 'SI2',
    I1: 'I1',
    I2: 'I2',
    I3: 'I3',
  },
});

/** Reads a printed clarity grade ("VVS-1", "vs2", "Internally Flawless"); throws MappingError otherwise. */
export function parseClarity(value: unknown, pointer: string): ClarityGrade {
  return vocabulary.parse(value, pointer);
}

/** The clarity grade as GIA prints it: "Flawless", "Internally Flawless", otherwise the code ("VS2"). */
export function printClarity(code: ClarityGrade): string {
  return vocabulary.print(code);
}
