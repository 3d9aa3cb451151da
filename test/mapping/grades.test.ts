import { describe, expect, test } from 'vitest';
import { clarityCodes, clarityTable, parseClarity, printClarity } from '../../src/mapping/vocab/clarity.js';
import { finishCodes, finishTable, parseFinish, printFinish } from '../../src/mapping/vocab/finish.js';
import {
  fluorescenceColorCodes,
  fluorescenceColorTable,
  fluorescenceIntensityCodes,
  fluorescenceIntensityTable,
  parseFluorescence,
  parseFluorescenceColor,
  parseFluorescenceIntensity,
  printFluorescence,
} from '../../src/mapping/vocab/fluorescence.js';
import { vocabKey } from '../../src/mapping/vocab/table.js';
import { mappingError } from './support.js';

describe('clarity', () => {
  test.each(clarityTable)('reads %j as %s', (printed, code) => {
    expect(parseClarity(printed, '/clarity')).toBe(code);
    expect(parseClarity(printed.toUpperCase(), '/clarity')).toBe(code);
  });

  test.each(clarityCodes)('%s round-trips through its printed form', (code) => {
    expect(parseClarity(code, '/clarity')).toBe(code);
    expect(parseClarity(printClarity(code), '/clarity')).toBe(code);
  });

  test.each([
    ['VVS-1', 'VVS1'],
    ['vvs1', 'VVS1'],
    ['vs2', 'VS2'],
    ['SI 1', 'SI1'],
    ['Internally Flawless', 'IF'],
    ['Included 1', 'I1'],
  ])('reads the printed form %j as %s', (printed, code) => {
    expect(parseClarity(printed, '/results/clarity_grade')).toBe(code);
  });

  test('prints the two top grades in words and the rest as codes, as GIA does', () => {
    expect(clarityCodes.map(printClarity)).toEqual([
      'Flawless', 'Internally Flawless', 'VVS1', 'VVS2', 'VS1', 'VS2', 'SI1', 'SI2', 'I1', 'I2', 'I3',
    ]); // prettier-ignore
  });

  test('an unknown clarity names the field and the value', () => {
    const error = mappingError(() => parseClarity('VVS3', '/results/clarity_grade'));
    expect(error.pointer).toBe('/results/clarity_grade');
    expect(error.value).toBe('VVS3');
    expect(error.message).toMatch(
      /^\/results\/clarity_grade: cannot understand "VVS3"; expected a clarity grade/,
    );
  });

  test('a value that is not a string is refused, not coerced', () => {
    expect(mappingError(() => parseClarity(1, '/clarity')).value).toBe(1);
  });
});

describe('cut, polish and symmetry', () => {
  test.each(finishTable)('reads %j as %s', (printed, code) => {
    expect(parseFinish(printed, '/cut')).toBe(code);
  });

  test.each(finishCodes)('%s round-trips through its printed form', (code) => {
    expect(parseFinish(code, '/cut')).toBe(code);
    expect(parseFinish(printFinish(code), '/cut')).toBe(code);
  });

  test.each([
    ['Excellent', 'EX'],
    ['Ex.', 'EX'],
    ['EX', 'EX'],
    ['Very Good', 'VG'],
    ['V.G.', 'VG'],
    ['very good', 'VG'],
    ['Good', 'G'],
    ['Fair', 'F'],
    ['Poor', 'P'],
  ])('reads %j as %s', (printed, code) => {
    expect(parseFinish(printed, '/results/polish')).toBe(code);
  });

  test('prints grades the way GIA writes them', () => {
    expect(finishCodes.map(printFinish)).toEqual(['Excellent', 'Very Good', 'Good', 'Fair', 'Poor']);
  });

  test('an unknown grade names the field and the value', () => {
    const error = mappingError(() => parseFinish('Ideal', '/results/cut_grade'));
    expect([error.pointer, error.value]).toEqual(['/results/cut_grade', 'Ideal']);
  });
});

describe('fluorescence', () => {
  test.each(fluorescenceIntensityTable)('reads the intensity %j as %s', (printed, code) => {
    expect(parseFluorescenceIntensity(printed, '/f')).toBe(code);
  });

  test.each(fluorescenceColorTable)('reads the colour %j as %s', (printed, code) => {
    expect(parseFluorescenceColor(printed, '/f')).toBe(code);
  });

  test.each(fluorescenceIntensityCodes)('intensity %s round-trips through its printed form', (intensity) => {
    expect(parseFluorescence(printFluorescence({ intensity }), '/f')).toEqual({ intensity });
  });

  test.each(fluorescenceColorCodes)('colour %s round-trips through "Strong <colour>"', (color) => {
    expect(parseFluorescence(printFluorescence({ intensity: 'STG', color }), '/f')).toEqual({
      intensity: 'STG',
      color,
    });
  });

  test.each([
    ['None', { intensity: 'NON' }],
    ['Faint', { intensity: 'FNT' }],
    ['Medium Blue', { intensity: 'MED', color: 'blue' }],
    ['Very Strong Blue', { intensity: 'VST', color: 'blue' }],
    ['strong yellow', { intensity: 'STG', color: 'yellow' }],
    ['Faint, White', { intensity: 'FNT', color: 'white' }],
  ])('reads the whole description %j', (printed, expected) => {
    expect(parseFluorescence(printed, '/results/fluorescence')).toEqual(expected);
  });

  test('prints "Medium Blue" and "None" as GIA does', () => {
    expect(printFluorescence({ intensity: 'MED', color: 'blue' })).toBe('Medium Blue');
    expect(printFluorescence({ intensity: 'NON' })).toBe('None');
  });

  test.each(['None Blue', 'Medium Sparkly', 'Bright', ''])('refuses %j, naming the field', (printed) => {
    const error = mappingError(() => parseFluorescence(printed, '/results/fluorescence'));
    expect([error.pointer, error.value]).toEqual(['/results/fluorescence', printed]);
  });
});

describe('vocabulary keys', () => {
  test('ignore case, accents, spaces and punctuation', () => {
    expect(vocabKey('VVS-1')).toBe(vocabKey('vvs 1'));
    expect(vocabKey('Côte d’Ivoire')).toBe('cotedivoire');
    expect(vocabKey('V.G.')).toBe('vg');
  });
});
