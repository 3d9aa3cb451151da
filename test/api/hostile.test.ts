/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest answers are untyped JSON; each test asserts their shape */
/**
 * Hostile input: each case gets a 4xx problem+json, never a 5xx, and leaves Redis exactly as it was
 * (every key and value; rate-limit counters aside, which count every request by design). Markup, statement
 * and formula syntax in text is not hostile input to refuse but data to store exactly and escape on output:
 * the last suite shows it round-trips.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, redisSnapshot, startBridge, type TestBridge } from './support.js';

let bridge: TestBridge;
let before: Record<string, string>;

const valid = {
  schemaVersion: '1',
  kind: 'polished',
  owner: { org: 'demo-mining' },
  identifiers: {
    tracrId: 'TRC-HOSTILE-1',
    giaReportNumber: '7300000001',
    inscription: 'GIA 7300000001',
    producerRef: 'P-1',
  },
  origin: { country: 'BW', producer: 'Demo Mining', mine: 'Jwaneng' },
  polished: { shape: 'round', caratWeight: 1.01, color: { scale: 'DZ', grade: 'G' }, clarity: 'VS1' },
  grading: {
    lab: 'GIA',
    reportNumber: '7300000001',
    reportDate: '2024-01-02',
    reportType: 'Diamond Grading Report',
  },
  events: [
    {
      type: 'registered',
      at: '2024-01-01T10:00:00Z',
      platform: 'tracr',
      actor: 'demo-mining',
      note: 'first',
    },
  ],
};

/** Every string leaf of `value`, as [JSON pointer, setter]. */
function stringFields(value: unknown, pointer = ''): string[] {
  if (typeof value === 'string') return [pointer];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, member]) => stringFields(member, `${pointer}/${key}`));
}

function withField(pointer: string, text: string): unknown {
  const copy = structuredClone(valid) as Record<string, unknown>;
  const steps = pointer.split('/').slice(1);
  let node = copy;
  for (const step of steps.slice(0, -1)) node = node[step] as Record<string, unknown>;
  node[steps.at(-1) as string] = text;
  return copy;
}

function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

// Refused in every string: they hide or reorder what a person reads, or are not text at all.
const hostileStrings = ['tb_x\u202egnp.exe', 'GIA \ud800 2141438171', 'zero\u200bwidth', 'null\u0000byte'];

// Accepted wherever the field's own rules allow them, stored exactly, escaped where shown.
const markupStrings = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'; DROP TABLE diamonds; --",
  "1' OR '1'='1",
  "admin'--",
  '=HYPERLINK("http://evil.example")',
  '{tracebridge}:diamonds',
];

// Fields of free text: nothing but the byte-level rules above applies to them.
const freeText = ['/origin/producer', '/origin/mine', '/events/0/note', '/events/0/actor'];

/** Raw bodies: [name, body text]. */
const rawBodies: [string, string][] = [
  ['malformed JSON', '{"schemaVersion": "1", "kind": '],
  ['trailing garbage', '{"schemaVersion":"1","kind":"rough"} x'],
  ['a bare string', '"rough"'],
  ['a number', '42'],
  ['null', 'null'],
  ['10k-deep nesting', nested(10_000)],
  [
    '__proto__ key',
    JSON.stringify({ ...valid, identifiers: undefined }).replace('{', '{"__proto__":{"admin":true},'),
  ],
  [
    'constructor key',
    JSON.stringify(valid).replace('"origin":{', '"origin":{"constructor":{"prototype":{"x":1}},'),
  ],
  ['a lone surrogate escape', JSON.stringify(valid).replace('Jwaneng', 'Jwa\\udc00neng')],
  ['invalid UTF-8', '{"schemaVersion":"1","kind":"rough","origin":{"mine":"\xff\xfe"}}'],
];

/** Parsed bodies with wrong types and hostile strings in every string field. */
const objectBodies: [string, unknown][] = [
  ['kind as a number', { ...valid, kind: 1 }],
  ['caratWeight as a string', { ...valid, polished: { ...valid.polished, caratWeight: '1.01' } }],
  ['identifiers as an array', { ...valid, identifiers: ['TRC-1'] }],
  ['an unknown top-level field', { ...valid, isAdmin: true }],
  ['an array of records', [valid, valid]],
  ['events as an object', { ...valid, events: { 0: valid.events[0] } }],
  ['a negative weight', { ...valid, polished: { ...valid.polished, caratWeight: -1 } }],
  ...stringFields(valid).flatMap((pointer) =>
    hostileStrings.map((text): [string, unknown] => [
      `${JSON.stringify(text)} at ${pointer}`,
      withField(pointer, text),
    ]),
  ),
];

beforeAll(async () => {
  bridge = await startBridge();
  const seeded = await request(bridge.app)
    .post('/v1/diamonds')
    .set('authorization', bearer.admin)
    .send({ ...valid, identifiers: { producerRef: 'SEED-1' }, grading: undefined });
  expect(seeded.status).toBe(202);
  before = await redisSnapshot(bridge);
});
afterAll(async () => {
  await bridge.close();
});

