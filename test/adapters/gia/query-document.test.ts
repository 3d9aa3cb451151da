/** The adapter's one query document asks only for what GIA's published Report Results schema defines. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { giaQueryDocument } from '../../../src/adapters/gia/index.js';
import { standardsDir } from '../../support/standards.js';

describe('gia query document', () => {
  it("validates against GIA's published schema, so the client works against GIA itself", () => {
    const published = buildSchema(
      readFileSync(join(standardsDir, 'gia', 'report-results-schema.graphql'), 'utf8'),
    );
    expect(validate(published, parse(giaQueryDocument)).map((error) => error.message)).toEqual([]);
  });
});
