/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call -- supertest answers are untyped JSON; each test asserts their shape */
/**
 * Who may do what: every role against every route, on a stone of the producer's own organisation and on
 * one of another organisation, as one table.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startBridge, type TestBridge } from './support.js';

type Who = 'admin' | 'producer' | 'reader' | 'none';
type Ownership = 'own' | 'other';

let bridge: TestBridge;
const stones: Record<Ownership, { id: string; job: string }> = {} as never;
let runId: string;
let serial = 0;

const roughOf = (org: string) => ({
  schemaVersion: '1',
  kind: 'rough',
  owner: { org },
  identifiers: { producerRef: `ACCESS-${org}-${++serial}` },
  origin: { country: 'BW' },
  rough: { caratWeight: 1.5 + serial / 1000 },
});
const orgOf: Record<Ownership, string> = { own: 'demo-mining', other: 'kalahari-mining' };

beforeAll(async () => {
  bridge = await startBridge();
  for (const ownership of ['own', 'other'] as const) {
    const answer = await request(bridge.app)
      .post('/v1/diamonds')
      .set('authorization', bearer.admin)
      .send(roughOf(orgOf[ownership]));
    expect(answer.status).toBe(202);
    stones[ownership] = { id: answer.body.id, job: answer.body.jobs[0].id };
  }
  const run = await request(bridge.app)
    .post('/v1/reconcile')
    .set('authorization', bearer.admin)
    .send({ ids: [stones.own.id] });
  runId = run.body.runId;
});
afterAll(async () => {
  await bridge.close();
});

interface Row {
  route: string;
  call: (ownership: Ownership) => request.Test;
  /** Expected status per caller, for the own-org stone and the other-org stone. */
  expect: Record<Who, [own: number, other: number]>;
}

const get = (path: string) => request(bridge.app).get(path);
const post = (path: string, body?: object) => {
  const test = request(bridge.app).post(path);
  return body === undefined ? test : test.send(body);
};

const rows: Row[] = [
  {
    route: 'POST /v1/diamonds',
    call: (o) => post('/v1/diamonds', roughOf(orgOf[o])),
    expect: { admin: [202, 202], producer: [202, 403], reader: [403, 403], none: [401, 401] },
  },
  {
    route: 'GET /v1/diamonds/:id',
    call: (o) => get(`/v1/diamonds/${stones[o].id}`),
    expect: { admin: [200, 200], producer: [200, 404], reader: [200, 200], none: [401, 401] },
  },
  {
    route: 'GET /v1/lookup',
    call: (o) => get(`/v1/lookup?id=${stones[o].id}`),
    expect: { admin: [200, 200], producer: [200, 404], reader: [200, 200], none: [401, 401] },
  },
  {
    route: 'GET /v1/diamonds/:id/epcis',
    call: (o) => get(`/v1/diamonds/${stones[o].id}/epcis`),
    expect: { admin: [200, 200], producer: [200, 404], reader: [200, 200], none: [401, 401] },
  },
  {
    route: 'GET /v1/jobs',
    call: () => get('/v1/jobs?state=waiting'),
    expect: { admin: [200, 200], producer: [200, 200], reader: [403, 403], none: [401, 401] },
  },
  {
    route: 'GET /v1/jobs/:id',
    call: (o) => get(`/v1/jobs/${stones[o].job}`),
    expect: { admin: [200, 200], producer: [200, 404], reader: [403, 403], none: [401, 401] },
  },
  {
    route: 'POST /v1/jobs/:id/retry',
    // The jobs are waiting, not failed: whoever may see a job is told it cannot be retried.
    call: (o) => post(`/v1/jobs/${stones[o].job}/retry`),
    expect: { admin: [409, 409], producer: [409, 404], reader: [403, 403], none: [401, 401] },
  },
  {
    route: 'POST /v1/reconcile',
    call: (o) => post('/v1/reconcile', { ids: [stones[o].id] }),
    expect: { admin: [202, 202], producer: [403, 403], reader: [403, 403], none: [401, 401] },
  },
  {
    route: 'GET /v1/reconcile/:runId',
    call: () => get(`/v1/reconcile/${runId}`),
    expect: { admin: [200, 200], producer: [403, 403], reader: [403, 403], none: [401, 401] },
  },
  {
    route: 'POST /v1/reconcile/:runId/apply',
    // Nothing runs the run here: whoever may apply is told it has not finished.
    call: () => post(`/v1/reconcile/${runId}/apply`),
    expect: { admin: [409, 409], producer: [403, 403], reader: [403, 403], none: [401, 401] },
  },
  {
    route: 'GET /v1/matches',
    call: () => get('/v1/matches'),
    expect: { admin: [200, 200], producer: [403, 403], reader: [403, 403], none: [401, 401] },
  },
  ...(['confirm', 'reject'] as const).map((verb): Row => ({
    route: `POST /v1/matches/:id/${verb}`,
    call: () => post(`/v1/matches/mp_${'0'.repeat(24)}/${verb}`),
    expect: { admin: [404, 404], producer: [403, 403], reader: [403, 403], none: [401, 401] },
  })),
  {
    route: 'GET /v1/adapters',
    call: () => get('/v1/adapters'),
    expect: { admin: [200, 200], producer: [200, 200], reader: [200, 200], none: [401, 401] },
  },
  {
    route: 'GET /admin/queues',
    call: () => get('/admin/queues'),
    expect: { admin: [200, 200], producer: [403, 403], reader: [403, 403], none: [401, 401] },
  },
  ...['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs', '/'].map((path): Row => ({
    route: `GET ${path}`,
    call: () => get(path),
    expect: { admin: [200, 200], producer: [200, 200], reader: [200, 200], none: [200, 200] },
  })),
];

