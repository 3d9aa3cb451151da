/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- supertest answers are untyped JSON; each test asserts their shape */
/**
 * A Kimberley Process certificate covers a whole parcel: two stones of one certificate are both accepted,
 * even from one organisation, and a lookup by the certificate answers every stone of it the caller may read.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { bearer, startBridge, type TestBridge } from './support.js';

const certificate = 'BW-KP-2026-PARCEL-1';
const rough = (producerRef: string): DiamondRecord => ({
  schemaVersion: '1',
  kind: 'rough',
  identifiers: { producerRef, kpCertificate: certificate },
  origin: { country: 'BW', mine: 'Jwaneng' },
  rough: { caratWeight: 1.5 },
});

describe('a lookup by a Kimberley Process certificate', () => {
  let bridge: TestBridge;
  let ours: string[];
  let theirs: string;

  beforeAll(async () => {
    bridge = await startBridge();
    const register = async (key: string, producerRef: string): Promise<string> => {
      const answer = await request(bridge.app)
        .post('/v1/diamonds')
        .set('authorization', key)
        .send(rough(producerRef));
      expect(answer.status).toBe(202);
      return answer.body.id as string;
    };
    ours = [await register(bearer.producer, 'PARCEL-A'), await register(bearer.producer, 'PARCEL-B')].sort();
    theirs = await register(bearer.otherProducer, 'PARCEL-C');
  });
  afterAll(async () => {
    await bridge.close();
  });

  const parcel = (key: string, query: string) =>
    request(bridge.app)
      .get(`/v1/parcels?kpCertificate=${encodeURIComponent(certificate)}${query}`)
      .set('authorization', key);

  it('accepts two stones of one certificate and answers both to their producer, never the other organisation’s', async () => {
    const answer = await parcel(bearer.producer, '');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ kpCertificate: certificate, diamondIds: ours, cursor: null });
  });

  it('answers the whole parcel to an admin, a page at a time', async () => {
    const first = await parcel(bearer.admin, '&limit=2');
    expect(first.body.diamondIds).toHaveLength(2);
    const next = await parcel(bearer.admin, `&limit=2&cursor=${first.body.cursor}`);
    expect([...first.body.diamondIds, ...next.body.diamondIds].sort()).toEqual([...ours, theirs].sort());
    expect(next.body.cursor).toBeNull();
  });

  it('refuses a lookup without a certificate, naming the parameter', async () => {
    const answer = await request(bridge.app).get('/v1/parcels').set('authorization', bearer.reader);
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].pointer).toBe('#/query/kpCertificate');
  });
});

describe('a lookup by a box', () => {
  let bridge: TestBridge;
  let box: string[];

  beforeAll(async () => {
    bridge = await startBridge();
    const register = async (producerRef: string, boxId: string): Promise<string> => {
      const answer = await request(bridge.app)
        .post('/v1/diamonds')
        .set('authorization', bearer.producer)
        .send({ ...rough(producerRef), identifiers: { producerRef, boxId } });
      expect(answer.status).toBe(202);
      return answer.body.id as string;
    };
    box = [await register('BOX-A', 'BOX-2026-07'), await register('BOX-B', 'BOX-2026-07')].sort();
    await register('BOX-C', 'BOX-2026-08');
  });
  afterAll(async () => {
    await bridge.close();
  });

  it('accepts many stones in one box and answers the box, and only it', async () => {
    const answer = await request(bridge.app)
      .get('/v1/parcels?boxId=BOX-2026-07')
      .set('authorization', bearer.producer);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ boxId: 'BOX-2026-07', diamondIds: box, cursor: null });
  });

  it('takes a certificate or a box, not both and not neither', async () => {
    for (const query of ['', '?boxId=B&kpCertificate=K']) {
      const answer = await request(bridge.app)
        .get(`/v1/parcels${query}`)
        .set('authorization', bearer.producer);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body)).toContain('kpCertificate or boxId');
    }
  });
});
