/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument -- supertest answers are untyped JSON; each test asserts their shape */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epcisSchemaErrors } from '../adapters/epcis/support.js';
import { bearer, startBridge, type TestBridge } from './support.js';

let bridge: TestBridge;
let roughId: string;
beforeAll(async () => {
  bridge = await startBridge();
  const answer = await request(bridge.app)
    .post('/v1/diamonds')
    .set('authorization', bearer.producer)
    .send({
      schemaVersion: '1',
      kind: 'rough',
      identifiers: { roughControlNumber: 'RCN-EPCIS-0001', producerRef: 'DM-EPCIS-0001' },
      origin: { country: 'BW', mine: 'Jwaneng', producer: 'Demo Mining' },
      rough: { caratWeight: 4.207 },
      events: [{ type: 'registered', at: '2026-10-01T08:00:00Z', platform: 'bridge', actor: 'demo-mining' }],
    });
  expect(answer.status).toBe(202);
  roughId = answer.body.id as string;
});
afterAll(async () => {
  await bridge.close();
});

describe('GET /v1/diamonds/:id/epcis', () => {
  it("answers the stone's history as an EPCIS document that validates against GS1's schema", async () => {
    const answer = await request(bridge.app)
      .get(`/v1/diamonds/${roughId}/epcis`)
      .set('authorization', bearer.reader);
    expect(answer.status).toBe(200);
    expect(epcisSchemaErrors(answer.body)).toEqual([]);
    const [registration] = answer.body.epcisBody.eventList as Record<string, unknown>[];
    expect(registration).toMatchObject({ type: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning' });
    expect(registration?.eventID).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
  });

  it('answers the same event IDs when asked twice: the hash depends only on the event', async () => {
    const ask = () =>
      request(bridge.app).get(`/v1/diamonds/${roughId}/epcis`).set('authorization', bearer.reader);
    const [first, second] = await Promise.all([ask(), ask()]);
    const ids = (body: { epcisBody: { eventList: { eventID: string }[] } }): string[] =>
      body.epcisBody.eventList.map((event) => event.eventID);
    expect(ids(second.body)).toEqual(ids(first.body));
  });

  it('a polished stone with a parent answers the transformation from its parent, its grades and weight, and the loss report in Tracebridge-Loss', async () => {
    const { id } = await bridge.built.services.store.diamonds.save(
      {
        schemaVersion: '1',
        kind: 'polished',
        owner: { org: 'demo-mining' },
        identifiers: { giaReportNumber: '2141438171' },
        polished: {
          shape: 'round',
          caratWeight: 1.01,
          color: { scale: 'DZ', grade: 'G' },
          clarity: 'VS1',
          cut: 'EX',
        },
        grading: { lab: 'GIA', reportNumber: '2141438171', reportDate: '2026-10-20' },
        lineage: { parentId: roughId },
      },
      { actor: 'test', action: 'register' },
    );
    const answer = await request(bridge.app)
      .get(`/v1/diamonds/${id}/epcis`)
      .set('authorization', bearer.reader);
    expect(answer.status).toBe(200);
    expect(epcisSchemaErrors(answer.body)).toEqual([]);
    const eventList = answer.body.epcisBody.eventList as Record<string, unknown>[];
    const cutting = eventList.find((e) => e.type === 'TransformationEvent');
    expect(cutting).toMatchObject({
      inputEPCList: [`https://id.tracebridge.dev/diamond/${roughId}`],
      outputEPCList: [`https://id.tracebridge.dev/diamond/${id}`],
      certificationInfo: 'https://www.gia.edu/report-check?reportno=2141438171',
      ilmd: { 'tb:polished': { caratWeight: 1.01, clarity: 'VS1', color: { scale: 'DZ', grade: 'G' } } },
    });
    // The parent's own registration joins the document: the cutting reads from a stone with a history.
    expect(eventList[0]).toMatchObject({
      bizStep: 'commissioning',
      epcList: [`https://id.tracebridge.dev/diamond/${roughId}`],
    });
    const loss = JSON.parse(answer.headers['tracebridge-loss'] as string) as {
      pointer: string;
      kind: string;
    }[];
    expect(loss).toContainEqual(expect.objectContaining({ pointer: '/lineage/parentId', kind: 'guessed' }));
  });

  it('a long loss report is a count and a link in Tracebridge-Loss, and the link answers it whole', async () => {
    const splits = Array.from({ length: 40 }, (_, i) => ({
      type: 'split',
      at: `2026-10-${String(2 + (i % 20)).padStart(2, '0')}T08:00:00Z`,
      platform: 'bridge',
      note: `cut plan ${i} with no children recorded é`,
    }));
    const { id } = await bridge.built.services.store.diamonds.save(
      {
        schemaVersion: '1',
        kind: 'rough',
        owner: { org: 'demo-mining' },
        identifiers: { producerRef: 'DM-EPCIS-LONG' },
        rough: { caratWeight: 7.5 },
        events: splits,
      } as never,
      { actor: 'test', action: 'register' },
    );
    const answer = await request(bridge.app)
      .get(`/v1/diamonds/${id}/epcis`)
      .set('authorization', bearer.reader);
    expect(answer.status).toBe(200);
    const header = JSON.parse(answer.headers['tracebridge-loss'] as string) as {
      count: number;
      href: string;
    };
    expect(header).toEqual({ count: expect.any(Number) as unknown, href: `/v1/diamonds/${id}/epcis/loss` });
    const whole = await request(bridge.app).get(header.href).set('authorization', bearer.reader);
    expect(whole.status).toBe(200);
    expect(whole.body.diamondId).toBe(id);
    expect(whole.body.loss).toHaveLength(header.count);
    expect(header.count).toBeGreaterThanOrEqual(40);
  });

  it('answers 404 problem+json for a stone the bridge does not hold', async () => {
    const answer = await request(bridge.app)
      .get('/v1/diamonds/tb_000000nothere/epcis')
      .set('authorization', bearer.reader);
    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('answers 401 without a key', async () => {
    const answer = await request(bridge.app).get(`/v1/diamonds/${roughId}/epcis`);
    expect(answer.status).toBe(401);
  });
});
