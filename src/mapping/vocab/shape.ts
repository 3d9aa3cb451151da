import type { Shape } from '../../types/diamond.js';
import type { LossReport } from '../loss.js';
import { defineVocabulary, vocabKey } from './table.js';

/** Canonical shapes (DESIGN.md section 3). */
export const shapeCodes: readonly Shape[] = [
  'round',
  'princess',
  'cushion',
  'oval',
  'emerald',
  'asscher',
  'radiant',
  'pear',
  'marquise',
  'heart',
  'baguette',
  'trilliant',
  'other',
];

/**
 * Cutting styles that are real and recognised but have no canonical shape. They map to `other`, and the
 * parser records the loss so the exact style is kept in the platform's extensions.
 */
export const otherCuttingStyles: readonly string[] = [
  'Other',
  'Irregular',
  'Old European Brilliant',
  'Old Mine Brilliant',
  'Rose Cut',
  'Briolette',
  'Shield Step Cut',
  'Shield Brilliant',
  'Kite Step Cut',
  'Kite Brilliant',
  'Half Moon Step Cut',
  'Trapezoid Step Cut',
  'Hexagonal Step Cut',
  'Octagonal Step Cut',
  'Bullet Step Cut',
];

/**
 * GIA's `shape_and_cutting_style` strings and trade names. GIA names a shape by outline and facet style:
 * a radiant is a "Cut-Cornered Rectangular (or Square) Modified Brilliant", a princess a "Square (or
 * Rectangular) Modified Brilliant", an Asscher a "Square Emerald Cut".
 */
export const shapeTable: readonly (readonly [string, Shape])[] = [
  ['Round Brilliant', 'round'],
  ['Round', 'round'],
  ['RB', 'round'],
  ['BR', 'round'],
  ['RD', 'round'],
  ['Square Modified Brilliant', 'princess'],
  ['Rectangular Modified Brilliant', 'princess'],
  ['Princess', 'princess'],
  ['Princess Cut', 'princess'],
  ['PR', 'princess'],
  ['Cushion Brilliant', 'cushion'],
  ['Cushion Modified Brilliant', 'cushion'],
  ['Cushion', 'cushion'],
  ['CU', 'cushion'],
  ['Oval Brilliant', 'oval'],
  ['Oval Modified Brilliant', 'oval'],
  ['Oval', 'oval'],
  ['OV', 'oval'],
  ['Emerald Cut', 'emerald'],
  ['Emerald', 'emerald'],
  ['EM', 'emerald'],
  ['Square Emerald Cut', 'asscher'],
  ['Asscher', 'asscher'],
  ['Asscher Cut', 'asscher'],
  ['Royal Asscher', 'asscher'],
  ['AS', 'asscher'],
  ['Cut-Cornered Rectangular Modified Brilliant', 'radiant'],
  ['Cut-Cornered Square Modified Brilliant', 'radiant'],
  ['Radiant', 'radiant'],
  ['Radiant Cut', 'radiant'],
  ['RA', 'radiant'],
  ['Pear Brilliant', 'pear'],
  ['Pear Modified Brilliant', 'pear'],
  ['Pear', 'pear'],
  ['PS', 'pear'],
  ['Marquise Brilliant', 'marquise'],
  ['Marquise Modified Brilliant', 'marquise'],
  ['Marquise', 'marquise'],
  ['MQ', 'marquise'],
  ['Heart Brilliant', 'heart'],
  ['Heart Modified Brilliant', 'heart'],
  ['Heart', 'heart'],
  ['HS', 'heart'],
  ['Tapered Baguette', 'baguette'],
  ['Straight Baguette', 'baguette'],
  ['Baguette', 'baguette'],
  ['BG', 'baguette'],
  ['Triangular Brilliant', 'trilliant'],
  ['Triangular Modified Brilliant', 'trilliant'],
  ['Trilliant', 'trilliant'],
  ['Trillion', 'trilliant'],
  ['TR', 'trilliant'],
  ...otherCuttingStyles.map((style) => [style, 'other'] as const),
];

const vocabulary = defineVocabulary({
  expected:
    'a shape such as Round Brilliant, Emerald Cut, Princess or Cut-Cornered Rectangular Modified Brilliant',
  codes: shapeCodes,
  table: shapeTable,
  printed: {
    round: 'Round Brilliant',
    princess: 'Square Modified Brilliant',
    cushion: 'Cushion Brilliant',
    oval: 'Oval Brilliant',
    emerald: 'Emerald Cut',
    asscher: 'Square Emerald Cut',
    radiant: 'Cut-Cornered Rectangular Modified Brilliant',
    pear: 'Pear Brilliant',
    marquise: 'Marquise Brilliant',
    heart: 'Heart Brilliant',
    baguette: 'Straight Baguette',
    trilliant: 'Triangular Brilliant',
    other: 'Other',
  },
});

/**
 * Reads a shape from a cutting style or trade name. A style that maps to `other` loses its name, so when a
 * loss report is given the parser records what was lost.
 */
export function parseShape(value: unknown, pointer: string, loss?: LossReport): Shape {
  const shape = vocabulary.parse(value, pointer);
  if (shape === 'other' && typeof value === 'string' && vocabKey(value) !== 'other') {
    loss?.dropped(
      pointer,
      value,
      `cutting style ${JSON.stringify(value)} has no canonical shape: recorded as other, keep the style in extensions`,
    );
  }
  return shape;
}

/** The shape a name means, or undefined when it names none (GIA's "Square" outline group). */
export function findShape(value: unknown): Shape | undefined {
  return vocabulary.find(value);
}

/** The shape as GIA prints `shape_and_cutting_style` for it ("Round Brilliant", "Square Emerald Cut"). */
export function printShape(shape: Shape): string {
  return vocabulary.print(shape);
}
