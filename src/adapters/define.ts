import type { AdapterDefinition, ConnectOptions, FieldGroup } from './contract.js';
import { fieldGroupPaths } from './contract.js';

const namePattern = /^[a-z][a-z0-9-]{1,31}$/;

/**
 * Checks an adapter definition and returns it unchanged. Third-party modules go through the same check, so
 * a module that does not meet the contract is refused at start-up with the reason, not at the first sync.
 */
export function defineAdapter<Native, Options extends ConnectOptions>(
  definition: AdapterDefinition<Native, Options>,
): AdapterDefinition<Native, Options> {
  const problems = contractProblems(definition);
  if (problems.length > 0) {
    const name = typeof (definition as { name?: unknown }).name === 'string' ? definition.name : '?';
    throw new TypeError(`[tracebridge] [${name}] not a valid adapter: ${problems.join('; ')}`);
  }
  return definition;
}

/** Every way `candidate` falls short of the adapter contract; empty when it meets it. */
export function contractProblems(candidate: unknown): string[] {
  if (typeof candidate !== 'object' || candidate === null) return ['an adapter must be an object'];
  const a = candidate as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof a.name !== 'string' || !namePattern.test(a.name)) {
    problems.push(`name must match ${namePattern} (got ${JSON.stringify(a.name)})`);
  }
  if (typeof a.description !== 'string') problems.push('description must be a string');
  for (const fn of ['toCanonical', 'fromCanonical', 'connect']) {
    if (typeof a[fn] !== 'function') problems.push(`${fn} must be a function`);
  }
  const groups = Object.keys(fieldGroupPaths);
  const isGroupList = (value: unknown): value is FieldGroup[] =>
    Array.isArray(value) && value.every((g) => typeof g === 'string' && groups.includes(g));
  if (!isGroupList(a.authoritative))
    problems.push(`authoritative must list field groups among ${groups.join(', ')}`);
  problems.push(...optionsProblems(a.options));
  const caps = a.capabilities as Record<string, unknown> | undefined;
  if (typeof caps !== 'object' || caps === null) {
    problems.push('capabilities must be an object');
    return problems;
  }
  for (const flag of ['read', 'write', 'changeFeed']) {
    if (typeof caps[flag] !== 'boolean') problems.push(`capabilities.${flag} must be a boolean`);
  }
  if (!Number.isInteger(caps.batchWriteSize) || (caps.batchWriteSize as number) < 1) {
    problems.push('capabilities.batchWriteSize must be a whole number of 1 or more');
  }
  if (caps.finality !== 'immediate' && caps.finality !== 'block') {
    problems.push("capabilities.finality must be 'immediate' or 'block'");
  }
  if (!isGroupList(caps.writes))
    problems.push(`capabilities.writes must list field groups among ${groups.join(', ')}`);
  else if (caps.write === false && caps.writes.length > 0)
    problems.push('capabilities.writes must be empty when write is false');
  return problems;
}

const optionTypes = ['string', 'number', 'integer', 'boolean', 'array'];

function optionsProblems(options: unknown): string[] {
  if (options === undefined) return [];
  const schema = options as { type?: unknown; properties?: unknown; required?: unknown };
  if (typeof options !== 'object' || options === null || schema.type !== 'object') {
    return ["options must be a JSON Schema of type 'object'"];
  }
  if (typeof schema.properties !== 'object' || schema.properties === null) {
    return ['options.properties must name each option'];
  }
  const problems: string[] = [];
  const names = Object.keys(schema.properties);
  for (const [name, option] of Object.entries(schema.properties as Record<string, { type?: unknown }>)) {
    if (!optionTypes.includes(option.type as string))
      problems.push(`options.properties.${name}.type must be one of ${optionTypes.join(', ')}`);
  }
  const required: unknown = schema.required ?? [];
  if (!Array.isArray(required) || !required.every((name) => names.includes(name as string)))
    problems.push('options.required must list declared options');
  return problems;
}
