/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest answers are untyped JSON; each test asserts their shape */
/**
 * `Idempotency-Key` on the routes that create something: a client that retries after a lost answer gets
 * the first answer back instead of a second stone or a second run.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimIdempotencyKey, idempotencyKeyOf } from '../../src/api/idempotency.js';
import { bearer, startBridge, type TestBridge } from './support.js';

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startBridge();
});
afterAll(async () => {
  await bridge.close();
});

const rough = (producerRef: string, caratWeight = 3.21) => ({
  schemaVersion: '1',
  kind: 'rough',
  identifiers: { producerRef },
  origin: { country: 'BW', mine: 'Jwaneng' },
  rough: { caratWeight },
});

// A rough stone with no identifier unique to it (a parcel's Kimberley Process certificate only): nothing but
// the key can tell a retry from a second stone.
const parcelRough = (kpCertificate: string, caratWeight: number) => ({
  schemaVersion: '1',
  kind: 'rough',
  identifiers: { kpCertificate },
  origin: { country: 'BW', mine: 'Jwaneng' },
  rough: { caratWeight },
});

function register(key: string | undefined, body: unknown, who: string = bearer.producer) {
  const call = request(bridge.app).post('/v1/diamonds').set('authorization', who);
  return (key === undefined ? call : call.set('idempotency-key', key)).send(body as object);
}

const stoneCount = () => bridge.built.services.store.diamonds.count();

describe('Idempotency-Key on POST /v1/diamonds', () => {
  it('a retried registration without an id answers the first answer and stores one stone, not two', async () => {
    const before = await stoneCount();
    const first = await register('retry-lost-answer-1', parcelRough('BW-KP-2026-000417', 1.01));
    expect(first.status).toBe(202);
    const again = await register('retry-lost-answer-1', parcelRough('BW-KP-2026-000417', 1.01));
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await stoneCount()).toBe(before + 1);
  });

  it('the same body with its keys in another order is the same request', async () => {
    const body = rough('IDEM-002');
    const first = await register('reordered-body', body);
    const reordered = {
      rough: body.rough,
      origin: { mine: 'Jwaneng', country: 'BW' },
      identifiers: body.identifiers,
      kind: body.kind,
      schemaVersion: body.schemaVersion,
    };
    const again = await register('reordered-body', reordered);
    expect(again.status).toBe(first.status);
    expect(again.body.id).toBe(first.body.id);
  });

  it('the same key with another body is 422 naming the key, and stores nothing', async () => {
    await register('one-key-two-bodies', rough('IDEM-003'));
    const before = await stoneCount();
    const other = await register('one-key-two-bodies', rough('IDEM-003', 3.22));
    expect(other.status).toBe(422);
    expect(other.type).toBe('application/problem+json');
    expect(other.body.detail).toContain('one-key-two-bodies');
    expect(await stoneCount()).toBe(before);
  });

  it('keys are scoped per API key: two callers using the same key each get their own stone', async () => {
    const mine = await register('shared-by-chance', rough('IDEM-004'));
    const theirs = await register('shared-by-chance', rough('IDEM-004-K'), bearer.otherProducer);
    expect(mine.status).toBe(202);
    expect(theirs.status).toBe(202);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
  });

  it('a request still in flight with the same key answers 409 with Retry-After and does no work', async () => {
    const body = rough('IDEM-005');
    const principal = { name: 'demo-producer', role: 'producer' as const, org: 'demo-mining' };
    const store = bridge.built.services.store;
    // Another API process has claimed the key and is still working on it.
    const claim = await claimIdempotencyKey(store.redis, {
      prefix: store.keys.prefix,
      key: idempotencyKeyOf(principal, 'in-flight-key'),
      request: { method: 'POST', path: '/v1/diamonds', body },
      inFlightMs: 60_000,
    });
    expect(claim.status).toBe('claimed');
    const before = await stoneCount();
    const answer = await register('in-flight-key', body);
    expect(answer.status).toBe(409);
    expect(answer.headers['retry-after']).toMatch(/^\d+$/);
    expect(answer.body.detail).toContain('in-flight-key');
    expect(await stoneCount()).toBe(before);
  });

  it('concurrent retries with one key store exactly one stone', async () => {
    const before = await stoneCount();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => register('burst-of-retries', parcelRough('BW-KP-2026-000418', 1.06))),
    );
    expect(await stoneCount()).toBe(before + 1);
    const accepted = answers.filter((a) => a.status === 202);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(new Set(accepted.map((a) => String(a.body.id))).size).toBe(1);
    for (const answer of answers) expect([202, 409]).toContain(answer.status);
  });

  it('a refused record is answered the same way again', async () => {
    const invalid = { ...rough('IDEM-007'), rough: { caratWeight: -1 } };
    const first = await register('refused-record', invalid);
    expect(first.status).toBe(422);
    const again = await register('refused-record', invalid);
    expect(again.status).toBe(422);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('a malformed key is a 400 naming the header', async () => {
    const answer = await register('x'.repeat(300), rough('IDEM-008'));
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toContain('Idempotency-Key');
  });

  it('the key is kept in Redis under the bridge prefix with an expiry of about a day', async () => {
    await register('kept-for-a-day', rough('IDEM-009'));
    const store = bridge.built.services.store;
    const principal = { name: 'demo-producer', role: 'producer' as const, org: 'demo-mining' };
    const key = `${store.keys.prefix}${idempotencyKeyOf(principal, 'kept-for-a-day')}`;
    const ttl = await store.redis.pttl(key);
    expect(ttl).toBeGreaterThan(23 * 3_600_000);
    expect(ttl).toBeLessThanOrEqual(24 * 3_600_000);
  });
});

describe('Idempotency-Key on POST /v1/reconcile', () => {
  it('a retried start answers the first run instead of starting a second', async () => {
    const start = () =>
      request(bridge.app)
        .post('/v1/reconcile')
        .set('authorization', bearer.admin)
        .set('idempotency-key', 'nightly-run-2026-12-04')
        .send({ all: true });
    const first = await start();
    expect(first.status).toBe(202);
    const again = await start();
    expect(again.status).toBe(202);
    expect(again.body.runId).toBe(first.body.runId);
    const runs = await bridge.built.services.store.redis.zcard(
      bridge.built.services.store.keys.reconcileRuns,
    );
    expect(runs).toBe(1);
  });
});

describe('Idempotency-Key when the bridge fails', () => {
  it('a 503 is not remembered: the key is let go so the retry does the work once the queues run', async () => {
    const down = await startBridge({ queues: false });
    try {
      const answer = await request(down.app)
        .post('/v1/diamonds')
        .set('authorization', bearer.producer)
        .set('idempotency-key', 'while-queues-down')
        .send(parcelRough('BW-KP-2026-000419', 1.19));
      expect(answer.status).toBe(503);
      const store = down.built.services.store;
      const principal = { name: 'demo-producer', org: 'demo-mining' };
      expect(
        await store.redis.exists(`${store.keys.prefix}${idempotencyKeyOf(principal, 'while-queues-down')}`),
      ).toBe(0);
    } finally {
      await down.close();
    }
  });
});
