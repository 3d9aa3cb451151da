import { describe, expect, test } from 'vitest';
import { LossReport } from '../../src/mapping/loss.js';
import {
  otherCuttingStyles,
  parseShape,
  printShape,
  shapeCodes,
  shapeTable,
} from '../../src/mapping/vocab/shape.js';
import { mappingError } from './support.js';

describe('shape', () => {
  test.each(shapeTable)('reads %j as %s', (printed, code) => {
    expect(parseShape(printed, '/shape')).toBe(code);
  });

  test.each(shapeCodes)('%s round-trips through the cutting style GIA prints for it', (code) => {
    expect(parseShape(code, '/shape')).toBe(code);
    expect(parseShape(printShape(code), '/shape')).toBe(code);
  });

  test.each([
    ['Round Brilliant', 'round'],
    ['Emerald Cut', 'emerald'],
    ['Cut-Cornered Rectangular Modified Brilliant', 'radiant'],
    ['Cut-Cornered Square Modified Brilliant', 'radiant'],
    ['Square Modified Brilliant', 'princess'],
    ['Square Emerald Cut', 'asscher'],
    ['Pear Brilliant', 'pear'],
    ['Oval Brilliant', 'oval'],
    ['Marquise Brilliant', 'marquise'],
    ['Heart Brilliant', 'heart'],
    ['Cushion Brilliant', 'cushion'],
    ['Cushion Modified Brilliant', 'cushion'],
    ['Triangular Brilliant', 'trilliant'],
    ['Tapered Baguette', 'baguette'],
    ['Straight Baguette', 'baguette'],
    ['Princess', 'princess'],
    ['Asscher', 'asscher'],
    ['Radiant', 'radiant'],
    ['round brilliant', 'round'],
  ])('reads GIA style or trade name %j as %s', (printed, code) => {
    expect(parseShape(printed, '/results/shape_and_cutting_style')).toBe(code);
  });

  test.each(otherCuttingStyles.filter((style) => style !== 'Other'))(
    'maps the style %j to other and records that its name was lost',
    (style) => {
      const loss = new LossReport();
      expect(parseShape(style, '/results/shape_and_cutting_style', loss)).toBe('other');
      expect(loss.entries).toEqual([
        expect.objectContaining({
          pointer: '/results/shape_and_cutting_style',
          kind: 'dropped',
          from: style,
        }),
      ]);
    },
  );

  test('"Other" itself loses nothing', () => {
    const loss = new LossReport();
    expect(parseShape('Other', '/shape', loss)).toBe('other');
    expect(loss.entries).toEqual([]);
  });

  test('an unknown shape names the field and the value', () => {
    const error = mappingError(() => parseShape('Star Brilliant', '/results/shape_and_cutting_style'));
    expect([error.pointer, error.value]).toEqual(['/results/shape_and_cutting_style', 'Star Brilliant']);
  });
});
