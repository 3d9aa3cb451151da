/** Shared by the EPCIS adapter's tests: GS1's schema and examples, and the fixture stones. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { packageRoot } from '../../../src/package-root.js';
import type { DiamondRecord } from '../../../src/types/diamond.js';
import { standardsDir } from '../../support/standards.js';

/**
 * GS1's EPCIS material: `epcis/` of the standards folder (test/support/standards.ts). The material is GS1's and is never copied in.
 */
export const epcisStandards = join(standardsDir, 'epcis');

// ajv is CommonJS: under nodenext its default export arrives as the module object, the class under `default`.
const ajv = new Ajv.default({ allErrors: true, strict: false });
addFormatsPlugin.default(ajv);
const validateEpcis = ajv.compile(
  JSON.parse(readFileSync(join(epcisStandards, 'EPCIS-JSON-Schema.json'), 'utf8')) as object,
);

/** GS1 schema errors for `document`, as `pointer message` lines; empty when it is valid. */
export function epcisSchemaErrors(document: unknown): string[] {
  return validateEpcis(document)
    ? []
    : (validateEpcis.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

/** GS1's example documents by file name. */
export function gs1Examples(): [string, Record<string, unknown>][] {
  return readdirSync(epcisStandards)
    .filter((name) => name.endsWith('.jsonld'))
    .map((name) => [
      name,
      JSON.parse(readFileSync(join(epcisStandards, name), 'utf8')) as Record<string, unknown>,
    ]);
}

/** Documents in the shapes of GS1's `JSON/` examples, about diamonds, under test/fixtures/epcis/foreign. */
export function foreignFixtures(): [string, Record<string, unknown>][] {
  const dir = join(packageRoot, 'test', 'fixtures', 'epcis', 'foreign');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonld'))
    .map((name) => [name, JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>]);
}

/** A fixture under test/fixtures/epcis. */
export function fixture<T = DiamondRecord>(name: string): T {
  return JSON.parse(readFileSync(join(packageRoot, 'test', 'fixtures', 'epcis', name), 'utf8')) as T;
}

/** The split rough and its three polished stones. */
export function splitFixture(): { rough: DiamondRecord; children: DiamondRecord[] } {
  return fixture('split-rough.json');
}
