import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { diamondSchema } from '../../src/mapping/validate.js';
import { clarityCodes } from '../../src/mapping/vocab/clarity.js';
import { dzGradeCodes, fancyIntensityCodes } from '../../src/mapping/vocab/color.js';
import { countryTable } from '../../src/mapping/vocab/country.js';
import { finishCodes } from '../../src/mapping/vocab/finish.js';
import { fluorescenceColorCodes, fluorescenceIntensityCodes } from '../../src/mapping/vocab/fluorescence.js';
import { shapeCodes } from '../../src/mapping/vocab/shape.js';
import { packageRoot } from '../../src/package-root.js';

type Node = Record<string, unknown>;
const schema = diamondSchema() as Node;
const defs = schema.$defs as Record<string, Node>;

/** Every `properties` member anywhere in the schema, with its path. */
function properties(node: unknown, path: string): [string, Node][] {
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node as Node).flatMap(([key, value]) => {
    const here = `${path}/${key}`;
    const own =
      key === 'properties' && !path.endsWith('/properties')
        ? Object.entries(value as Record<string, Node>).map(
            ([name, p]) => [`${here}/${name}`, p] as [string, Node],
          )
        : [];
    return [...own, ...properties(value, here)];
  });
}

describe('the canonical schema', () => {
  test('is JSON Schema 2020-12 with a stable $id and the DiamondRecord title', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('https://tracebridge.dev/schemas/diamond.schema.json');
    expect(schema.title).toBe('DiamondRecord');
  });

  test('describes every property, because the descriptions are the API documentation', () => {
    const undocumented = properties(schema, '#')
      // Conditions of if/then restate properties documented where they are declared.
      .filter(([path]) => !/\/(if|then)\//.test(path))
      .filter(([, property]) => typeof property.description !== 'string' || property.description === '')
      .map(([path]) => path);
    expect(undocumented).toEqual([]);
  });

  test('closes every object except the extensions a platform fills with its own fields', () => {
    const open: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (node === null || typeof node !== 'object') return;
      const n = node as Node;
      if (n.type === 'object' && n.additionalProperties !== false && !path.includes('/extensions')) {
        // sources is a map: its values are closed PlatformSource objects.
        if (!(path.endsWith('/sources') && typeof n.additionalProperties === 'object')) open.push(path);
      }
      for (const [key, value] of Object.entries(n)) walk(value, `${path}/${key}`);
    };
    walk(schema, '#');
    expect(open).toEqual([]);
  });

  test.each([
    ['shape', shapeCodes],
    ['clarity', clarityCodes],
    ['finishGrade', finishCodes],
  ])('enum %s holds exactly the vocabulary codes', (name, codes) => {
    expect(defs[name]?.enum).toEqual(codes);
  });

  test('colour and fluorescence enums hold exactly the vocabulary codes', () => {
    const prop = (def: string, name: string): unknown =>
      (defs[def]?.properties as Record<string, Node>)[name]?.enum;
    expect(prop('dzColor', 'grade')).toEqual(dzGradeCodes);
    expect(prop('fancyColor', 'intensity')).toEqual(fancyIntensityCodes);
    expect(prop('fluorescence', 'intensity')).toEqual(fluorescenceIntensityCodes);
    expect(prop('fluorescence', 'color')).toEqual(fluorescenceColorCodes);
  });

  test('the country table is all 249 ISO 3166-1 codes, each alpha-2 and alpha-3 once', () => {
    expect(countryTable).toHaveLength(249);
    expect(new Set(countryTable.map(([alpha2]) => alpha2)).size).toBe(249);
    expect(new Set(countryTable.map(([, alpha3]) => alpha3)).size).toBe(249);
    for (const [alpha2, alpha3] of countryTable) {
      expect(alpha2).toMatch(/^[A-Z]{2}$/);
      expect(alpha3).toMatch(/^[A-Z]{3}$/);
    }
  });

  test('the fixtures folder holds the valid examples this suite checks', () => {
    const files = readdirSync(join(packageRoot, 'test', 'fixtures', 'canonical'));
    expect(files).toEqual(expect.arrayContaining(['rough.json', 'polished.json', 'polished-fancy.json']));
    for (const file of files)
      JSON.parse(readFileSync(join(packageRoot, 'test', 'fixtures', 'canonical', file), 'utf8'));
  });
});
