import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type AnySchemaObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { packageRoot } from '../package-root.js';
import type { DiamondRecord } from '../types/diamond.js';
import { isCalendarDate } from './parse.js';
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
  /** Stops at the first problem: most records are valid, and proving it need not collect anything. */
  check: ValidateFunction<DiamondRecord>;
  /** Collects every problem, for the records `check` refused. */
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
  const { check, validate, validator } = load();
  // `check` may refuse a record the full validator accepts (see load()), never the other way round.
  if (!check(value) && !validate(value)) {
    return { valid: false, errors: describeErrors(validate.errors ?? [], validator) };
  }
  const errors = recordRules(value);
  return errors.length > 0 ? { valid: false, errors } : { valid: true, record: value };
}

function load(): Compiled {
  if (compiled) return compiled;
  const schema = deepFreeze(JSON.parse(readFileSync(diamondSchemaPath, 'utf8')) as AnySchemaObject);
  // verbose: errors carry the offending data and schema, which the messages quote.
  const ajv = schemaCompiler(schema, { allErrors: true, verbose: true });
  const id = String(schema.$id);
  const validate = ajv.getSchema<DiamondRecord>(id);
  // The first check counts string lengths in UTF-16 units rather than code points, which is cheaper: with
  // every minLength at most 1 it can only refuse more than the full validator (a long string of emoji), and
  // the full validator then has the last word.
  const check = schemaCompiler(schema, {
    allErrors: false,
    verbose: false,
    unicode: !minLengthsAtMostOne(schema),
  }).getSchema<DiamondRecord>(id);
  if (!validate || !check) throw new Error(`[tracebridge] schema ${id} did not compile`);
  const validator: SchemaValidator = {
    root: schema,
    validateAt(ref, data) {
      const check = ajv.getSchema(`${id}${ref}`);
      if (!check) throw new Error(`[tracebridge] no schema at ${ref}`);
      return check(data) ? [] : (check.errors ?? []);
    },
  };
  compiled = { schema, check, validate, validator };
  return compiled;
}

function schemaCompiler(
  schema: AnySchemaObject,
  options: { allErrors: boolean; verbose: boolean; unicode?: boolean },
): Ajv2020 {
  const ajv = new Ajv2020({
    ...options,
    strict: true,
    strictTypes: false,
    strictRequired: false,
    logger: firstPassLogger,
  });
  addFormatsPlugin.default(ajv);
  // Formats rather than custom keywords: a validator that does not know them still reads the schema.
  ajv.addFormat('thousandths', { type: 'number', validate: hasAtMostThreeDecimals });
  ajv.addFormat('iso3166-alpha2', { type: 'string', validate: isCountryCode });
  // The same dates as ajv-formats' `date`, without its regular expression.
  ajv.addFormat('date', { type: 'string', validate: isCalendarDate });
  ajv.addSchema(schema);
  return ajv;
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

// Ajv calls `unicode: false` deprecated, since lengths should count characters; the first pass counts
// UTF-16 units on purpose (see load()), so that one notice is not printed by every process. Every other
// message goes to the console as Ajv's own logger would send it.
const firstPassLogger = {
  log: (...args: unknown[]) => console.log(...args),
  warn: (...args: unknown[]) => {
    if (!String(args[0]).startsWith('DEPRECATED: option unicode')) console.warn(...args);
  },
  error: (...args: unknown[]) => console.error(...args),
};

function minLengthsAtMostOne(schema: unknown): boolean {
  if (schema === null || typeof schema !== 'object') return true;
  const { minLength } = schema as { minLength?: unknown };
  if (typeof minLength === 'number' && minLength > 1) return false;
  return Object.values(schema).every(minLengthsAtMostOne);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}
