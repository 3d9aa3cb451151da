import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';
import { packageRoot } from '../../src/package-root.js';

interface GenTypes {
  generateDiamondTypes: () => Promise<string>;
  paths: { schema: string; types: string };
}

test('src/types/diamond.ts is what npm run gen:types generates from the schema', async () => {
  const script = pathToFileURL(join(packageRoot, 'scripts', 'gen-types.mjs')).href;
  const { generateDiamondTypes, paths } = (await import(script)) as GenTypes;
  const committed = await readFile(paths.types, 'utf8');
  // On failure: run `npm run gen:types` and commit src/types/diamond.ts with the schema change.
  expect(await generateDiamondTypes()).toBe(committed);
});

test('the generated types name the record and its parts after the schema titles', async () => {
  const types = await readFile(join(packageRoot, 'src', 'types', 'diamond.ts'), 'utf8');
  for (const name of [
    'DiamondRecord',
    'PolishedColor',
    'DZColor',
    'FancyColor',
    'Measurements',
    'CustodyEvent',
  ]) {
    expect(types).toMatch(new RegExp(`export (type|interface) ${name}\\b`));
  }
  expect(types).not.toMatch(/export type \w+\d+ =/);
});
