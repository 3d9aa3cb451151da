/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest answers are untyped JSON; each test asserts their shape */
/**
 * A platform whose adapter is loaded but left unconnected (no URL, no signing key) is not a sync target:
 * stones still register and sync to the platforms the bridge reaches.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startBridge, type TestBridge } from './support.js';

let bridge: TestBridge;
beforeAll(async () => {
  // The built-in epcis adapter is loaded, but no TRACEBRIDGE_EPCIS_URL names a repository.
  bridge = await startBridge();
});
afterAll(async () => {
  await bridge.close();
});

describe('a platform the bridge cannot connect to', () => {
  it('is no sync target: a stone registers with jobs for the connected platforms only', async () => {
    const answer = await request(bridge.app)
      .post('/v1/diamonds')
      .set('authorization', bearer.producer)
      .send({
        schemaVersion: '1',
        kind: 'rough',
        identifiers: { producerRef: 'UNCONNECTED-1', roughControlNumber: 'RCN-UNCONNECTED-1' },
        origin: { country: 'BW', mine: 'Jwaneng', producer: 'Debswana' },
        rough: { caratWeight: 3.21 },
      });
    expect(answer.status).toBe(202);
    const platforms = (answer.body.jobs as { platform: string }[]).map((job) => job.platform).sort();
    expect(platforms).toEqual(['gia', 'tracr']);
  });
});
