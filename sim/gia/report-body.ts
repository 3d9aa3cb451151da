import {
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLObjectType,
  type GraphQLOutputType,
} from 'graphql';
import { giaSchema } from './schema.js';
import type { GradingReport } from './types.js';

/** One thing wrong with a posted report: the field's dotted path and what is wrong with its value. */
export interface ReportProblem {
  field: string;
  message: string;
}

/** Fields `getReport` computes per call; a posted report may carry them (a round trip does) and they are dropped. */
const perCallFields = ['quota', 'info_message', 'assets'];

/**
 * Checks a lab's `GradingReport` body against the very schema the registry serves, so anything accepted
 * can be served back: every field must exist on its type, non-null fields must be present, scalars and
 * enums must match. Union values get their `__typename`, inferred when absent (the first member whose
 * fields cover the value's keys, which makes a plain diamond report `DiamondGradingReportResults`).
 */
export function parseGradingReport(body: unknown): { report: GradingReport } | { problems: ReportProblem[] } {
  const problems: ReportProblem[] = [];
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return {
      problems: [{ field: '(body)', message: `must be a GradingReport JSON object; got ${describe(body)}` }],
    };
  }
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const field of perCallFields) delete copy[field];
  const gradingReport = giaSchema.getType('GradingReport') as GraphQLObjectType;
  const report = check(copy, gradingReport, '', problems) as GradingReport;
  if (typeof copy.report_number === 'string' && !/^\d{5,12}$/.test(copy.report_number)) {
    problems.push({
      field: 'report_number',
      message: `must be 5 to 12 digits; got ${describe(copy.report_number)}`,
    });
  }
  if (copy.results === undefined || copy.results === null) {
    problems.push({ field: 'results', message: 'is required to issue a report' });
  }
  return problems.length > 0 ? { problems } : { report };
}

function check(value: unknown, type: GraphQLOutputType, field: string, problems: ReportProblem[]): unknown {
  if (isNonNullType(type)) {
    if (value === null || value === undefined) {
      problems.push({ field, message: `is required (${String(type)})` });
      return value;
    }
    return check(value, type.ofType, field, problems);
  }
  if (value === null || value === undefined) return value ?? null;
  if (isListType(type)) {
    if (!Array.isArray(value)) return wrong(problems, field, `a list of ${String(type.ofType)}`, value);
    return value.map((item, i) => check(item, type.ofType, `${field}[${i}]`, problems));
  }
  if (isScalarType(type)) {
    const fits =
      type.name === 'Int'
        ? Number.isInteger(value)
        : type.name === 'Float'
          ? typeof value === 'number' && Number.isFinite(value)
          : type.name === 'Boolean'
            ? typeof value === 'boolean'
            : typeof value === 'string';
    return fits ? value : wrong(problems, field, `a ${type.name}`, value);
  }
  if (isEnumType(type)) {
    const names = type.getValues().map((v) => v.name);
    return typeof value === 'string' && names.includes(value)
      ? value
      : wrong(problems, field, `one of ${names.join(', ')}`, value);
  }
  if (typeof value !== 'object' || Array.isArray(value))
    return wrong(problems, field, `a ${type.name} object`, value);
  const input = value as Record<string, unknown>;
  if (isUnionType(type)) {
    const members = type.getTypes();
    const named = input.__typename;
    const keys = Object.keys(input).filter((key) => key !== '__typename');
    const member =
      named === undefined
        ? members.find((candidate) => keys.every((key) => key in candidate.getFields()))
        : members.find((candidate) => candidate.name === named);
    if (!member) {
      const names = members.map((m) => m.name).join(', ');
      return wrong(problems, `${field}.__typename`, `one of ${names} (fields did not tell which)`, named);
    }
    return { __typename: member.name, ...(checkObject(input, member, field, problems) as object) };
  }
  if (isObjectType(type)) return checkObject(input, type, field, problems);
  return wrong(problems, field, 'a value this registry can store', value);
}

function checkObject(
  input: Record<string, unknown>,
  type: GraphQLObjectType,
  field: string,
  problems: ReportProblem[],
): Record<string, unknown> {
  const fields = type.getFields();
  const output: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(input)) {
    const path = field === '' ? key : `${field}.${key}`;
    if (key === '__typename') {
      if (inner !== type.name) wrong(problems, path, type.name, inner);
      continue;
    }
    const definition = fields[key];
    if (!definition) {
      problems.push({ field: path, message: `is not a field of ${type.name}` });
      continue;
    }
    output[key] = check(inner, definition.type, path, problems);
  }
  for (const definition of Object.values(fields)) {
    if (isNonNullType(definition.type) && !(definition.name in input)) {
      const path = field === '' ? definition.name : `${field}.${definition.name}`;
      problems.push({ field: path, message: `is required (${String(definition.type)})` });
    }
  }
  return output;
}

function wrong(problems: ReportProblem[], field: string, expected: string, value: unknown): unknown {
  problems.push({ field, message: `must be ${expected}; got ${describe(value)}` });
  return value;
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