const headers: Record<Who, string | undefined> = {
  admin: bearer.admin,
  producer: bearer.producer,
  reader: bearer.reader,
  none: undefined,
};

describe('access by role and organisation', () => {
  for (const row of rows) {
    for (const who of ['admin', 'producer', 'reader', 'none'] as const) {
      for (const [index, ownership] of (['own', 'other'] as const).entries()) {
        const status = row.expect[who][index] as number;
        it(`${row.route} as ${who} on an ${ownership}-org stone answers ${status}`, async () => {
          const call = row.call(ownership);
          const auth = headers[who];
          const answer = await (auth ? call.set('authorization', auth) : call);
          expect(answer.status).toBe(status);
          if (status >= 400) expect(answer.type).toBe('application/problem+json');
        });
      }
    }
  }

  it('a producer sees only the jobs of its own organisation in a job list', async () => {
    const answer = await get('/v1/jobs?state=waiting').set('authorization', bearer.producer);
    const stonesSeen = new Set(
      (answer.body.jobs as { data: { diamondId: string } }[]).map((job) => job.data.diamondId),
    );
    expect(stonesSeen.has(stones.own.id)).toBe(true);
    expect(stonesSeen.has(stones.other.id)).toBe(false);
    const all = await get('/v1/jobs?state=waiting').set('authorization', bearer.admin);
    expect(
      (all.body.jobs as { data: { diamondId: string } }[]).some(
        (job) => job.data.diamondId === stones.other.id,
      ),
    ).toBe(true);
  });

  it('a producer registering without an owner gets its own organisation as owner', async () => {
    const { owner: _owner, ...record } = roughOf('ignored');
    const answer = await post('/v1/diamonds', record).set('authorization', bearer.producer);
    expect(answer.status).toBe(202);
    const stored = await get(`/v1/diamonds/${answer.body.id}`).set('authorization', bearer.admin);
    expect(stored.body.record.owner).toEqual({ org: 'demo-mining' });
  });

  it("a producer cannot update another organisation's stone by naming its id", async () => {
    const answer = await post('/v1/diamonds', { ...roughOf('demo-mining'), id: stones.other.id }).set(
      'authorization',
      bearer.producer,
    );
    expect(answer.status).toBe(404);
    const stored = await get(`/v1/diamonds/${stones.other.id}`).set('authorization', bearer.admin);
    expect(stored.body.record.owner.org).toBe('kalahari-mining');
  });

  it("answers another organisation's stone exactly as a stone the bridge never held", async () => {
    const never = 'tb_NEVERHELD0001';
    for (const path of ['/v1/diamonds/ID', '/v1/diamonds/ID/epcis', '/v1/lookup?id=ID']) {
      const theirs = await get(path.replace('ID', stones.other.id)).set('authorization', bearer.producer);
      const none = await get(path.replace('ID', never)).set('authorization', bearer.producer);
      expect(theirs.status).toBe(404);
      expect(theirs.body.detail.replace(stones.other.id, never)).toBe(none.body.detail);
    }
  });

  it('an identifier conflict never names a stone the caller cannot read', async () => {
    const inscription = `GIA ${++serial}77`;
    const mine = await post('/v1/diamonds', {
      ...roughOf('kalahari-mining'),
      identifiers: { inscription },
    }).set('authorization', bearer.otherProducer);
    expect(mine.status).toBe(202);
    const clash = await post('/v1/diamonds', { ...roughOf('demo-mining'), identifiers: { inscription } }).set(
      'authorization',
      bearer.producer,
    );
    expect(clash.status).toBe(409);
    expect(JSON.stringify(clash.body)).not.toContain(mine.body.id);
    expect(clash.body.detail).toMatch(/held by another organisation/);
    // The admin, who may read every stone, is told which stone holds it.
    const asAdmin = await post('/v1/diamonds', {
      ...roughOf('demo-mining'),
      identifiers: { inscription },
    }).set('authorization', bearer.admin);
    expect(asAdmin.status).toBe(409);
    expect(JSON.stringify(asAdmin.body)).toContain(mine.body.id);
  });

  it('takes a producerRef and rough control number another organisation uses, but not one its own stone holds', async () => {
    const identifiers = { producerRef: `R-${++serial}`, roughControlNumber: `RCN-${serial}` };
    const theirs = await post('/v1/diamonds', { ...roughOf('kalahari-mining'), identifiers }).set(
      'authorization',
      bearer.otherProducer,
    );
    expect(theirs.status).toBe(202);
    const mine = await post('/v1/diamonds', { ...roughOf('demo-mining'), identifiers }).set(
      'authorization',
      bearer.producer,
    );
    expect(mine.status).toBe(202);
    expect(mine.body.id).not.toBe(theirs.body.id);
    const again = await post('/v1/diamonds', { ...roughOf('demo-mining'), identifiers }).set(
      'authorization',
      bearer.producer,
    );
    expect(again.status).toBe(409);
    expect(again.body.errors[0].pointer).toBe('/identifiers/roughControlNumber');
    expect(JSON.stringify(again.body)).not.toContain(theirs.body.id);
  });

  it("refuses a lineage link to another organisation's stone, told as for a stone never held", async () => {
    const polished = (parentId: string) => ({
      schemaVersion: '1',
      kind: 'polished',
      identifiers: { producerRef: `ACCESS-CUT-${++serial}` },
      polished: { shape: 'round', caratWeight: 0.5 },
      lineage: { parentId },
    });
    const theirs = await post('/v1/diamonds', polished(stones.other.id)).set(
      'authorization',
      bearer.producer,
    );
    const never = await post('/v1/diamonds', polished('tb_NEVERHELD0001')).set(
      'authorization',
      bearer.producer,
    );
    expect(theirs.status).toBe(422);
    expect(never.status).toBe(422);
    expect(theirs.body.errors[0].pointer).toBe('/lineage/parentId');
    expect(theirs.body.errors[0].message.replace(stones.other.id, 'tb_NEVERHELD0001')).toBe(
      never.body.errors[0].message,
    );
    const own = await post('/v1/diamonds', polished(stones.own.id)).set('authorization', bearer.producer);
    expect(own.status).toBe(202);
  });

  it('an EPCIS export shows nothing of a relative held by another organisation', async () => {
    // Lineage across organisations, as the ledger reports a rough cut by one and its part sold to another.
    const parent = await post('/v1/diamonds', {
      ...roughOf('demo-mining'),
      origin: { country: 'BW', mine: 'Secret Mine' },
      events: [{ type: 'registered', at: '2024-01-01T10:00:00Z', platform: 'tracr' }],
    }).set('authorization', bearer.admin);
    const child = await post('/v1/diamonds', {
      schemaVersion: '1',
      kind: 'polished',
      owner: { org: 'kalahari-mining' },
      identifiers: { producerRef: `ACCESS-CHILD-${++serial}` },
      polished: { shape: 'round', caratWeight: 0.5 },
      lineage: { parentId: parent.body.id },
      events: [{ type: 'polished', at: '2024-05-01T10:00:00Z', platform: 'tracr', parentId: parent.body.id }],
    }).set('authorization', bearer.admin);
    expect(child.status).toBe(202);
    const exported = await get(`/v1/diamonds/${child.body.id}/epcis`).set(
      'authorization',
      bearer.otherProducer,
    );
    expect(exported.status).toBe(200);
    expect(JSON.stringify(exported.body)).not.toContain('Secret Mine');
    const asAdmin = await get(`/v1/diamonds/${child.body.id}/epcis`).set('authorization', bearer.admin);
    expect(JSON.stringify(asAdmin.body)).toContain('Secret Mine');
  });

  it('a wrong key and a malformed Authorization header are both 401', async () => {
    expect((await get('/v1/adapters').set('authorization', 'Bearer not-a-key-at-all')).status).toBe(401);
    expect((await get('/v1/adapters').set('authorization', 'demo-admin-key')).status).toBe(401);
    expect((await get('/v1/adapters').set('authorization', 'Basic ZGVtbzpkZW1v')).status).toBe(401);
  });
});
