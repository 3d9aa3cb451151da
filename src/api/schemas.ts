import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type AnySchemaObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { hasAtMostThreeDecimals } from '../mapping/units.js';
import { diamondSchema } from '../mapping/validate.js';
import { isCountryCode } from '../mapping/vocab/country.js';
import { packageRoot } from '../package-root.js';
import type { FieldProblem } from './problem.js';

/**
 * The request and response schemas of the HTTP API: `schemas/api/*.schema.json` plus the canonical record's
 * schema, compiled once when the app is built. The same files feed the OpenAPI document, so what the API
 * checks and what it documents cannot drift apart.
 */

/** The folder holding the API's schemas. */
export const apiSchemaDir: string = join(packageRoot, 'schemas', 'api');

/** A schema by its file stem (`lookup-answer`), or `diamond` for the canonical record. */
export type SchemaName = string;

/** The compiled schemas. */
export interface ApiSchemas {
  /** Every schema by name, as loaded (frozen where shared with the compiler). */
  readonly byName: ReadonlyMap<SchemaName, Readonly<AnySchemaObject>>;
  /** Checks `value` against the named schema; answers the problems, empty when valid. */
  check(name: SchemaName, value: unknown): FieldProblem[];
}

let loaded: ApiSchemas | undefined;

/** Loads and compiles the API schemas on first use; later calls share the compiled validators. */
export function apiSchemas(): ApiSchemas {
  loaded ??= compile();
  return loaded;
}

function compile(): ApiSchemas {
  const byName = new Map<SchemaName, Readonly<AnySchemaObject>>([['diamond', diamondSchema()]]);
  for (const file of readdirSync(apiSchemaDir)
    .filter((f) => f.endsWith('.schema.json'))
    .sort()) {
    const schema = JSON.parse(readFileSync(join(apiSchemaDir, file), 'utf8')) as AnySchemaObject;
    byName.set(file.replace(/\.schema\.json$/, ''), schema);
  }
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  addFormatsPlugin.default(ajv);
  ajv.addFormat('thousandths', { type: 'number', validate: hasAtMostThreeDecimals });
  ajv.addFormat('iso3166-alpha2', { type: 'string', validate: isCountryCode });
  for (const schema of byName.values()) ajv.addSchema(schema);
  const validators = new Map<SchemaName, ValidateFunction>();
  for (const [name, schema] of byName) {
    const validate = ajv.getSchema(String(schema.$id));
    if (!validate) throw new Error(`[tracebridge] [api] schema ${name} did not compile`);
    validators.set(name, validate);
  }
  return {
    byName,
    check(name, value) {
      const validate = validators.get(name);
      if (!validate) throw new Error(`[tracebridge] [api] no schema named ${name} in ${apiSchemaDir}`);
      if (validate(value)) return [];
      return (validate.errors ?? []).slice(0, 20).map((error) => ({
        pointer: error.instancePath,
        message:
          error.keyword === 'additionalProperties'
            ? `unknown field ${JSON.stringify((error.params as { additionalProperty: string }).additionalProperty)}`
            : (error.message ?? 'is not valid'),
      }));
    },
  };
}
