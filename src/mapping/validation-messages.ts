/**
 * Turns Ajv's errors into one message per problem that a person can act on: which field, what was
 * expected, what was given. The noise of `oneOf` (every branch's failures) and `if`/`then` (a "must match
 * then schema" per condition) collapses into the one message that applies.
 */
import type { AnySchemaObject, ErrorObject } from 'ajv/dist/2020.js';

/** One problem with a record: the JSON pointer of the field ('' for the whole record) and what is wrong. */
export interface ValidationIssue {
  pointer: string;
  message: string;
}

/** What {@link describeErrors} needs from the compiled schema. */
export interface SchemaValidator {
  root: AnySchemaObject;
  /** Validates data against the schema at a fragment of the root (`#/$defs/dzColor`); answers Ajv's errors. */
  validateAt(ref: string, data: unknown): ErrorObject[];
}

/** An issue as one line: `/polished/clarity: must be one of FL, IF, ... (got "VVS-1")`. */
export function formatIssue(issue: ValidationIssue): string {
  return `${issue.pointer || '/'}: ${issue.message}`;
}

const formatMessages: Record<string, string> = {
  date: 'must be a date as YYYY-MM-DD',
  'date-time': 'must be a date-time with a UTC offset, e.g. 2024-03-01T09:30:00Z',
  thousandths: 'must have at most 3 decimals',
  'iso3166-alpha2': 'must be an assigned ISO 3166-1 alpha-2 country code, e.g. BW',
};

/** Describes Ajv's errors for one validation, in the order Ajv found them. */
export function describeErrors(
  errors: readonly ErrorObject[],
  validator: SchemaValidator,
): ValidationIssue[] {
  const oneOfPointers = errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath);
  // Everything at or under a failed oneOf came from its branches; the oneOf error speaks for them.
  const within = (pointer: string, root: string): boolean =>
    pointer === root || pointer.startsWith(`${root}/`);
  const issues: ValidationIssue[] = [];
  for (const error of errors) {
    // `if` only says a `then` failed, and a propertyNames failure repeats its inner pattern error.
    if (error.keyword === 'if' || (error.keyword !== 'propertyNames' && 'propertyName' in error)) continue;
    if (error.keyword === 'oneOf') {
      issues.push(...describeOneOf(error, validator));
      continue;
    }
    if (oneOfPointers.some((root) => within(error.instancePath, root))) continue;
    const issue = describe(error, validator.root);
    // A value failing both its pattern and its format needs only the first of the two messages.
    if (
      issues.some((seen) => seen.pointer === issue.pointer && ['pattern', 'format'].includes(error.keyword))
    )
      continue;
    issues.push(issue);
  }
  return issues;
}

function describe(error: ErrorObject, root: AnySchemaObject): ValidationIssue {
  const { instancePath: pointer, params, data } = error;
  const got = ` (got ${show(data)})`;
  const condition = conditionOf(error.schemaPath, root);
  switch (error.keyword) {
    case 'required':
      return {
        pointer: `${pointer}/${escape(String(params.missingProperty))}`,
        message: `is required${condition}`,
      };
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema?.properties ?? {}) as object);
      const near = known.find((name) => distance(name, field) <= 2);
      return { pointer, message: `unknown field '${field}'${near ? ` (did you mean '${near}'?)` : ''}` };
    }
    case 'false schema':
      return { pointer, message: `is not allowed${condition || ' here'}` };
    case 'enum':
      return { pointer, message: `must be one of ${(params.allowedValues as unknown[]).join(', ')}${got}` };
    case 'const':
      return { pointer, message: `must be ${show(params.allowedValue)}${got}` };
    case 'type':
      return { pointer, message: `must be ${withArticle(String(params.type))}${got}` };
    case 'pattern': {
      const example = (error.parentSchema?.examples as unknown[] | undefined)?.[0];
      const hint = example === undefined ? '' : `, e.g. ${show(example)}`;
      return { pointer, message: `must match ${String(params.pattern)}${hint}${got}` };
    }
    case 'format':
      return {
        pointer,
        message: `${formatMessages[String(params.format)] ?? `must be a ${String(params.format)}`}${got}`,
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { pointer, message: `must be ${String(params.comparison)} ${String(params.limit)}${got}` };
    case 'minLength':
      return {
        pointer,
        message:
          params.limit === 1 ? 'must not be empty' : `must be at least ${params.limit} characters${got}`,
      };
    case 'maxLength':
      return { pointer, message: `must be at most ${String(params.limit)} characters long` };
    case 'minItems':
      return {
        pointer,
        message: `must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`,
      };
    case 'uniqueItems':
      return {
        pointer,
        message: `must not repeat items (items ${String(params.j)} and ${String(params.i)} are equal)`,
      };
    case 'propertyNames': {
      const names = error.parentSchema?.propertyNames as AnySchemaObject | undefined;
      const pattern = resolve(String(names?.$ref ?? ''), root).pattern as string | undefined;
      return {
        pointer: `${pointer}/${escape(String(params.propertyName))}`,
        message: `is not an allowed field name${pattern ? `: names must match ${pattern}` : ''}`,
      };
    }
    default:
      return { pointer, message: `${error.message ?? 'is invalid'}${got}` };
  }
}

