import { describe, expect, test } from 'vitest';
import {
  aggregatedOriginTable,
  countryAliases,
  countryName,
  countryTable,
  isCountryCode,
  parseCountry,
} from '../../src/mapping/vocab/country.js';
import { mappingError } from './support.js';

describe('country', () => {
  test.each(countryTable.map(([alpha2, alpha3, name, ...aliases]) => ({ alpha2, alpha3, name, aliases })))(
    '$alpha2 is read from its alpha-2, alpha-3, name and ISO names',
    ({ alpha2, alpha3, name, aliases }) => {
      for (const form of [alpha2, alpha3, name, ...aliases, alpha2.toLowerCase(), name.toUpperCase()]) {
        expect(parseCountry(form, '/origin/country')).toEqual({ country: alpha2 });
      }
      expect(countryName(alpha2)).toBe(name);
      expect(parseCountry(countryName(alpha2), '/origin/country')).toEqual({ country: alpha2 });
      expect(isCountryCode(alpha2)).toBe(true);
    },
  );

  test.each(countryAliases)('reads the alias %j as %s', (alias, alpha2) => {
    expect(parseCountry(alias, '/origin/country')).toEqual({ country: alpha2 });
  });

  test.each([
    ['DRC', 'CD'],
    ['Democratic Republic of the Congo', 'CD'],
    ['Russia', 'RU'],
    ['Russian Federation', 'RU'],
    ['USA', 'US'],
    ['UK', 'GB'],
    ['Ivory Coast', 'CI'],
    ["Côte d'Ivoire", 'CI'],
    ['Cote dIvoire', 'CI'],
    ['Eswatini', 'SZ'],
    ['Swaziland', 'SZ'],
    ['Botswana', 'BW'],
    ['BWA', 'BW'],
  ])('reads %j as %s', (printed, alpha2) => {
    expect(parseCountry(printed, '/origin/country')).toEqual({ country: alpha2 });
  });

  test.each([...aggregatedOriginTable, 'AGGREGATED', 'aggregated', 'mixed'])(
    'reads %j as an aggregated origin',
    (printed) => {
      expect(parseCountry(printed, '/sourceCountry')).toEqual({ aggregated: true });
    },
  );

  test('names the Democratic Republic of the Congo as people write it', () => {
    expect(countryName('CD')).toBe('Democratic Republic of the Congo');
  });

  test.each(['Atlantis', 'ZZ', 'XYZ', ''])('refuses %j, naming the field and the value', (printed) => {
    const error = mappingError(() => parseCountry(printed, '/sourceCountry'));
    expect([error.pointer, error.value]).toEqual(['/sourceCountry', printed]);
  });

  test('knows only assigned codes in capitals', () => {
    expect(isCountryCode('bw')).toBe(false);
    expect(isCountryCode('UK')).toBe(false);
    expect(() => countryName('ZZ')).toThrow(/"ZZ"/);
  });
});
