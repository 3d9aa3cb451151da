import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { giaSchema } from '../../../sim/gia/schema.js';
import { standardsDir } from './support.js';

const published = buildSchema(
  readFileSync(join(standardsDir, 'gia', 'report-results-schema.graphql'), 'utf8'),
);

/** Every difference between what we serve and GIA's published schema, one line each. */
function differences(ours: GraphQLSchema, theirs: GraphQLSchema): string[] {
  const found: string[] = [];
  for (const type of Object.values(ours.getTypeMap())) {
    if (type.name.startsWith('__') || isScalarType(type)) continue;
    const twin: GraphQLNamedType | undefined = theirs.getType(type.name) ?? undefined;
    if (!twin) {
      found.push(`type ${type.name} is not in GIA's schema`);
      continue;
    }
    if (twin.constructor !== type.constructor) found.push(`type ${type.name} is a different kind of type`);
    else if (isObjectType(type) && isObjectType(twin)) {
      const theirFields = twin.getFields();
      for (const field of Object.values(type.getFields())) {
        const other = theirFields[field.name];
        if (!other) {
          found.push(`${type.name}.${field.name} is not in GIA's schema`);
          continue;
        }
        if (String(field.type) !== String(other.type))
          found.push(`${type.name}.${field.name}: ${String(field.type)} here, ${String(other.type)} at GIA`);
        if (field.deprecationReason !== other.deprecationReason)
          found.push(`${type.name}.${field.name}: deprecation differs`);
        const ourArgs = new Map(field.args.map((arg) => [arg.name, String(arg.type)]));
        const theirArgs = new Map(other.args.map((arg) => [arg.name, String(arg.type)]));
        for (const [name, argType] of ourArgs)
          if (theirArgs.get(name) !== argType)
            found.push(`${type.name}.${field.name}(${name}: ${argType}) is not GIA's argument`);
        for (const name of theirArgs.keys())
          if (!ourArgs.has(name)) found.push(`${type.name}.${field.name} lacks GIA's argument ${name}`);
      }
    } else if (isUnionType(type) && isUnionType(twin)) {
      const members = new Set(twin.getTypes().map((member) => member.name));
      for (const member of type.getTypes())
        if (!members.has(member.name)) found.push(`union ${type.name} member ${member.name} is not GIA's`);
    } else if (isEnumType(type) && isEnumType(twin)) {
      const values = new Set(twin.getValues().map((value) => value.name));
      for (const value of type.getValues())
        if (!values.has(value.name)) found.push(`enum ${type.name} value ${value.name} is not GIA's`);
    } else if (isInputObjectType(type) || isInterfaceType(type)) {
      found.push(`type ${type.name}: input and interface types are not expected here`);
    }
  }
  return found;
}

describe('the GIA simulator schema', () => {
  it('declares only types, fields, arguments and field types that exist identically in GIA’s published schema', () => {
    expect(differences(giaSchema, published)).toEqual([]);
  });

  it('serves the four documented queries and the clearChangedReports mutation with GIA’s signatures', () => {
    const query = giaSchema.getQueryType()?.getFields() ?? {};
    expect(Object.keys(query).sort()).toEqual([
      'getChangedReports',
      'getQuota',
      'getReport',
      'isReportUpdated',
    ]);
    expect(String(query.getChangedReports?.type)).toBe('ChangedReportResults!');
    expect(Object.keys(giaSchema.getMutationType()?.getFields() ?? {})).toEqual(['clearChangedReports']);
  });

  it('fails the comparison when a field type drifts from GIA’s, so the check can catch a mistake', () => {
    const drifted = buildSchema('type Query { getQuota: Int }\ntype GradingReport { report_number: String }');
    expect(differences(drifted, published)).toEqual([
      'Query.getQuota: Int here, Quota at GIA',
      'GradingReport.report_number: String here, String! at GIA',
    ]);
  });
});