/**
 * A oneOf offers alternatives (a D-to-Z colour or a fancy one; round or fancy measurements). The branch
 * the data was meant for is the one whose `const` discriminator it carries, or else the one sharing most
 * of its fields; that branch's own errors are the useful ones. With no clear branch, one message lists them.
 */
function describeOneOf(error: ErrorObject, validator: SchemaValidator): ValidationIssue[] {
  const branches = ((error.schema ?? []) as AnySchemaObject[]).map((branch) => String(branch.$ref ?? ''));
  const data = error.data as Record<string, unknown> | null;
  const isObject = typeof data === 'object' && data !== null && !Array.isArray(data);
  const scored = branches.map((ref) => ({
    ref,
    score: isObject ? fit(resolve(ref, validator.root), data) : 0,
  }));
  const best = Math.max(...scored.map((s) => s.score));
  const chosen = scored.filter((s) => s.score === best);
  const pointer = error.instancePath;
  if (best > 0 && chosen.length === 1 && chosen[0]) {
    const inner = validator.validateAt(chosen[0].ref, data);
    const issues = describeErrors(
      inner.map((e) => ({ ...e, instancePath: `${pointer}${e.instancePath}` })),
      validator,
    );
    if (issues.length > 0) return issues;
  }
  const shapes = branches.map((ref) => {
    const branch = resolve(ref, validator.root);
    return `${String(branch.title ?? ref)} {${((branch.required ?? []) as string[]).join(', ')}}`;
  });
  return [{ pointer, message: `must be one of: ${shapes.join(' or ')} (got ${show(data)})` }];
}

/** How well an object fits a branch: its discriminator decides outright, else shared fields count. */
function fit(branch: AnySchemaObject, data: Record<string, unknown>): number {
  const properties = (branch.properties ?? {}) as Record<string, AnySchemaObject>;
  for (const [name, property] of Object.entries(properties)) {
    if ('const' in property && name in data) return data[name] === property.const ? 1000 : -1000;
  }
  const keys = Object.keys(data);
  return keys.filter((k) => k in properties).length - keys.filter((k) => !(k in properties)).length;
}

/** The condition a `then` error depends on, as words: ` when kind is "rough"`. */
function conditionOf(schemaPath: string, root: AnySchemaObject): string {
  const at = schemaPath.lastIndexOf('/then/');
  if (at < 0) return '';
  const condition = resolve(`${schemaPath.slice(0, at)}/if`, root);
  const properties = (condition.properties ?? {}) as Record<string, AnySchemaObject>;
  const parts = Object.entries(properties)
    .filter(([, property]) => 'const' in property)
    .map(([name, property]) => `${name} is ${show(property.const)}`);
  return parts.length > 0 ? ` when ${parts.join(' and ')}` : '';
}

/** The schema node at a fragment (`#/$defs/dzColor`, `#/allOf/0/if`). */
function resolve(ref: string, root: AnySchemaObject): AnySchemaObject {
  let node: unknown = root;
  for (const part of ref.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node !== null && typeof node === 'object' ? node : {};
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function withArticle(type: string): string {
  const words = type
    .split(',')
    .map((t) => (t === 'null' ? 'null' : /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`));
  return words.join(' or ');
}

function escape(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Levenshtein distance, for "did you mean" on misspelt field names. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
