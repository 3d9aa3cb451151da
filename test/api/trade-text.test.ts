/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest answers are untyped JSON; each test asserts their shape */
/**
 * The other side of the hostile corpus: text that real trade documents carry is accepted as it is, so a
 * record mapped from a platform can always be registered through the API.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textProblem } from '../../src/api/json-body.js';
import { packageRoot } from '../../src/package-root.js';
import { bearer, startBridge, type TestBridge } from './support.js';

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startBridge();
});
afterAll(async () => {
  await bridge.close();
});

describe('text from trade documents', () => {
  it.each([
    ['a crown angle in degrees', '34.5°'],
    ['a lab comment with a semicolon', 'Pinpoints are not shown; additional clouds not shown.'],
    ['a stone known by a quoted name', 'The "Lesedi" rough'],
    ['a price with a currency sign', '€12,500 (US$13,400)'],
    ['a multi-line note', 'Parcel sealed at the mine.\nOpened in Antwerp.'],
    ['a tolerance', '6.45 ± 0.02 mm'],
    ['a non-Latin producer name', 'Алроса'],
  ])('%s is acceptable: %j', (_name, text) => {
    expect(textProblem(text)).toBeUndefined();
  });

  it.each([
    ['markup', '<b>Jwaneng</b>', '"<"'],
    ['an expression', 'x={{7*7}}', '"="'],
    ['a comment opener', "admin'--", '"--"'],
    ['a null byte', 'null\u0000byte', 'control'],
  ])('%s is refused with the character named', (_name, text, named) => {
    expect(textProblem(text)).toContain(named);
  });

  it('a record mapped from a GIA report, printed values and all, registers through the API', async () => {
    const record = JSON.parse(
      readFileSync(
        join(packageRoot, 'test', 'fixtures', 'gia', 'round-d-internally-flawless.canonical.json'),
        'utf8',
      ),
    ) as Record<string, unknown>;
    expect(JSON.stringify(record)).toContain('°');
    const answer = await request(bridge.app)
      .post('/v1/diamonds')
      .set('authorization', bearer.admin)
      .send({ ...record, owner: { org: 'demo-mining' } });
    expect(answer.status).toBe(202);
    expect(answer.body.outcome).toBe('created');
  });
});
