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
