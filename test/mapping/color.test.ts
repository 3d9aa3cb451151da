import { describe, expect, test } from 'vitest';
import {
  dzGradeCodes,
  dzGradeTable,
  fancyIntensityCodes,
  fancyIntensityTable,
  hueWords,
  parseColor,
  parseDZGrade,
  parseFancyColor,
  parseFancyIntensity,
  parseHue,
  printColor,
  printDZGrade,
  printFancyIntensity,
} from '../../src/mapping/vocab/color.js';
import { mappingError } from './support.js';

describe('D-to-Z colour', () => {
  test.each(dzGradeTable)('reads %j as %s', (printed, code) => {
    expect(parseDZGrade(printed, '/color')).toBe(code);
  });

  test.each(dzGradeCodes)('%s round-trips through its printed form', (code) => {
    expect(parseDZGrade(code, '/color')).toBe(code);
    expect(parseDZGrade(printDZGrade(code), '/color')).toBe(code);
    expect(parseColor(printColor({ scale: 'DZ', grade: code }), '/color')).toEqual({
      scale: 'DZ',
      grade: code,
    });
  });

  test.each([
    ['E', 'E'],
    ['e', 'E'],
    ['N', 'N'],
    ['O-P', 'OP'],
    ['W to X', 'WX'],
    ['Y-Z', 'YZ'],
    ['s - t', 'ST'],
  ])('reads the printed grade %j as %s', (printed, code) => {
    expect(parseColor(printed, '/results/color_grade')).toEqual({ scale: 'DZ', grade: code });
  });

  test('a letter GIA grades in pairs is refused on its own', () => {
    const error = mappingError(() => parseDZGrade('P', '/results/color_grade'));
    expect([error.pointer, error.value]).toEqual(['/results/color_grade', 'P']);
  });
});

describe('fancy colour', () => {
  test.each(fancyIntensityTable)('reads the intensity %j as %s', (printed, code) => {
    expect(parseFancyIntensity(printed, '/color')).toBe(code);
  });

  test.each(fancyIntensityCodes)('intensity %s round-trips with a hue', (intensity) => {
    expect(printFancyIntensity(intensity)).not.toBe('');
    const color = { scale: 'fancy', intensity, hue: 'pink' } as const;
    expect(parseColor(printColor(color), '/color')).toEqual(color);
  });

  test.each(hueWords)('knows the hue word %j as %s', (printed, canonical, role) => {
    const hue = role === 'hue' ? printed : `${printed} pink`;
    expect(parseHue(hue, '/hue')).toBe(role === 'hue' ? canonical : `${canonical} pink`);
  });

  test.each([
    ['Fancy Intense Yellow', 'INT', 'yellow'],
    ['Fancy Light Brownish Pink', 'FLT', 'brownish pink'],
    ['Fancy Vivid Purplish Pink', 'VIV', 'purplish pink'],
    ['Fancy Yellow', 'FAN', 'yellow'],
    ['Light Pink', 'LIT', 'pink'],
    ['Very Light Blue', 'VLT', 'blue'],
    ['Faint Green', 'FNT', 'green'],
    ['Fancy Deep Brownish Greenish Yellow', 'FDP', 'brownish greenish yellow'],
    ['Fancy Dark Gray-Blue', 'FDK', 'gray-blue'],
    ['Fancy Grey', 'FAN', 'gray'],
    ['Fancy Intense Orangy Yellow', 'INT', 'orangy yellow'],
    ['Fancy Dark Grayish Yellowish Green (Chameleon)', 'FDK', 'grayish yellowish green chameleon'],
  ])('reads %j', (printed, intensity, hue) => {
    expect(parseFancyColor(printed, '/results/color_grade')).toEqual({ scale: 'fancy', intensity, hue });
    expect(parseColor(printed, '/results/color_grade')).toEqual({ scale: 'fancy', intensity, hue });
  });

  test('prints the grade with each hue word capitalised, hyphens kept', () => {
    expect(printColor({ scale: 'fancy', intensity: 'VIV', hue: 'purplish pink' })).toBe(
      'Fancy Vivid Purplish Pink',
    );
    expect(printColor({ scale: 'fancy', intensity: 'FDK', hue: 'gray-blue' })).toBe('Fancy Dark Gray-Blue');
  });

  test.each(['Fancy Pinkish', 'Fancy Sparkly Pink', 'Fancy', 'Intense Yellow', 'Z', ''])(
    'refuses %j, naming the field and the value',
    (printed) => {
      const error = mappingError(() => parseColor(printed, '/results/color_grade'));
      expect([error.pointer, error.value]).toEqual(['/results/color_grade', printed]);
      expect(error.message).toMatch(/expected a colour grade such as E, O-P or Fancy Intense Yellow/);
    },
  );
});
