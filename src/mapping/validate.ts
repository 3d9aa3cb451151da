import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type AnySchemaObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { packageRoot } from '../package-root.js';
import type { DiamondRecord } from '../types/diamond.js';
import { hasAtMostThreeDecimals } from './units.js';
import { describeErrors, type SchemaValidator, type ValidationIssue } from './validation-messages.js';
import { isCountryCode } from './vocab/country.js';

export { formatIssue, type ValidationIssue } from './validation-messages.js';

/** The answer of {@link validateDiamond}: the typed record, or every problem found in it. */
export type DiamondValidation =
  { valid: true; record: DiamondRecord } | { valid: false; errors: ValidationIssue[] };

/** Where the canonical record's schema ships: `schemas/` beside package.json, in source and installed trees alike. */
export const diamondSchemaPath: string = join(packageRoot, 'schemas', 'diamond.schema.json');

interface Compiled {
  schema: AnySchemaObject;
  validate: ValidateFunction<DiamondRecord>;
  validator: SchemaValidator;
}

// Compiling the schema costs milliseconds; validating a record costs microseconds. Compile once, on first use.
let compiled: Compiled | undefined;

/**
 * The canonical record's JSON Schema (2020-12), as loaded and compiled: the source for the OpenAPI document
 * and the docs. It is deeply frozen because the compiled validator shares it; clone it to change it.
 */
export function diamondSchema(): Readonly<AnySchemaObject> {
  return load().schema;
}

/**
 * Validates a canonical record against the schema and the rules a schema cannot state (events in time order,
 * a stone that is not its own parent). Collects every problem, each as a JSON pointer and a sentence.
 */
export function validateDiamond(value: unknown): DiamondValidation {
  const { validate, validator } = load();
  if (!validate(value)) return { valid: false, errors: describeErrors(validate.errors ?? [], validator) };
  const errors = recordRules(value);
  return errors.length > 0 ? { valid: false, errors } : { valid: true, record: value };
}

function load(): Compiled {
  if (compiled) return compiled;
  const schema = deepFreeze(JSON.parse(readFileSync(diamondSchemaPath, 'utf8')) as AnySchemaObject);
  // verbose: errors carry the offending data and schema, which the messages quote.
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
  });
  addFormatsPlugin.default(ajv);
  // Formats rather than custom keywords: a validator that does not know them still reads the schema.
  ajv.addFormat('thousandths', { type: 'number', validate: hasAtMostThreeDecimals });
  ajv.addFormat('iso3166-alpha2', { type: 'string', validate: isCountryCode });
  ajv.addSchema(schema);
  const id = String(schema.$id);
  const validate = ajv.getSchema<DiamondRecord>(id);
  if (!validate) throw new Error(`[tracebridge] schema ${id} did not compile`);
  const validator: SchemaValidator = {
    root: schema,
    validateAt(ref, data) {
      const check = ajv.getSchema(`${id}${ref}`);
      if (!check) throw new Error(`[tracebridge] no schema at ${ref}`);
      return check(data) ? [] : (check.errors ?? []);
    },
  };
  compiled = { schema, validate, validator };
  return compiled;
}

function recordRules(record: DiamondRecord): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  let previous: { at: string; time: number } | undefined;
  record.events?.forEach((event, index) => {
    const time = Date.parse(event.at);
    if (previous && time < previous.time) {
      issues.push({
        pointer: `/events/${index}/at`,
        message: `events must be in time order, oldest first: ${event.at} is earlier than the event before it (${previous.at})`,
      });
    }
    previous = { at: event.at, time };
  });
  if (record.id !== undefined && record.lineage?.parentId === record.id) {
    issues.push({
      pointer: '/lineage/parentId',
      message: `a stone cannot be its own parent (got "${record.id}")`,
    });
  }
  const selfChild = record.lineage?.childIds?.indexOf(record.id ?? '') ?? -1;
  if (selfChild >= 0) {
    issues.push({
      pointer: `/lineage/childIds/${selfChild}`,
      message: `a stone cannot be its own child (got "${record.id}")`,
    });
  }
  return issues;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}
