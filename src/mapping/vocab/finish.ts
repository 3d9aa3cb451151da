import type { FinishGrade } from '../../types/diamond.js';
import { defineVocabulary } from './table.js';

/** Cut, polish and symmetry grades, best first. */
export const finishCodes: readonly FinishGrade[] = ['EX', 'VG', 'G', 'F', 'P'];

/** Printed cut, polish and symmetry grades, as reports and trading platforms write them. */
export const finishTable: readonly (readonly [string, FinishGrade])[] = [
  ['Excellent', 'EX'],
  ['Ex.', 'EX'],
  ['Exc', 'EX'],
  ['Very Good', 'VG'],
  ['V.G.', 'VG'],
  ['Good', 'G'],
  ['GD', 'G'],
  ['Fair', 'F'],
  ['FR', 'F'],
  ['Poor', 'P'],
  ['PR', 'P'],
];

const vocabulary = defineVocabulary({
  expected: 'a cut, polish or symmetry grade: Excellent, Very Good, Good, Fair or Poor (EX, VG, G, F, P)',
  codes: finishCodes,
  table: finishTable,
  printed: { EX: 'Excellent', VG: 'Very Good', G: 'Good', F: 'Fair', P: 'Poor' },
});

/** Reads a printed cut, polish or symmetry grade ("Excellent", "Ex.", "V.G."); throws MappingError otherwise. */
export function parseFinish(value: unknown, pointer: string): FinishGrade {
  return vocabulary.parse(value, pointer);
}

/** The grade as GIA prints it: "Excellent", "Very Good", "Good", "Fair", "Poor". */
export function printFinish(code: FinishGrade): string {
  return vocabulary.print(code);
}
