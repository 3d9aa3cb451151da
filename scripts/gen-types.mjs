// Generates src/types/diamond.ts from schemas/diamond.schema.json. Run with `npm run gen:types`; the
// test test/schema/types-drift.test.ts calls generateDiamondTypes() and fails when the committed file differs.
import { readFile, writeFile } from 'node:fs/promises';
import process from 'node:process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compile } from 'json-schema-to-typescript';
import prettier from 'prettier';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the schema is read from and the types are written to. */
export const paths = {
  schema: join(root, 'schemas', 'diamond.schema.json'),
  types: join(root, 'src', 'types', 'diamond.ts'),
};

const banner = `/**
 * Generated from schemas/diamond.schema.json by scripts/gen-types.mjs: do not edit by hand.
 * After changing the schema, regenerate with \`npm run gen:types\`.
 */`;

/**
 * Answers the text of src/types/diamond.ts for the schema on disk, formatted with the repository's
 * prettier settings so that formatting is never mistaken for drift.
 * @returns {Promise<string>}
 */
export async function generateDiamondTypes() {
  const schema = JSON.parse(await readFile(paths.schema, 'utf8'));
  const source = await compile(wrapDescribedRefs(schema), 'DiamondRecord', {
    bannerComment: banner,
    additionalProperties: false,
    // Arrays stay T[]: a `minItems: 1` tuple type helps nobody who builds records in code.
    ignoreMinAndMaxItems: true,
    unknownAny: true,
    format: false,
    // Only the record's own types: $defs nobody references would be noise.
    unreachableDefinitions: false,
  });
  const options = (await prettier.resolveConfig(paths.types)) ?? {};
  return prettier.format(source, { ...options, filepath: paths.types });
}

/**
 * A property such as \`{ "$ref": "#/$defs/orgName", "description": "Who received the stone" }\` would make
 * json-schema-to-typescript mint a numbered alias (OrgName3) per description. Wrapping the reference in a
 * one-member allOf keeps the shared type's name and puts the property's description on the property.
 */
function wrapDescribedRefs(node) {
  if (Array.isArray(node)) return node.map(wrapDescribedRefs);
  if (node === null || typeof node !== 'object') return node;
  const copy = Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, wrapDescribedRefs(value)]),
  );
  if (typeof copy.$ref === 'string' && typeof copy.description === 'string') {
    const { $ref, ...rest } = copy;
    return { ...rest, allOf: [{ $ref }] };
  }
  return copy;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await writeFile(paths.types, await generateDiamondTypes());
  process.stdout.write(`wrote ${paths.types}\n`);
}