describe('hostile input to POST /v1/diamonds', () => {
  it('the valid record the corpus is built from would be accepted (so each case fails for its own reason)', async () => {
    const { validateDiamond } = await import('../../src/mapping/validate.js');
    expect(validateDiamond(valid)).toMatchObject({ valid: true });
  });

  for (const [name, body] of rawBodies) {
    it(`${name} gets a 4xx problem and changes nothing`, async () => {
      const answer = await request(bridge.app)
        .post('/v1/diamonds')
        .set('authorization', bearer.admin)
        .set('content-type', 'application/json')
        .send(Buffer.from(body, name === 'invalid UTF-8' ? 'latin1' : 'utf8'));
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.type).toBe('application/problem+json');
      expect(await redisSnapshot(bridge)).toEqual(before);
    });
  }

  it('a 10 MB body gets 413 and changes nothing', async () => {
    const answer = await request(bridge.app)
      .post('/v1/diamonds')
      .set('authorization', bearer.admin)
      .set('content-type', 'application/json')
      .send(`{"pad":"${'x'.repeat(10 * 1024 * 1024)}"}`);
    expect(answer.status).toBe(413);
    expect(answer.type).toBe('application/problem+json');
    expect(await redisSnapshot(bridge)).toEqual(before);
  });

  for (const [name, body] of objectBodies) {
    it(`${name} gets a 4xx problem naming a field and changes nothing`, async () => {
      const answer = await request(bridge.app)
        .post('/v1/diamonds')
        .set('authorization', bearer.admin)
        .send(body as object);
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.type).toBe('application/problem+json');
      expect(answer.body.errors?.length ?? 0).toBeGreaterThan(0);
      expect(await redisSnapshot(bridge)).toEqual(before);
    });
  }

  it('a __proto__ key never reaches an object prototype', async () => {
    await request(bridge.app)
      .post('/v1/reconcile')
      .set('authorization', bearer.admin)
      .set('content-type', 'application/json')
      .send('{"all":true,"__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('hostile input elsewhere', () => {
  const cases: [string, () => request.Test][] = [
    [
      'a lookup with a script',
      () => request(bridge.app).get('/v1/lookup').query({ inscription: '<script>x</script>\u0000' }),
    ],
    ['a lookup with an array parameter', () => request(bridge.app).get('/v1/lookup?id[]=tb_000000000001')],
    [
      'a lookup with a 10k parameter',
      () => request(bridge.app).get(`/v1/lookup?tracrId=${'A'.repeat(10_000)}`),
    ],
    ['a job id with a path', () => request(bridge.app).get('/v1/jobs/..%2F..%2Fadmin')],
    [
      'a reconcile scope with SQL',
      () =>
        request(bridge.app)
          .post('/v1/reconcile')
          .send({ ids: ["tb_1'; DROP TABLE x; --"] }),
    ],
    [
      'a reconcile scope 10k deep',
      () =>
        request(bridge.app)
          .post('/v1/reconcile')
          .set('content-type', 'application/json')
          .send(nested(10_000)),
    ],
  ];
  for (const [name, call] of cases) {
    it(`${name} gets a 4xx problem and changes nothing`, async () => {
      const answer = await call().set('authorization', bearer.admin);
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.type).toBe('application/problem+json');
      expect(await redisSnapshot(bridge)).toEqual(before);
    });
  }
});

describe('markup, statements and formulas in text', () => {
  const cases = stringFields(valid).flatMap((pointer) => markupStrings.map((text) => ({ pointer, text })));
  let serial = 0;
  for (const { pointer, text } of cases) {
    it(`${JSON.stringify(text)} at ${pointer} is stored exactly or refused by that field's own rule`, async () => {
      serial += 1;
      const body = withField(pointer, text) as typeof valid;
      // Each case is its own stone: its identifiers are its own unless the case is about one of them.
      const identifiers = pointer.startsWith('/identifiers/')
        ? { [pointer.split('/')[2] as string]: text }
        : { producerRef: `MARKUP-${serial}` };
      const { grading: _grading, ...rest } = body;
      const record = {
        ...rest,
        identifiers,
        ...(pointer.startsWith('/grading/') ? { grading: body.grading } : {}),
      };
      const answer = await request(bridge.app)
        .post('/v1/diamonds')
        .set('authorization', bearer.admin)
        .send(record);
      if (freeText.includes(pointer)) expect(answer.status).toBe(202);
      if (answer.status !== 202) {
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        expect(answer.body.errors?.length ?? 0).toBeGreaterThan(0);
        return;
      }
      const stored = await request(bridge.app)
        .get(`/v1/diamonds/${answer.body.id as string}`)
        .set('authorization', bearer.admin);
      let value: unknown = stored.body.record;
      for (const step of pointer.split('/').slice(1)) value = (value as Record<string, unknown>)[step];
      expect(value).toBe(text);
    });
  }
});
