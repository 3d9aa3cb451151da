/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument -- supertest answers are untyped JSON; each test asserts their shape */
/**
 * Another organisation's stone does not exist for a producer: a lookup by one of its platform identifiers
 * answers as a lookup by an identifier the bridge has never held does (the platforms' own answers, no
 * bridge record), never a 404 that an unknown identifier would not give.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleIds } from '../../sim/tracr/index.js';
import { bearer, startBridge, storeLedgerRough, type TestBridge } from './support.js';

describe('a lookup of another organisation’s stone', () => {
  let bridge: TestBridge;
  let id: string;

  beforeAll(async () => {
    bridge = await startBridge({ queues: false });
    // demo-mining's stone, which the ledger holds as TRACR-2150A0000001.
    id = (await storeLedgerRough(bridge, 'DM-HIDDEN-1')).id;
  });
  afterAll(async () => {
    await bridge.close();
  });

  const lookup = (key: string, query: string) =>
    request(bridge.app).get(`/v1/lookup?${query}`).set('authorization', key);

  it('answers as for a stone the bridge does not hold: same status, same shape, no bridge record', async () => {
    const hidden = await lookup(bearer.otherProducer, `tracrId=${sampleIds.kalahariRough}`);
    const unknown = await lookup(bearer.otherProducer, `tracrId=${sampleIds.aggregatedRough}`);
    expect(hidden.status).toBe(unknown.status);
    expect(hidden.status).toBe(200);
    expect(Object.keys(hidden.body).sort()).toEqual(Object.keys(unknown.body).sort());
    expect(hidden.body.diamondId).toBeNull();
    expect(hidden.body.platforms.tracr.status).toBe(unknown.body.platforms.tracr.status);
    expect(JSON.stringify(hidden.body)).not.toContain(id);
    expect(JSON.stringify(hidden.body)).not.toContain('DM-HIDDEN-1');
  });

  it('still answers the owner with its own stone', async () => {
    const own = await lookup(bearer.producer, `tracrId=${sampleIds.kalahariRough}`);
    expect(own.status).toBe(200);
    expect(own.body.diamondId).toBe(id);
  });
});
